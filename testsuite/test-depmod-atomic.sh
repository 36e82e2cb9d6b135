#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# depmod is all or nothing (TAP): a run that fails part-way, is killed, runs out of
# disk or cannot write leaves every index file either completely old or completely new
# (a failed run: exactly the old set, and no temporary file), and two depmods at once
# leave one complete set.
#
# Usage: test-depmod-atomic.sh DEPMOD MKTREE
set -u
depmod=$(realpath -s "$1")
mktree=$2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=testsuite/tap.sh
source "$here/tap.sh"
kver=1.0.0-atomic
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
outputs="modules.dep modules.dep.bin modules.alias modules.alias.bin modules.softdep
modules.weakdep modules.symbols modules.symbols.bin modules.builtin.bin
modules.builtin.alias.bin modules.devname"
echo "TAP version 13"

# tree NAME COUNT TAG: a tree of COUNT modules whose aliases carry TAG, chained by symbols
tree() {
	local name=$1 count=$2 tag=$3 i
	{
		echo "kver $kver"
		for i in $(seq 1 "$count"); do
			echo "module kernel/drivers/m$i.ko"
			echo "  modinfo alias=pci:v0000${i}d*sv*sd*bc*sc*i*-$tag"
			echo "  modinfo softdep=pre: m$(((i % count) + 1))"
			echo "  export sym_$i"
			[ "$i" -gt 1 ] && echo "  undef sym_$((i - 1))"
		done
	} >"$work/$name.spec"
	"$mktree" "$work/$name.spec" "$work/$name" >/dev/null
}
moddir() { echo "$work/$1/lib/modules/$kver"; }
temporaries() { ls "$1" | grep -cE '^modules\..*\.[0-9]+\.[0-9]+\.[0-9]+$'; }
# same_set DIR REF: every output in DIR equals REF's
same_set() {
	local f
	for f in $outputs; do cmp -s "$1/$f" "$2/$f" || return 1; done
}

# ---- the old and the new set of one tree ---------------------------------------------
tree base 200 old
"$depmod" -b "$work/base" "$kver" 2>/dev/null
cp -a "$(moddir base)" "$work/old-set"
tree base 200 new # same module files rewritten with other aliases
cp -a "$work/base" "$work/newtree"
"$depmod" -b "$work/newtree" "$kver" 2>/dev/null
cp -a "$(moddir newtree)" "$work/new-set"
check "the old and the new set differ" test -n "$(cmp "$work/old-set/modules.alias" "$work/new-set/modules.alias")"

# fresh_old NAME: a copy of the new tree whose index files are the old set
fresh_old() {
	rm -rf "${work:?}/$1"
	cp -a "$work/base" "$work/$1"
	local f
	for f in $outputs; do cp -a "$work/old-set/$f" "$(moddir "$1")/"; done
}

# ---- a failure part-way: an output name taken by a directory ---------------------------
fresh_old dir
rm -f "$(moddir dir)/modules.symbols.bin"
mkdir "$(moddir dir)/modules.symbols.bin"
"$depmod" -b "$work/dir" "$kver" >/dev/null 2>"$work/dir.err"
check "output is a directory: exit 1" test $? -eq 1
check "output is a directory: message names it" \
	grep -q "modules.symbols.bin exists and is not a regular file" "$work/dir.err"
ok_all=1
for f in $outputs; do
	[ "$f" = modules.symbols.bin ] && continue
	cmp -s "$work/old-set/$f" "$(moddir dir)/$f" || ok_all=0
done
check "output is a directory: every other file is the old one" test $ok_all -eq 1
check "output is a directory: no temporary left" test "$(temporaries "$(moddir dir)")" -eq 0

# ---- a failure in the last file written: a non-ASCII built-in alias ---------------------
fresh_old bi
printf 'x.file=x.ko\0x.alias=caf\xc3\xa9\0' >"$(moddir bi)/modules.builtin.modinfo"
"$depmod" -b "$work/bi" "$kver" >/dev/null 2>"$work/bi.err"
check "non-ASCII built-in alias: exit 1" test $? -eq 1
check "non-ASCII built-in alias: the old set untouched" same_set "$(moddir bi)" "$work/old-set"
check "non-ASCII built-in alias: no temporary left" test "$(temporaries "$(moddir bi)")" -eq 0

