#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench-depmod.sh [DEPMOD] [RUNS]
#
# Wall time and peak RSS of modkit's depmod against Debian's /sbin/depmod (kmod 30)
# on the Debian 6.1 module tree: plain .ko, .ko.zst and .ko.xz. Prints figures; it is
# not a pass/fail test (the targets are printed next to the measured ratios).
#
# Each depmod gets its own writable copy of lib/modules/<kver> (hard links to the
# module files, so both read the same inodes and write their own indexes). After one
# warm-up run of each, RUNS (default 5) pairs run alternately (Debian, ours, Debian,
# ours, ...); medians and the per-pair ratios ours/Debian are printed. Peak RSS comes
# from /usr/bin/time when it exists, else from getrusage() through python3.
#
# DEPMOD defaults to build/src/depmod of the source tree. The trees come from
# testsuite/debian-tree.sh (MODKIT_DEBIAN_ROOT as a fallback for the plain tree).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ours=$(realpath -s "${1:-$here/build/src/depmod}")
runs=${2:-5}
kver=6.1.0-50-amd64
debian=/sbin/depmod

[ -x "$ours" ] || { echo "bench-depmod: $ours not found (build first)" >&2; exit 1; }
[ -x "$debian" ] || { echo "bench-depmod: Debian's $debian not found" >&2; exit 1; }

tree() {
	if [ -x "$here/testsuite/debian-tree.sh" ]; then
		"$here/testsuite/debian-tree.sh" "$@"
	elif [ $# -eq 0 ]; then
		echo "${MODKIT_DEBIAN_ROOT:-/var/cache/modkit/root-6.1.0-50-amd64}"
	else
		return 1
	fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure OUTFILE CMD...: appends "<wall seconds> <peak RSS KiB> <CPU seconds>"
if [ -x /usr/bin/time ]; then
	measure() {
		local out=$1
		shift
		/usr/bin/time -f '%e %M %U %S' -o "$work/time" env -u LD_LIBRARY_PATH -u LD_PRELOAD \
			"$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; return 1; }
		awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$work/time" >>"$out"
	}
else
	measure() {
		local out=$1
		shift
		python3 - "$@" >>"$out" <<'EOF'
import os, resource, subprocess, sys, time
env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "LD_PRELOAD")}
t = time.monotonic()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL, env=env)
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %d %.2f" % (wall, ru.ru_maxrss, ru.ru_utime + ru.ru_stime))
EOF
	}
fi

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "modkit depmod benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs"
echo "ours:   $ours ($("$ours" -V | head -1))"
echo "debian: $debian ($(env -u LD_LIBRARY_PATH "$debian" -V | head -1))"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

bench_one() { # bench_one LABEL ROOT WALL_TARGET
	local label=$1 root=$2 target=$3 who
	for who in deb ours; do
		mkdir -p "$work/$who/lib/modules"
		rm -rf "$work/$who/lib/modules/$kver"
		cp -al "$root/lib/modules/$kver" "$work/$who/lib/modules/"
		# the indexes are written anew by each run; don't share them
		rm -f "$work/$who/lib/modules/$kver"/modules.{dep,alias,softdep,weakdep,symbols,devname}*
		rm -f "$work/$who/lib/modules/$kver"/modules.*.bin
	done
	: >"$work/deb.txt"
	: >"$work/ours.txt"
	# warm-up (page cache), not counted
	measure /dev/null "$debian" -b "$work/deb" "$kver"
	measure /dev/null "$ours" --no-cache -b "$work/ours" "$kver"
	for _ in $(seq "$runs"); do
		measure "$work/deb.txt" "$debian" -b "$work/deb" "$kver"
		measure "$work/ours.txt" "$ours" --no-cache -b "$work/ours" "$kver"
	done
	local dw ow dm om dc oc
	dw=$(cut -d' ' -f1 "$work/deb.txt" | median)
	ow=$(cut -d' ' -f1 "$work/ours.txt" | median)
	dm=$(cut -d' ' -f2 "$work/deb.txt" | median)
	om=$(cut -d' ' -f2 "$work/ours.txt" | median)
	dc=$(cut -d' ' -f3 "$work/deb.txt" | median)
	oc=$(cut -d' ' -f3 "$work/ours.txt" | median)
	echo "== $label ($runs pairs)"
	printf '  wall  debian median %6.3f s   ours median %6.3f s   ratio %.2f (target <= %s)\n' \
		"$dw" "$ow" "$(awk -v a="$ow" -v b="$dw" 'BEGIN { print a / b }')" "$target"
	printf '  peak RSS debian %8d KiB   ours %8d KiB   ratio %.2f (target <= 0.5)\n' \
		"$dm" "$om" "$(awk -v a="$om" -v b="$dm" 'BEGIN { print a / b }')"
	printf '  CPU   debian median %6.2f s   ours median %6.2f s   ratio %.2f (user+sys; less load-sensitive)\n' \
		"$dc" "$oc" "$(awk -v a="$oc" -v b="$dc" 'BEGIN { print a / b }')"
	printf '  per-pair wall ratios:'
	paste -d' ' "$work/deb.txt" "$work/ours.txt" |
		awk '{ printf " %.2f", $4 / $1 } END { print "" }'
	printf '  per-pair (debian ours) seconds:'
	paste -d' ' "$work/deb.txt" "$work/ours.txt" |
		awk '{ printf " (%s %s)", $1, $4 } END { print "" }'
	local same=yes f
	for f in modules.dep modules.alias modules.symbols modules.softdep modules.devname; do
		cmp -s "$work/deb/lib/modules/$kver/$f" "$work/ours/lib/modules/$kver/$f" || same=no
	done
	echo "  text outputs identical to Debian's: $same"
	rm -rf "$work/deb" "$work/ours"
}

bench_one "plain .ko" "$(tree)" 0.30
bench_one ".ko.zst" "$(tree --compressed zst)" 0.40
bench_one ".ko.xz" "$(tree --compressed xz)" 0.55

echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
