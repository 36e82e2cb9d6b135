#!/bin/sh
# Alias lookup throughput of our index reader and library against Debian's libkmod,
# on the kmod 34.2 reference indexes of Debian's 6.1 kernel (see bench-alias.c).
# usage: bench/bench-alias.sh [BUILD_DIR] [QUERIES] [ROUNDS]
set -e
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
queries=${2:-2000}
rounds=${3:-7}
ref=$here/../testsuite/reference/6.1.0-50-amd64/depmod-raw
bin=$build/bench/bench-alias
[ -x "$bin" ] || { echo "build $bin first (ninja -C $build)" >&2; exit 1; }
[ -d "$ref" ] || { echo "reference files not found in $ref" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for f in modules.dep.bin modules.alias.bin modules.symbols.bin modules.builtin.bin \
	 modules.builtin.alias.bin modules.softdep modules.weakdep modules.devname \
	 modules.alias; do
	zstd -dcq "$ref/$f.zst" >"$dir/$f"
done
ourlib=$build/lib/libkmod.so.2
[ -e "$ourlib" ] || ourlib=
exec "$bin" "$dir" "$dir/modules.alias" "$ourlib" "$queries" "$rounds"
