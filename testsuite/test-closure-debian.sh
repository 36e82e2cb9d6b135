#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# modprobe --closure of every module of the Debian tree, and of sample aliases,
# checked by closure-check.py against its own computation from the text indexes
# kmod 34.2 wrote for that tree (testsuite/reference) and the modules' .modinfo
# sections. The tree's modules are reached through a symlink, so nothing is copied
# and the cache is only read. Prints TAP.
#
# usage: test-closure-debian.sh BUILD_DIR SOURCE_DIR SHIM
set -uo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
shim=$(realpath "$3")
kver=6.1.0-50-amd64
ref=$src/testsuite/reference/$kver

# shellcheck source=testsuite/tap.sh
source "$src/testsuite/tap.sh"
echo "TAP version 13"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/modkit-closure-debian.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
need_debian_tree debroot

root=$tmp/root
dir=$root/lib/modules/$kver
mkdir -p "$dir" "$tmp/empty" "$tmp/fixture/proc"
: >"$tmp/fixture/proc/cmdline"
ln -s "$debroot/lib/modules/$kver/kernel" "$dir/kernel"
cp "$debroot/lib/modules/$kver"/modules.{builtin,builtin.modinfo,order} "$dir/"
for f in "$ref"/depmod-raw/modules.*.zst; do
	zstd -qdc "$f" >"$dir/$(basename "$f" .zst)"
done
zstd -qdc "$ref/tools/sample-aliases.txt.zst" | head -100 >"$tmp/aliases"

# closure-check.py prints the cases' TAP, after its own header line (printed above)
python3 "$src/testsuite/closure-check.py" "$root" "$kver" --aliases "$tmp/aliases" -- \
	env LD_PRELOAD="$shim" MODKIT_ROOT="$tmp/fixture" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
	"$build/src/modprobe" -C "$tmp/empty" -d "$root" -S "$kver" | sed '1{/^TAP version/d}'
