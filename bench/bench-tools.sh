#!/bin/bash
# Start-up cost of the tools against Debian's kmod 30 on the Debian 6.1 tree.
# Prints figures; it is not a test.
#   - instructions executed (valgrind --tool=callgrind: stable on a noisy machine) for
#     modprobe --resolve-alias, modprobe --show-depends, modinfo -F alias, full modinfo
#   - wall time of modprobe -c (median of N alternating runs, and per-pair ratios)
#
# usage: bench/bench-tools.sh [BUILD_DIR] [RUNS]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$src/build}")
runs=${2:-7}
kver=6.1.0-50-amd64
command -v valgrind >/dev/null || { echo "valgrind is needed"; exit 1; }

debroot=$(bash "$src/testsuite/debian-tree.sh")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root/lib/modules" "$tmp/empty"
cp -al "$debroot/lib/modules/$kver" "$root/lib/modules/" 2>/dev/null ||
	cp -a "$debroot/lib/modules/$kver" "$root/lib/modules/"
"$build/src/depmod" -b "$root" "$kver"

alias_q=$(zstd -dc "$src/testsuite/reference/$kver/tools/sample-aliases.txt.zst" | sed -n 100p)
ours="$build/src"
theirs=/sbin
echo "machine: $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ours: $("$ours/modprobe" -V | tail -1); theirs: $("$theirs/modprobe" -V | head -1)"

instr() { # instructions of one run
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

printf '\n%-44s %14s %14s %8s\n' "instructions (callgrind)" ours "kmod 30" ratio
bench_instr() {
	local label=$1 tool=$2
	shift 2
	local a b
	a=$(instr "$ours/$tool" "$@")
	b=$(instr "$theirs/$tool" "$@")
	printf '%-44s %14s %14s %8s\n' "$label" "$a" "$b" "$(ratio "$a" "$b")"
}
mp=(-C "$tmp/empty" -d "$root" -S "$kver")
bench_instr "modprobe --resolve-alias <modalias>" modprobe "${mp[@]}" --resolve-alias "$alias_q"
bench_instr "modprobe --show-depends xt_LOG" modprobe "${mp[@]}" --show-depends xt_LOG
bench_instr "modinfo -F alias e1000e" modinfo -b "$root" -k "$kver" -F alias e1000e
bench_instr "modinfo x_tables (signed, full)" modinfo -b "$root" -k "$kver" x_tables

now_ns() { date +%s%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
: >"$tmp/a"
: >"$tmp/b"
: >"$tmp/r"
batch=10 # runs per sample: the clock calls then cost nothing in comparison
run_batch() { for _ in $(seq $batch); do "$@" -c >/dev/null; done; }
for i in $(seq "$runs"); do
	t0=$(now_ns); run_batch "$ours/modprobe" "${mp[@]}"; t1=$(now_ns)
	run_batch "$theirs/modprobe" "${mp[@]}"; t2=$(now_ns)
	echo $(((t1 - t0) / 1000 / batch)) >>"$tmp/a"
	echo $(((t2 - t1) / 1000 / batch)) >>"$tmp/b"
	ratio $((t1 - t0)) $((t2 - t1)) >>"$tmp/r"
	echo >>"$tmp/r"
done
printf '\nmodprobe -c wall time, %s alternating samples of %s runs (microseconds per run)\n' "$runs" "$batch"
printf '  ours median %s, kmod 30 median %s, ratio of medians %s\n' "$(median <"$tmp/a")" \
	"$(median <"$tmp/b")" "$(ratio "$(median <"$tmp/a")" "$(median <"$tmp/b")")"
printf '  per-pair ratios: %s\n' "$(tr '\n' ' ' <"$tmp/r")"
printf '  load after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
