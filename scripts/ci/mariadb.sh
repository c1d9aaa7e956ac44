#!/usr/bin/env bash
# Starts (or stops) a throwaway MariaDB for the live consumer test, with networking off and a private
# unix socket, with its data directory in a temp dir. Needs Debian's mariadb-server.
#   scripts/ci/mariadb.sh start   -> prints the socket path on stdout
#   scripts/ci/mariadb.sh stop SOCKET
set -euo pipefail
case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/tikv-export-mariadb.XXXXXX)
    mariadb-install-db --user="$(id -un)" --datadir="$dir/data" --auth-root-authentication-method=socket >"$dir/install.log" 2>&1
    mariadbd --user="$(id -un)" --datadir="$dir/data" --skip-networking \
      --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" --local-infile=1 --skip-log-bin \
      --log-error="$dir/server.log" </dev/null >/dev/null 2>&1 &
    for _ in $(seq 1 120); do
      if [ -S "$dir/mysqld.sock" ] && mariadb --socket="$dir/mysqld.sock" -uroot -e 'select 1' >/dev/null 2>&1; then
        echo "$dir/mysqld.sock"
        exit 0
      fi
      sleep 0.5
    done
    echo "mariadb did not start; log:" >&2
    cat "$dir/server.log" >&2 || true
    exit 1
    ;;
  stop)
    sock="${2:?socket}"
    mariadb-admin --socket="$sock" -uroot shutdown >/dev/null 2>&1 || true
    rm -rf "$(dirname "$sock")"
    ;;
  *)
    echo "usage: $0 start | stop SOCKET" >&2
    exit 2
    ;;
esac
