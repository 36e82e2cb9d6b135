#!/bin/bash
# Reproduces every file of testsuite/reference/<kver>/tools byte for byte: our depmod
# indexes a copy of the Debian tree, then our modprobe (--show-depends,
# --resolve-alias, -c) and modinfo run exactly as the reference was made (-C EMPTYDIR,
# an empty kernel command line through the shim's fixture root). Prints TAP.
#
# usage: test-reference-tools.sh BUILD_DIR SOURCE_DIR SHIM
set -uo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
shim=$(realpath "$3")
kver=6.1.0-50-amd64
ref=$src/testsuite/reference/$kver/tools
# shellcheck source=testsuite/tap.sh
source "$src/testsuite/tap.sh"
echo "TAP version 13"

[ -d "$ref" ] || bail "no reference outputs at $ref"
need_debian_tree debroot

tmp=$(mktemp -d "${TMPDIR:-/tmp}/modkit-reftools.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root/lib/modules" "$tmp/empty" "$tmp/fixture/proc"
: >"$tmp/fixture/proc/cmdline"
# hard links when possible: the tree is 400 MB
cp -al "$debroot/lib/modules/$kver" "$root/lib/modules/" 2>/dev/null ||
	cp -a "$debroot/lib/modules/$kver" "$root/lib/modules/"
rm -f "$root/lib/modules/$kver"/modules.*.bin "$root/lib/modules/$kver"/modules.{dep,alias,softdep,weakdep,symbols,devname}
"$build/src/depmod" -b "$root" "$kver" 2>"$tmp/depmod.err" || bail "depmod failed: $(cat "$tmp/depmod.err")"

# the reference was made with an empty /proc/cmdline: the shim serves the fixture's
run_tool() {
	env LD_PRELOAD="$shim" MODKIT_ROOT="$tmp/fixture" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
		"$@"
}

compare() { # compare NAME OURS: against the reference file NAME.zst
	local name=$1 ours=$2 expected=$tmp/$1.expected
	zstd -dc "$ref/$name.zst" | sed "s|@ROOT@|$root|g" >"$expected"
	check_eq "$name" "$expected" "$ours"
}

zstd -dc "$ref/sample-modules.txt.zst" >"$tmp/modules"
zstd -dc "$ref/sample-aliases.txt.zst" >"$tmp/aliases"
mp="$build/src/modprobe -C $tmp/empty -d $root -S $kver"

while read -r m; do
	echo "### $m"
	run_tool $mp --show-depends "$m" 2>&1
	rc=$?
	[ $rc -ne 0 ] && echo "exit=$rc"
done <"$tmp/modules" >"$tmp/show-depends.txt"
compare show-depends.txt "$tmp/show-depends.txt"

head -60 "$tmp/modules" | while read -r m; do
	echo "### $m"
	run_tool "$build/src/modinfo" -b "$root" -k "$kver" "$m" 2>&1
	rc=$?
	[ $rc -ne 0 ] && echo "exit=$rc"
done >"$tmp/modinfo.txt"
compare modinfo.txt "$tmp/modinfo.txt"

while read -r a; do
	echo "### $a"
	run_tool $mp --resolve-alias "$a" 2>&1
	rc=$?
	[ $rc -ne 0 ] && echo "exit=$rc"
done <"$tmp/aliases" >"$tmp/resolve-alias.txt"
compare resolve-alias.txt "$tmp/resolve-alias.txt"

run_tool $mp -c >"$tmp/showconfig.txt" 2>&1
compare showconfig.txt "$tmp/showconfig.txt"

tap_finish
