#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# compress-tree.sh SRC DST xz|zst|gz
#
# Copies the directory tree SRC to DST (which must not exist yet, or be empty) with every
# regular file named *.ko compressed the way kbuild does it, as <name>.ko.<ext>:
#   xz   xz --check=crc32 --lzma2=dict=1MiB
#   zst  zstd -q
#   gz   gzip -n
# Every other file (modules.order, modules.builtin, modules.builtin.modinfo, ...),
# symlink and directory is copied unchanged. Runs one job per CPU (xargs -P).
set -euo pipefail

die() {
	echo "compress-tree.sh: $*" >&2
	exit 1
}

[ $# -eq 3 ] || die "usage: compress-tree.sh SRC DST xz|zst|gz"
src=$1
dst=$2
kind=$3
case $kind in
xz) tool=xz ;;
zst) tool=zstd ;;
gz) tool=gzip ;;
*) die "unknown compression '$kind' (xz, zst or gz)" ;;
esac
command -v "$tool" >/dev/null || die "$tool is not installed"
[ -d "$src" ] || die "$src is not a directory"
if [ -e "$dst" ] && [ -n "$(ls -A "$dst")" ]; then
	die "$dst exists and is not empty"
fi
mkdir -p "$dst"
src=$(cd "$src" && pwd -P)
dst=$(cd "$dst" && pwd -P)

cd "$src"
# Directories first, then everything that is not a module file, as is.
find . -mindepth 1 -type d -print0 | (cd "$dst" && xargs -0 -r mkdir -p)
find . ! -type d ! \( -type f -name '*.ko' \) -print0 |
	xargs -0 -r cp -a --parents -t "$dst"

# One shell per batch of files; each writes <dst>/<file>.<ext> through a temporary
# name so that an interrupted run never leaves a truncated module behind.
export DST=$dst KIND=$kind
find . -type f -name '*.ko' -print0 |
	xargs -0 -r -n 32 -P "$(nproc)" sh -c '
		set -e
		for f in "$@"; do
			out="$DST/$f.$KIND"
			tmp="$out.tmp$$"
			case $KIND in
			xz) xz --check=crc32 --lzma2=dict=1MiB -c -- "$f" >"$tmp" ;;
			zst) zstd -q -c -- "$f" >"$tmp" ;;
			gz) gzip -n -c -- "$f" >"$tmp" ;;
			esac
			touch -r "$f" "$tmp"
			mv -f "$tmp" "$out"
		done' sh