# ---- a module file name that is not UTF-8 ---------------------------------------------
fresh_old nu
cp "$(moddir nu)/kernel/drivers/m1.ko" "$(moddir nu)/kernel/drivers/$(printf 'n\xe9').ko"
"$depmod" -b "$work/nu" "$kver" >/dev/null 2>"$work/nu.err"
check "non-UTF-8 module name: exit 1" test $? -eq 1
check "non-UTF-8 module name: the old set untouched" same_set "$(moddir nu)" "$work/old-set"
check "non-UTF-8 module name: no temporary left" test "$(temporaries "$(moddir nu)")" -eq 0

# ---- killed at 100 moments ------------------------------------------------------------
# How long one run takes here, to spread the kills over it (a busy machine only moves
# the moments; every moment must leave complete files).
spans=()
for i in 1 2 3; do
	fresh_old kill
	start=$(date +%s%N)
	"$depmod" -b "$work/kill" "$kver" 2>/dev/null
	spans+=($((($(date +%s%N) - start) / 1000)))
done
span_us=$(printf '%s\n' "${spans[@]}" | sort -n | sed -n 2p)
[ "$span_us" -gt 0 ] || span_us=1000
fresh_old kill
RANDOM=4242 # the moments are reproducible (as far as the scheduler lets them be)
bad=0 mixed=0 complete=0
for i in $(seq 1 100); do
	"$depmod" -b "$work/kill" "$kver" 2>/dev/null &
	pid=$!
	us=$(((RANDOM * 32768 + RANDOM) % (span_us + span_us / 2 + 1)))
	sleep "$(printf '0.%06d' "$us")"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	n_old=0 n_new=0
	for f in $outputs; do
		if cmp -s "$(moddir kill)/$f" "$work/old-set/$f"; then
			cmp -s "$work/old-set/$f" "$work/new-set/$f" || n_old=$((n_old + 1))
		elif cmp -s "$(moddir kill)/$f" "$work/new-set/$f"; then
			n_new=$((n_new + 1))
		else
			bad=$((bad + 1))
			echo "# kill $i after ${us}us: $f is neither the old nor the new one"
		fi
	done
	[ $n_old -gt 0 ] && [ $n_new -gt 0 ] && mixed=$((mixed + 1))
	[ $n_old -eq 0 ] && complete=$((complete + 1))
	fresh_old kill
done
echo "# 100 kills over ${span_us}us runs: $complete after the renames, $mixed during them, $((100 - complete - mixed)) before"
check "killed 100 times: every file always complete (old or new)" test $bad -eq 0
# What a run killed while writing leaves behind, planted (a kill lands before, during or
# after the writes by chance): temporaries named <output>.<pid>.<usec>.<sec>, a partly
# renamed set, and beside them files that only look like temporaries and are not ours.
fresh_old kill
k=$(moddir kill)
printf 'partial' >"$k/modules.dep.4242.123456.1700000000"
printf 'partial' >"$k/modules.alias.bin.1.2.3"
printf 'partial' >"$k/modules.depmod-cache.77.0.1700000001"
cp "$work/new-set/modules.dep" "$k/modules.dep"
printf 'not ours' >"$k/modules.dep.bak"
printf 'not ours' >"$k/modules.dep.1.2"
printf 'not ours' >"$k/modules.dep.1.2.x"
check "a killed run's leftovers planted" test "$(temporaries "$k")" -eq 3
"$depmod" -b "$work/kill" "$kver" 2>/dev/null
check "after a kill, a second run gives the new set" same_set "$k" "$work/new-set"
check "after a kill, the second run removed every stale temporary" \
	test "$(temporaries "$k")" -eq 0
check "after a kill, files that only look like temporaries are kept" \
	test "$(cat "$k/modules.dep.bak" "$k/modules.dep.1.2" "$k/modules.dep.1.2.x")" = "not oursnot oursnot ours"

# ---- two at once --------------------------------------------------------------------
fresh_old two
"$depmod" -b "$work/two" "$kver" 2>"$work/two1.err" &
p1=$!
"$depmod" -b "$work/two" "$kver" 2>"$work/two2.err" &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
check "two depmods at once: both succeed" test $r1 -eq 0 -a $r2 -eq 0
check "two depmods at once: one complete set" same_set "$(moddir two)" "$work/new-set"
check "two depmods at once: no temporary, no lock file" \
	test "$(ls "$(moddir two)" | grep -vcE '^(kernel|modules\.(dep|alias|softdep|weakdep|symbols|devname|builtin|order|depmod-cache)(\.bin|\.alias\.bin|\.modinfo)?)$')" -eq 0

