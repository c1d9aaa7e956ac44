#!/bin/sh
# Builds tools/fixture-writer/build/fixture-writer against Debian's librocksdb-dev (7.8.3).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/build"
g++ -std=c++17 -O1 -Wall -Wextra -o "$here/build/fixture-writer.tmp.$$" "$here/fixture-writer.cc" -lrocksdb
mv "$here/build/fixture-writer.tmp.$$" "$here/build/fixture-writer"
