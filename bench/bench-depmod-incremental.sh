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
# trees of testsuite/debian-tree.sh, which are never written: a changed module is
# replaced by a new file (a copy renamed over the link), as a package manager does.
# Two kinds of change, each measured in every round:
#   same interface  MODULE is replaced by a new copy of itself (a rebuild that
#                   declares the same aliases, exports and imports): re-read, and
#                   every index found already right (headline figure);
#   new exports     EXPORTER is replaced, alternately, by a version in which one
#                   exported symbol has another name (same length) and by the
#                   original: re-read, dependencies resolved again, the symbol and
#                   dependency indexes written again.
# Every measured incremental run re-reads exactly one module and takes the other 4021
# from the cache. After one warm-up run of each, RUNS (default 7) rounds run all of
# them alternately; the load average is printed before and after (the machine may be
# shared).
#
# DEPMOD defaults to build/src/depmod of the source tree. MODULE and EXPORTER
# (environment), relative to the module dir, default to the e1000e network driver and
# mii (whose mii_link_ok is renamed mii_link_oK).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ours=$(realpath -s "${1:-$here/build/src/depmod}")
runs=${2:-7}
kver=6.1.0-50-amd64
debian=/sbin/depmod
module=${MODULE:-kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.xz}
exporter=${EXPORTER:-kernel/drivers/net/mii.ko.xz}
renamed_from=${RENAMED_FROM:-mii_link_ok}
renamed_to=${RENAMED_TO:-mii_link_oK}

[ -x "$ours" ] || { echo "bench-depmod-incremental: $ours not found (build first)" >&2; exit 1; }
[ -x "$debian" ] || { echo "bench-depmod-incremental: Debian's $debian not found" >&2; exit 1; }

plain=$(bash "$here/testsuite/debian-tree.sh")
xz=$(bash "$here/testsuite/debian-tree.sh" --compressed xz)
for m in "$module" "$exporter"; do
	[ -f "$xz/lib/modules/$kver/$m" ] || {
		echo "bench-depmod-incremental: $m is not in the .ko.xz tree" >&2
		exit 1
	}
done

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

# the exporter's other version: one exported symbol renamed, same length
xz -dc "$xz/lib/modules/$kver/$exporter" |
	python3 -c 'import sys; d = sys.stdin.buffer.read(); a, b = sys.argv[1].encode(), sys.argv[2].encode(); assert len(a) == len(b) and a in d; sys.stdout.buffer.write(d.replace(a, b))' \
		"$renamed_from" "$renamed_to" | xz --check=crc32 >"$work/exporter-b.ko.xz"
cp "$xz/lib/modules/$kver/$exporter" "$work/exporter-a.ko.xz"
flip=a
# swap_exporter: puts the exporter's other version in place in the "exp" tree
swap_exporter() {
	local f=$work/exp/lib/modules/$kver/$exporter
	flip=$([ $flip = a ] && echo b || echo a)
	cp "$work/exporter-$flip.ko.xz" "$f.new"
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
copy exp "$xz"
copy deb "$xz"
copy full "$plain"

echo "modkit incremental depmod benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs"
echo "ours:   $ours ($("$ours" -V | sed -n 3p))"
echo "debian: $debian ($(env -u LD_LIBRARY_PATH "$debian" -V | head -1))"
echo "changed modules: $module (same interface), $exporter ($renamed_from <-> $renamed_to)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# warm-up (page cache; our first run also writes the cache), not counted
measure /dev/null "$debian" -b "$work/deb" "$kver"
measure /dev/null "$ours" -b "$work/inc" "$kver"
measure /dev/null "$ours" -b "$work/exp" "$kver"
measure /dev/null "$ours" --no-cache -b "$work/full" "$kver"
: >"$work/inc.txt"
: >"$work/exp.txt"
: >"$work/deb.txt"
: >"$work/full.txt"
for _ in $(seq "$runs"); do
	touch_module
	measure "$work/inc.txt" "$ours" -b "$work/inc" "$kver"
	swap_exporter
	measure "$work/exp.txt" "$ours" -b "$work/exp" "$kver"
	measure "$work/deb.txt" "$debian" -b "$work/deb" "$kver"
	measure "$work/full.txt" "$ours" --no-cache -b "$work/full" "$kver"
done

# what the last incremental runs did with the cache
touch_module
MODKIT_DEPMOD_CACHE_STATS=1 "$ours" -b "$work/inc" "$kver" 2>&1 >/dev/null |
	sed -n 's/^depmod: cache: /cache, same interface: /p'
swap_exporter
MODKIT_DEPMOD_CACHE_STATS=1 "$ours" -b "$work/exp" "$kver" 2>&1 >/dev/null |
	sed -n 's/^depmod: cache: /cache, new exports:    /p'

same=yes
for f in modules.dep modules.alias modules.symbols modules.softdep modules.devname; do
	cmp -s "$work/deb/lib/modules/$kver/$f" "$work/inc/lib/modules/$kver/$f" || same=no
done

inc=$(median <"$work/inc.txt")
exp=$(median <"$work/exp.txt")
deb=$(median <"$work/deb.txt")
full=$(median <"$work/full.txt")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
echo
echo "== medians of $runs rounds (wall seconds)"
printf '  Debian kmod 30, .ko.xz tree:                 %7.4f\n' "$deb"
printf '  ours --no-cache, plain .ko tree (full run):  %7.4f\n' "$full"
printf '  ours, one .ko.xz module, same interface:     %7.4f   /Debian %s (target <= 0.05)   /full %s (target <= 0.5)\n' \
	"$inc" "$(ratio "$inc" "$deb")" "$(ratio "$inc" "$full")"
printf '  ours, one .ko.xz module, new exports:        %7.4f   /Debian %s (target <= 0.05)   /full %s (target <= 0.5)\n' \
	"$exp" "$(ratio "$exp" "$deb")" "$(ratio "$exp" "$full")"
printf '  per-round same interface/full:'
paste -d' ' "$work/inc.txt" "$work/full.txt" | awk '{ printf " %.2f", $1 / $2 } END { print "" }'
printf '  per-round new exports/full:   '
paste -d' ' "$work/exp.txt" "$work/full.txt" | awk '{ printf " %.2f", $1 / $2 } END { print "" }'
printf '  per-round (same-interface new-exports Debian full):'
paste -d' ' "$work/inc.txt" "$work/exp.txt" "$work/deb.txt" "$work/full.txt" |
	awk '{ printf " (%s %s %s %s)", $1, $2, $3, $4 } END { print "" }'
echo "  text outputs identical to Debian's (same-interface tree): $same"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
