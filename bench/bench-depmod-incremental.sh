#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench-depmod-incremental.sh [DEPMOD] [RUNS]
#
# depmod after one module changed (what DKMS or a package update runs), with the parse
# cache (modules.depmod-cache), on the Debian 6.1 tree of .ko.xz modules, against
#   - Debian's /sbin/depmod (kmod 30; kmod 34.2 is not packaged here) on the same tree
#     (target: ours <= 0.05 x Debian's), and
#   - our own full run (--no-cache) on the plain .ko tree (target: <= 0.5 x).
# Prints medians and per-round ratios; it is a benchmark, not a pass/fail test.
#
# Each depmod gets its own copy of lib/modules/<kver> made of hard links to the cached
# trees of testsuite/debian-tree.sh, which are never written: the changed module is
# replaced by a new file (a copy renamed over the link), as a package manager does.
# Before each of our incremental runs the module is replaced again, so every measured
# run re-reads exactly one module and takes the other 4021 from the cache. After one
# warm-up run of each, RUNS (default 7) rounds run the three alternately; the load
# average is printed before and after (the machine may be shared).
#
# DEPMOD defaults to build/src/depmod of the source tree. MODULE (environment) is the
# module changed, relative to the module dir (default: the e1000e network driver).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ours=$(realpath -s "${1:-$here/build/src/depmod}")
runs=${2:-7}
kver=6.1.0-50-amd64
debian=/sbin/depmod
module=${MODULE:-kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.xz}

[ -x "$ours" ] || { echo "bench-depmod-incremental: $ours not found (build first)" >&2; exit 1; }
[ -x "$debian" ] || { echo "bench-depmod-incremental: Debian's $debian not found" >&2; exit 1; }

plain=$(bash "$here/testsuite/debian-tree.sh")
xz=$(bash "$here/testsuite/debian-tree.sh" --compressed xz)
[ -f "$xz/lib/modules/$kver/$module" ] || {
	echo "bench-depmod-incremental: $module is not in the .ko.xz tree" >&2
	exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# copy LABEL ROOT: a tree of hard links to ROOT's modules, without any index
copy() {
	mkdir -p "$work/$1/lib/modules"
	cp -al "$2/lib/modules/$kver" "$work/$1/lib/modules/"
	find "$work/$1/lib/modules/$kver" -maxdepth 1 -name 'modules.*' \
		! -name modules.order ! -name modules.builtin ! -name modules.builtin.modinfo \
		-delete
}

# touch_module: replaces the module of our .ko.xz copy by a new file, same contents
touch_module() {
	local f=$work/inc/lib/modules/$kver/$module
	cp "$f" "$f.new"
	mv -f "$f.new" "$f"
}

# measure OUTFILE CMD...: appends the wall seconds
measure() {
	local out=$1 t0 t1
	shift
	t0=$(date +%s.%N)
	env -u LD_LIBRARY_PATH -u LD_PRELOAD "$@" >/dev/null 2>"$work/stderr" ||
		{ cat "$work/stderr" >&2; return 1; }
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }' >>"$out"
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.4f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

copy inc "$xz"
copy deb "$xz"
copy full "$plain"

echo "modkit incremental depmod benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs"
echo "ours:   $ours ($("$ours" -V | sed -n 3p))"
echo "debian: $debian ($(env -u LD_LIBRARY_PATH "$debian" -V | head -1))"
echo "changed module: $module"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# warm-up (page cache; our first run also writes the cache), not counted
measure /dev/null "$debian" -b "$work/deb" "$kver"
measure /dev/null "$ours" -b "$work/inc" "$kver"
measure /dev/null "$ours" --no-cache -b "$work/full" "$kver"
: >"$work/inc.txt"
: >"$work/deb.txt"
: >"$work/full.txt"
for _ in $(seq "$runs"); do
	touch_module
	measure "$work/inc.txt" "$ours" -b "$work/inc" "$kver"
	measure "$work/deb.txt" "$debian" -b "$work/deb" "$kver"
	measure "$work/full.txt" "$ours" --no-cache -b "$work/full" "$kver"
done

# what the last incremental run did with the cache
touch_module
MODKIT_DEPMOD_CACHE_STATS=1 "$ours" -b "$work/inc" "$kver" 2>&1 >/dev/null |
	sed -n 's/^depmod: cache: /cache (last run): /p'

same=yes
for f in modules.dep modules.alias modules.symbols modules.softdep modules.devname; do
	cmp -s "$work/deb/lib/modules/$kver/$f" "$work/inc/lib/modules/$kver/$f" || same=no
done

inc=$(median <"$work/inc.txt")
deb=$(median <"$work/deb.txt")
full=$(median <"$work/full.txt")
echo
echo "== medians of $runs rounds (wall seconds)"
printf '  ours, one .ko.xz module changed:    %7.4f\n' "$inc"
printf '  Debian kmod 30, same .ko.xz tree:   %7.4f   ratio ours/Debian %.3f (target <= 0.05)\n' \
	"$deb" "$(awk -v a="$inc" -v b="$deb" 'BEGIN { print a / b }')"
printf '  ours --no-cache, plain .ko tree:    %7.4f   ratio ours/full   %.3f (target <= 0.5)\n' \
	"$full" "$(awk -v a="$inc" -v b="$full" 'BEGIN { print a / b }')"
printf '  per-round ours/full:'
paste -d' ' "$work/inc.txt" "$work/full.txt" | awk '{ printf " %.2f", $1 / $2 } END { print "" }'
printf '  per-round (ours Debian full):'
paste -d' ' "$work/inc.txt" "$work/deb.txt" "$work/full.txt" |
	awk '{ printf " (%s %s %s)", $1, $2, $3 } END { print "" }'
echo "  text outputs identical to Debian's: $same"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
