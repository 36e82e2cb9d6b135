#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the libFuzzer programs of a -Dfuzz=true build, each for a bounded time, and
# fails on any finding. Prints TAP: one case per target with its executions, corpus
# size and run time; a finding (crash, sanitizer report, leak, timeout, out of memory)
# makes it "not ok" and names the saved input.
#
# Usage: run-fuzz.sh BUILD_DIR SECONDS_PER_TARGET [TARGET...]
#   BUILD_DIR  configured with CC=clang ... -Dfuzz=true -Dbuild-tests=true, built
#   TARGET     default: every corpus/<target>/ beside this script
# Environment:
#   FUZZ_PARALLEL  targets run at the same time (default 1); each is one process
#   FUZZ_WORK      work directory (default BUILD_DIR/fuzz-run): per target the
#                  growing corpus (committed corpus + regressions + what the run
#                  adds), findings/, and fuzz.log
#   FUZZ_TMPDIR    where targets make their scratch trees (default /dev/shm)
#   FUZZ_FROM      a work directory of an earlier run: its FUZZ_FROM/<target>/corpus
#                  joins the starting corpus, so long runs can be done in parts
#
# A target starts from its committed corpus and regressions (copied: the source
# tree is never written). Limits: -timeout=10 s per input, -rss_limit_mb=2048.
# To keep a finding: copy it to regressions/<target>/ (the replay tests of every
# build then run it), fix the library, and check with the replay program:
#   BUILD/testsuite/fuzz/replay-<target> FILE
set -uo pipefail

build=$(realpath "${1:?usage: run-fuzz.sh BUILD_DIR SECONDS_PER_TARGET [TARGET...]}")
seconds=${2:?usage: run-fuzz.sh BUILD_DIR SECONDS_PER_TARGET [TARGET...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=testsuite/tap.sh
source "$here/../tap.sh"
work=$(realpath -m "${FUZZ_WORK:-$build/fuzz-run}")
parallel=${FUZZ_PARALLEL:-1}

if [ $# -gt 0 ]; then
	targets=("$@")
else
	targets=()
	for d in "$here"/corpus/*/; do
		targets+=("$(basename "$d")")
	done
fi

# run_target TARGET: fuzzes, writes WORK/TARGET/result: "ok" or "not ok" and the
# case's description on the first line, then TAP comments (the targets run in
# parallel; the main shell numbers the cases in target order)
run_target() {
	local t=$1 bin=$build/testsuite/fuzz/fuzz-$1 dir=$work/$1
	local start end execs units bytes findings status tmp cpu um us sm ss dict=()

	rm -rf "$dir"
	mkdir -p "$dir/corpus" "$dir/findings"
	if [ ! -x "$bin" ]; then
		printf 'not ok %s: %s missing (configure with CC=clang -Dfuzz=true)\n' \
			"$t" "$bin" >"$dir/result"
		return
	fi
	# the trees some targets write are fsync'd by depmod: keep them in memory
	tmp=$(mktemp -d "${FUZZ_TMPDIR:-/dev/shm}/modkit-fuzz-$t.XXXXXX" 2>/dev/null) ||
		tmp=$(mktemp -d "$dir/tmp.XXXXXX")
	cp "$here/corpus/$t"/* "$dir/corpus/" 2>/dev/null
	cp "$here/regressions/$t"/* "$dir/corpus/" 2>/dev/null
	[ -n "${FUZZ_FROM:-}" ] && cp "$FUZZ_FROM/$t/corpus"/* "$dir/corpus/" 2>/dev/null
	[ -f "$here/dict/$t.dict" ] && dict=(-dict="$here/dict/$t.dict")
	start=$(date +%s)
	TMPDIR=$tmp \
	ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		nice "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$dir/findings/" "${dict[@]}" \
		"$dir/corpus" >"$dir/fuzz.log" 2>&1
	status=$?
	end=$(date +%s)
	# this function runs in its own subshell: its children's CPU time is the target's
	# (times itself, not in a command substitution, whose fork would count nothing)
	times >"$dir/times"
	cpu=$(sed -n '2{s/^\([0-9]*\)m\([0-9]*\)[.,].*s \([0-9]*\)m\([0-9]*\)[.,].*/\1 \2 \3 \4/;p}' "$dir/times")
	read -r um us sm ss <<<"$cpu"
	cpu=$(( 10#${um:-0} * 60 + 10#${us:-0} + 10#${sm:-0} * 60 + 10#${ss:-0} ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" | tail -n 1)
	units=$(find "$dir/corpus" -type f | wc -l)
	bytes=$(du -sb "$dir/corpus" | cut -f1)
	findings=$(find "$dir/findings" -type f | sort)
	if [ $status -eq 0 ] && [ -z "$findings" ]; then
		printf 'ok %s: %s execs in %d s (%d s CPU), corpus %d inputs %d KiB\n' \
			"$t" "${execs:-?}" $((end - start)) "$cpu" "$units" $((bytes / 1024)) \
			>"$dir/result"
	else
		{
			printf 'not ok %s: exit %d after %d s, %s execs, corpus %d inputs\n' \
				"$t" "$status" $((end - start)) "${execs:-?}" "$units"
			for f in $findings; do
				printf '# finding: %s (regression input: cp it to %s)\n' "$f" \
					"testsuite/fuzz/regressions/$t/"
			done
			grep -m 3 -E '^==[0-9]+==ERROR|^SUMMARY|runtime error|ALARM|out-of-memory' \
				"$dir/fuzz.log" | sed 's/^/# /'
			printf '# log: %s\n' "$dir/fuzz.log"
		} >"$dir/result"
	fi
	rm -rf "$tmp"
}

mkdir -p "$work"
echo "TAP version 13"
printf '# %s s per target, %d at a time, work directory %s\n' "$seconds" "$parallel" "$work"
running=0
for i in "${!targets[@]}"; do
	if [ "$running" -ge "$parallel" ]; then
		wait -n
		running=$((running - 1))
	fi
	run_target "${targets[$i]}" &
	running=$((running + 1))
done
wait

for t in "${targets[@]}"; do
	[ -s "$work/$t/result" ] || { not_ok "$t: no result (the run was cut short)"; continue; }
	{
		read -r result
		case $result in
		"ok "*) ok "${result#ok }" ;;
		*) not_ok "${result#not ok }" ;;
		esac
		cat
	} <"$work/$t/result"
done
printf '# %d of %d targets failed (a finding, or no program)\n' "$tap_failed" "${#targets[@]}"
tap_finish