# A held lock: depmod waits for it, and gives up after the (test-shortened) bound.
if command -v flock >/dev/null; then
	# wait_held DIR: returns once a flock on DIR is held by someone else
	wait_held() {
		local i
		for i in $(seq 1 600); do
			flock -n "$1" true || return 0
			sleep 0.05
		done
		return 1
	}
	fresh_old lock
	flock "$(moddir lock)" sleep 1 &
	holder=$!
	wait_held "$(moddir lock)"
	"$depmod" -b "$work/lock" "$kver" 2>/dev/null
	rc=$?
	check "a held lock: depmod waited and then wrote the new set" \
		test $rc -eq 0 -a "$(kill -0 $holder 2>/dev/null && echo alive)" = ""
	check "a held lock: the set is the new one" same_set "$(moddir lock)" "$work/new-set"
	wait $holder
	fresh_old lock
	flock "$(moddir lock)" sleep 60 &
	holder=$!
	wait_held "$(moddir lock)"
	MODKIT_DEPMOD_LOCK_WAIT_SEC=1 "$depmod" -b "$work/lock" "$kver" 2>"$work/lock.err"
	rc=$?
	check "a lock held too long: exit 1" test $rc -eq 1
	check "a lock held too long: message" grep -q "another depmod has been writing" "$work/lock.err"
	check "a lock held too long: the old set untouched" same_set "$(moddir lock)" "$work/old-set"
	pkill -P $holder sleep 2>/dev/null
	wait $holder 2>/dev/null
else
	skip "a held lock" "needs flock(1) (package util-linux)"
fi

# ---- full disk and unwritable directory (need a mount namespace) ------------------------
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	fresh_old full
	mkdir -p "$work/full/mnt" "$work/full/after"
	used=$(du -sk "$work/old-set" --exclude=kernel | cut -f1)
	# the output directory (-o) on a tmpfs holding the old set, with room for only
	# half of a new one
	unshare -m bash -c '
		d=$1 depmod=$2 kver=$3 kb=$4 old=$5 outputs=$6
		mount -t tmpfs -o size=$((kb + kb / 2))k none "$d/mnt" || exit
		mkdir -p "$d/mnt/lib/modules/$kver" || exit
		for f in $outputs; do cp -a "$old/$f" "$d/mnt/lib/modules/$kver/" || exit; done
		"$depmod" -b "$d" -o "$d/mnt" "$kver" >/dev/null 2>"$d/full.err"
		echo $? >"$d/full.rc"
		cp -a "$d/mnt/lib/modules/$kver/." "$d/after/"
	' _ "$work/full" "$depmod" "$kver" "$used" "$work/old-set" "$outputs" \
		2>"$work/full.setup" </dev/null
	if [ -f "$work/full/full.rc" ]; then
		check "full disk: exit 1" test "$(cat "$work/full/full.rc")" = 1
		check "full disk: a clear message" grep -q "No space left on device" "$work/full/full.err"
		check "full disk: the old set intact" same_set "$work/full/after" "$work/old-set"
		check "full disk: no temporary left" test "$(temporaries "$work/full/after")" -eq 0
	else
		not_ok "full disk: the tmpfs could not be set up"
		sed 's/^/# /' "$work/full.setup"
	fi
	fresh_old ro
	unshare -m bash -c '
		d=$1 depmod=$2 kver=$3
		mount --bind "$d/lib/modules/$kver" "$d/lib/modules/$kver" &&
			mount -o remount,bind,ro "$d/lib/modules/$kver" || exit 9
		"$depmod" -b "$d" "$kver" >/dev/null 2>"$d/ro.err"
	' _ "$work/ro" "$depmod" "$kver"
	rc=$?
	check "unwritable directory: exit 1" test $rc -eq 1
	check "unwritable directory: a clear message" grep -q "Read-only file system" "$work/ro/ro.err"
	check "unwritable directory: nothing changed" same_set "$(moddir ro)" "$work/old-set"
	check "unwritable directory: no temporary left" test "$(temporaries "$(moddir ro)")" -eq 0
else
	skip "full disk and unwritable directory" "need root and mount namespaces (unshare -m)"
fi
tap_finish
