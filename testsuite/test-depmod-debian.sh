#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# depmod on the real Debian 6.1 module tree against kmod 34.2's golden output (TAP).
#
# Usage: test-depmod-debian.sh DEPMOD DUMP
#   DEPMOD  our depmod binary; DUMP  test-depmod-dump (index reader dump)
# The tree comes from testsuite/debian-tree.sh (MODKIT_DEBIAN_ROOT or
# /var/cache/modkit/root-6.1.0-50-amd64 until that script exists); compressed copies
# from `debian-tree.sh --compressed xz|zst|gz`, or are made once under
# ${MODKIT_DEPMOD_CACHE:-${TMPDIR:-/tmp}/modkit-depmod-trees}.
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

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { # check DESCRIPTION COMMAND...
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

debian_root() {
	if [ -x "$src/testsuite/debian-tree.sh" ]; then
		"$src/testsuite/debian-tree.sh" "$@"
		return
	fi
	local root=${MODKIT_DEBIAN_ROOT:-/var/cache/modkit/root-6.1.0-50-amd64}
	if [ ! -d "$root/lib/modules/$kver" ]; then
		echo "Debian tree not found: install linux-image-$kver (6.1.176-1) unpacked at $root" >&2
		return 1
	fi
	if [ $# -eq 0 ]; then
		echo "$root"
		return
	fi
	# --compressed EXT: a recompressed copy, made once
	local ext=$2 cache=${MODKIT_DEPMOD_CACHE:-${TMPDIR:-/tmp}/modkit-depmod-trees}
	local dst=$cache/$ext
	if [ ! -f "$dst/.complete" ]; then
		rm -rf "$dst.tmp" && mkdir -p "$dst.tmp/lib/modules" || return 1
		cp -a "$root/lib/modules/$kver" "$dst.tmp/lib/modules/" || return 1
		local cmd
		case $ext in
		xz) cmd="xz -0 --check=crc32" ;;
		zst) cmd="zstd -q --rm -1" ;;
		gz) cmd="gzip -1" ;;
		*) return 1 ;;
		esac
		(cd "$dst.tmp" && find lib -name '*.ko' -print0 | xargs -0 -P"$(nproc)" -n64 $cmd) ||
			return 1
		rm -rf "$dst" && mv "$dst.tmp" "$dst" && touch "$dst/.complete"
	fi
	echo "$dst"
}

# same_as_ref OUTDIR REFSUBDIR FILE
same_as_ref() {
	zstd -dcq "$ref/$2/$3.zst" | cmp -s - "$1/$3"
}

echo "TAP version 13"
if [ ! -d "$ref/depmod-raw" ]; then
	echo "not ok 1 - reference output not found at $ref"
	echo "1..1"
	exit 1
fi
root=$(debian_root 2>"$work/tree.err")
case $? in
0) ;;
77) echo "1..0 # SKIP $(tail -n1 "$work/tree.err" | sed 's/^debian-tree.sh: //')"; exit 0 ;;
*)
	sed 's/^/# /' "$work/tree.err"
	echo "not ok 1 - the Debian tree is unavailable"
	echo "1..1"
	exit 1
	;;
esac

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
xzroot=$(debian_root --compressed xz)
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
	croot=$(debian_root --compressed $ext)
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

echo "1..$n"
[ $failed -eq 0 ]
