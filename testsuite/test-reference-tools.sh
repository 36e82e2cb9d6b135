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
echo "TAP version 13"
bail() { echo "Bail out! $*"; exit 1; }

[ -d "$ref" ] || bail "no reference outputs at $ref"
debroot=$(bash "$src/testsuite/debian-tree.sh" 2>"${TMPDIR:-/tmp}/modkit-reftools.$$.err")
rc=$?
why=$(tail -n1 "${TMPDIR:-/tmp}/modkit-reftools.$$.err" | sed 's/^debian-tree.sh: //')
rm -f "${TMPDIR:-/tmp}/modkit-reftools.$$.err"
[ $rc -eq 77 ] && { echo "1..0 # SKIP $why"; exit 0; }
[ $rc -eq 0 ] || bail "the Debian kernel package linux-image-6.1.0-50-amd64=6.1.176-1: $why"

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

n=0
failed=0
compare() { # compare NAME OURS: against the reference file NAME.zst
	local name=$1 ours=$2 expected=$tmp/$1.expected
	n=$((n + 1))
	zstd -dc "$ref/$name.zst" | sed "s|@ROOT@|$root|g" >"$expected"
	if cmp -s "$ours" "$expected"; then
		echo "ok $n - $name"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name"
		diff "$ours" "$expected" | head -20 | sed 's/^/# /'
	fi
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

echo "1..$n"
[ $failed -eq 0 ]
