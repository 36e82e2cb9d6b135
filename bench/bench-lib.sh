#!/bin/bash
# Start-up cost of the library: instructions (callgrind) of a program that creates a
# context and resolves one alias, on our libkmod and on Debian's, over several
# aliases of the Debian 6.1 tree. Prints figures; not a test.
# usage: bench/bench-lib.sh [BUILD_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$src/build}")
kver=6.1.0-50-amd64
ours=$build/bench/lookup-one
theirs=$build/bench/lookup-one-system
[ -x "$theirs" ] || { echo "no $theirs: install libkmod-dev and rebuild"; exit 1; }

debroot=$(bash "$src/testsuite/debian-tree.sh")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/root/lib/modules"
cp -al "$debroot/lib/modules/$kver" "$tmp/root/lib/modules/" 2>/dev/null ||
	cp -a "$debroot/lib/modules/$kver" "$tmp/root/lib/modules/"
"$build/src/depmod" -b "$tmp/root" "$kver"
dir=$tmp/root/lib/modules/$kver

instr() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
echo "machine: $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-58s %10s %10s %7s\n' "kmod_new + kmod_module_new_from_lookup" ours debian ratio
zstd -dc "$src/testsuite/reference/$kver/tools/sample-aliases.txt.zst" | sed -n '1p;100p;200p;300p;400p' |
	while read -r alias; do
		a=$(instr "$ours" "$dir" "$alias")
		b=$(instr "$theirs" "$dir" "$alias")
		printf '%-58.58s %10s %10s %7s\n' "$alias" "$a" "$b" \
			"$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')"
	done
