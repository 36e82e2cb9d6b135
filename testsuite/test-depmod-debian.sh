#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# depmod on the real Debian 6.1 module tree against kmod 34.2's golden output (TAP).
#
# Usage: test-depmod-debian.sh DEPMOD DUMP
#   DEPMOD  our depmod binary; DUMP  test-depmod-dump (index reader dump)
# The tree and its compressed copies come from testsuite/debian-tree.sh
# (`--compressed xz|zst|gz`).
# The reference is kmod 34.2's output kept in <source>/testsuite/reference.
set -u
depmod=$(realpath -s "$1")
dump=$2
kver=6.1.0-50-amd64
src=${MODKIT_SOURCE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
refroot=$src/testsuite/reference
ref=$refroot/$kver
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

outputs="modules.dep modules.dep.bin modules.alias modules.alias.bin modules.softdep
modules.weakdep modules.symbols modules.symbols.bin modules.builtin.bin
modules.builtin.alias.bin modules.devname"
texts="modules.dep modules.alias modules.softdep modules.weakdep modules.symbols modules.devname"

# shellcheck source=testsuite/tap.sh
source "$src/testsuite/tap.sh"

# same_as_ref OUTDIR REFSUBDIR FILE
same_as_ref() {
	zstd -dcq "$ref/$2/$3.zst" | cmp -s - "$1/$3"
}

echo "TAP version 13"
if [ ! -d "$ref/depmod-raw" ]; then
	not_ok "reference output not found at $ref"
	tap_finish
fi
need_debian_tree root

# --- plain tree: every file byte for byte -------------------------------------------
out1=$work/raw
"$depmod" -b "$root" -o "$out1" "$kver" >"$work/raw.out" 2>"$work/raw.err"
check "plain tree: exit 0" test $? -eq 0
check "plain tree: no stdout" test ! -s "$work/raw.out"
check "plain tree: nothing on stderr" \
	test ! -s "$work/raw.err"
for f in $outputs; do
	check "plain tree: $f identical to kmod 34.2" same_as_ref "$out1/lib/modules/$kver" depmod-raw "$f"
done
# (modkit's parse cache, modules.depmod-cache, sits beside the 11 indexes)
check "plain tree: no temporary files left" \
	test "$(ls "$out1/lib/modules/$kver" | grep -vx 'modules.depmod-cache' | wc -l)" -eq 11

# --- determinism: one thread vs many ---------------------------------------------------
MODKIT_DEPMOD_THREADS=1 "$depmod" -b "$root" -o "$work/t1" "$kver" 2>/dev/null
MODKIT_DEPMOD_THREADS=7 "$depmod" -b "$root" -o "$work/t7" "$kver" 2>/dev/null
check "1 thread and 7 threads give identical files" \
	diff -r -x modules.depmod-cache "$work/t1/lib/modules/$kver" "$work/t7/lib/modules/$kver"
check "1 thread output identical to the default run" \
	diff -r -x modules.depmod-cache "$work/t1/lib/modules/$kver" "$out1/lib/modules/$kver"

# --- -n: text outputs on stdout, nothing written -----------------------------------------
"$depmod" -n -b "$root" -o "$work/dry" "$kver" >"$work/dry.out" 2>/dev/null
check "-n: exit 0" test $? -eq 0
: >"$work/dry.exp"
for f in $texts; do zstd -dcq "$ref/depmod-raw/$f.zst" >>"$work/dry.exp"; done
check "-n: stdout is the six text files back to back" cmp -s "$work/dry.exp" "$work/dry.out"
check "-n: nothing written" test ! -e "$work/dry"

# --- compressed trees ----------------------------------------------------------------------
xzroot=$(debian_tree --compressed xz)
if [ -n "$xzroot" ]; then
	"$depmod" -b "$xzroot" -o "$work/xz" "$kver" 2>"$work/xz.err"
	check ".ko.xz tree: exit 0" test $? -eq 0
	for f in $outputs; do
		check ".ko.xz tree: $f identical to kmod 34.2" same_as_ref "$work/xz/lib/modules/$kver" depmod-xz "$f"
	done
else
	not_ok ".ko.xz tree could not be made"
fi

for ext in zst gz; do
	croot=$(debian_tree --compressed $ext)
	if [ -z "$croot" ]; then
		not_ok ".ko.$ext tree could not be made"
		continue
	fi
	o=$work/$ext/lib/modules/$kver
	"$depmod" -b "$croot" -o "$work/$ext" "$kver" 2>"$work/$ext.err"
	check ".ko.$ext tree: exit 0" test $? -eq 0
	for f in $outputs; do
		case $f in
		*.bin)
			zstd -dcq "$ref/depmod-xz/$f.zst" >"$work/ref.bin"
			"$dump" "$work/ref.bin" | sed "s/\.ko\.xz/.ko.$ext/g" >"$work/ref.dump"
			"$dump" "$o/$f" >"$work/our.dump" 2>&1
			check ".ko.$ext tree: $f has the .ko.xz contents with the suffix changed" \
				cmp -s "$work/ref.dump" "$work/our.dump"
			check ".ko.$ext tree: $f laid out in kmod 34.2 pre-order" \
				test "$("$dump" --preorder "$o/$f")" = ok
			;;
		*)
			zstd -dcq "$ref/depmod-xz/$f.zst" | sed "s/\.ko\.xz/.ko.$ext/g" >"$work/ref.txt"
			check ".ko.$ext tree: $f is the .ko.xz file with the suffix changed" \
				cmp -s "$work/ref.txt" "$o/$f"
			;;
		esac
	done
done

tap_finish
