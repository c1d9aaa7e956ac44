#!/bin/sh
# Rebuild sst-gen and regenerate the SST fixtures plus RocksDB's own view of them.
# Usage: tools/sst-gen/regen.sh [out-dir [case ...]]   (default fixtures/rocksdb-sst, all cases)
# Needs Debian's librocksdb-dev and rocksdb-tools (7.8.3): g++, -lrocksdb, sst_dump.
set -eu
out=${1:-fixtures/rocksdb-sst}
[ $# -gt 0 ] && shift
bin=${SST_GEN_BIN:-/tmp/sst-gen}
here=$(dirname "$0")
g++ -O1 -std=c++17 "$here/sst-gen.cc" -o "$bin" -lrocksdb
"$bin" "$out" "$@" >/dev/null
for sst in "$out"/*.sst; do
  base=${sst%.sst}
  # scan: every internal entry, hex; drop the "options.env is 0x..." line (a pointer value).
  # (gzip -n: no name/time in the header, so the output is reproducible)
  sst_dump --file="$sst" --command=scan --output_hex | grep -v '^options.env is' | gzip -9n > "$base.scan.txt.gz"
  # properties as RocksDB prints them
  sst_dump --file="$sst" --command=check --show_properties | grep -v '^options.env is' > "$base.props.txt"
  # range tombstones (user keys) from the raw dump
  tmpdir=$(mktemp -d)
  cp "$sst" "$tmpdir/x.sst"
  sst_dump --file="$tmpdir/x.sst" --command=raw >/dev/null
  awk '/^Range deletions:/{on=1;next} on&&/^Data Block/{on=0} on&&/^  HEX/{print $2, $3}' "$tmpdir/x_dump.txt" > "$base.rangedel.txt"
  rm -rf "$tmpdir"
done
