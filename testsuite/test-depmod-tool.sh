#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# depmod's command line: options, messages and exit codes (tools.md 1, 2, 8), compared
# with Debian's /sbin/depmod (kmod 30) where the versions agree, else with the texts
# of tools.md; -A; -m/-o; and modkit's "nothing half-written" promise. Prints TAP.
#
# Usage: test-depmod-tool.sh DEPMOD MKTREE
set -u
depmod=$(realpath -s "$1")
mktree=$2
kver=1.0.0-tool
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=testsuite/tap.sh
source "${MODKIT_SOURCE_ROOT:?}/testsuite/tap.sh"
# run PREFIX CMD...: stdout, stderr and status into $work/PREFIX.{out,err,rc}
run() {
	local p=$1
	shift
	"$@" >"$work/$p.out" 2>"$work/$p.err"
	echo $? >"$work/$p.rc"
}
# expect LABEL PREFIX STATUS STDERR (stdout must be empty)
expect() {
	printf '%s\n' "$3" >"$work/exp.rc"
	printf '%b' "$4" >"$work/exp.err"
	check_eq "$1: exit status" "$work/exp.rc" "$work/$2.rc"
	check_eq "$1: stderr" "$work/exp.err" "$work/$2.err"
	check "$1: no stdout" test ! -s "$work/$2.out"
}

debian_depmod=
have_kmod_oracle && debian_depmod=/sbin/depmod

echo "TAP version 13"

# A small tree; ours and Debian's runs use their own copies. b is compressed when the
# build reads xz (a build without it fails on such a module by design).
bsuf=
have_feature xz && bsuf=.xz
spec='
kver 1.0.0-tool
module kernel/a.ko
  modinfo alias=a-alias
  export a_fn
module kernel/b.ko'"$bsuf"'
  undef a_fn
modules-order
file lib/modules/@KVER@/modules.builtin
kernel/x/builtin-one.ko
end
binfile lib/modules/@KVER@/modules.builtin.modinfo
builtin_one.alias=bi-alias\0
end
'
printf '%s\n' "$spec" >"$work/tree.spec"
"$mktree" "$work/tree.spec" "$work/t" || not_ok "tree built"
moddir=$work/t/lib/modules/$kver

# ---- the same as Debian's depmod -----------------------------------------------------------
# Both binaries are reached through a symlink named "depmod" so getopt's messages
# (which print argv[0] as typed) read the same.
mkdir -p "$work/ours-bin" "$work/deb-bin"
ln -s "$(readlink -f "$depmod")" "$work/ours-bin/depmod"
if [ -n "$debian_depmod" ]; then
	ln -s "$(readlink -f "$debian_depmod")" "$work/deb-bin/depmod"
fi
same() { # same LABEL ARGS... (@T@ = tree root of the run's own copy)
	local label=$1 a
	shift
	local args_o=() args_d=()
	for a in "$@"; do
		args_o+=("${a//@T@/$work/t}")
		args_d+=("${a//@T@/$work/td}")
	done
	rm -rf "$work/td" && cp -a "$work/t" "$work/td"
	run o "$work/ours-bin/depmod" "${args_o[@]}"
	if [ -z "$debian_depmod" ]; then
		skip "$label: compared with Debian's depmod" "$no_debian_depmod"
		return
	fi
	run d env -u LD_LIBRARY_PATH -u LD_PRELOAD "$work/deb-bin/depmod" "${args_d[@]}"
	check_eq "$label: exit status as Debian's" "$work/d.rc" "$work/o.rc"
	sed "s|$work/td|@T@|g; s|$work/deb-bin|BIN|g" "$work/d.err" >"$work/d.err1"
	sed "s|$work/t|@T@|g; s|$work/ours-bin|BIN|g" "$work/o.err" >"$work/o.err1"
	check_eq "$label: stderr as Debian's" "$work/d.err1" "$work/o.err1"
	sed "s|$work/td|@T@|g" "$work/d.out" >"$work/d.out1"
	sed -e "s|$work/t|@T@|g" -e '/^# Weak dependencies extracted/d' -e '/^weakdep /d' \
		"$work/o.out" >"$work/o.out1"
	check_eq "$label: stdout as Debian's" "$work/d.out1" "$work/o.out1"
}

same "bad version 'foo'" foo
same "bad version '6'" 6
same "bad version '6.x'" 6.x
same "version '1.2junk' accepted" -n -b @T@ 1.2junk
same "-P with two chars" -P ab
same "module dir missing" -b @T@/nonexistent "$kver"
same "relative module file" -b @T@ "$kver" kernel/a.ko
same "missing module file" -b @T@ "$kver" @T@/lib/modules/$kver/kernel/a.ko @T@/nonexist.ko
same "module files given" -n -b @T@ "$kver" @T@/lib/modules/$kver/kernel/b.ko$bsuf
same "module files and -a" -n -a -b @T@ "$kver" @T@/lib/modules/$kver/kernel/b.ko$bsuf
same "invalid short option" -x
same "unrecognized long option" --xyz
same "missing option argument" -C
same "ambiguous-free abbreviation --bas" -n --bas=@T@ "$kver"
same "invalid option before -h" -x -h
# (our help text is our own wording: only the status and stderr are compared)
run hx "$work/ours-bin/depmod" -h -x -b "$work/t" "$kver"
check "-h wins over a later invalid option: exit 0, nothing on stderr" \
	test "$(cat "$work/hx.rc")" = 0 -a ! -s "$work/hx.err"
check "-h wins over a later invalid option: usage printed" grep -q '^Usage:' "$work/hx.out"
same "-e without -E/-F" -e -b @T@ "$kver"
same "-E file missing" -E @T@/nonexistent -b @T@ "$kver"
same "-F file missing" -F @T@/nonexistent -b @T@ "$kver"
same "-n prints the text indexes" -n -b @T@ "$kver"
same "--dry-run" --dry-run -b @T@ "$kver"
same "--show -v" --show -v -b @T@ "$kver"
same "options after the operand" -b @T@ "$kver" -n
same "-A -n: nothing at all" -A -n -b @T@ "$kver"
same "-A without modules.dep" -A -b @T@/lib/../ "$kver"
same "-- ends the options" -n -b @T@ -- "$kver"

# ---- -A ----------------------------------------------------------------------------------------
rm -f "$moddir"/modules.*.bin "$moddir/modules.dep"
run qa "$depmod" -A -b "$work/t" "$kver"
expect "-A, no modules.dep" qa 0 \
	"depmod: ERROR: could not fstatat($moddir, modules.dep): No such file or directory\n"
check "-A, no modules.dep: full run wrote modules.dep" test -s "$moddir/modules.dep"
touch -d '2000-01-01' "$moddir/modules.alias"
touch -d '+1 hour' "$moddir/modules.dep"
run qb "$depmod" -A -b "$work/t" "$kver"
expect "-A, up to date" qb 0 ""
check "-A, up to date: nothing rewritten" test "$(stat -c %Y "$moddir/modules.alias")" = \
	"$(date -d 2000-01-01 +%s)"
touch -d '+2 hours' "$moddir/kernel/b.ko$bsuf"
run qc "$depmod" -A -b "$work/t" "$kver"
expect "-A, a module is newer" qc 0 ""
check "-A, a module is newer: indexes rewritten" \
	test "$(stat -c %Y "$moddir/modules.alias")" != "$(date -d 2000-01-01 +%s)"

# ---- -V / -h ----------------------------------------------------------------------------------
run v "$depmod" -V
printf 'kmod version 34.2\n' >"$work/v.exp1"
head -1 "$work/v.out" >"$work/v.got1"
check_eq "-V: first line" "$work/v.exp1" "$work/v.got1"
check "-V: feature line" grep -qxF -e "$(feature_line)" "$work/v.out"
check "-V: exit 0, no stderr" test "$(cat "$work/v.rc")" = 0 -a ! -s "$work/v.err"
run h "$depmod" --help
check "-h: exit 0, no stderr" test "$(cat "$work/h.rc")" = 0 -a ! -s "$work/h.err"
check "-h: usage line" grep -q 'depmod -\[aA\] \[options\] \[forced_version\]' "$work/h.out"
for o in -a -A -e -n -P -C -v -w -V -h -b -m -o -F -E; do
	check "-h lists $o" grep -qe "[[:space:]]$o, --" "$work/h.out"
done
check "-h shows the default module directory" grep -q '/lib/modules' "$work/h.out"

# ---- -o / -m -----------------------------------------------------------------------------------
"$depmod" -b "$work/t" "$kver" 2>/dev/null
cp -a "$moddir" "$work/before"
run o1 "$depmod" -b "$work/t" -o "$work/out" "$kver"
check "-o: exit 0" test "$(cat "$work/o1.rc")" = 0
check "-o: same files under the outdir" diff -r "$work/before" "$work/out/lib/modules/$kver" \
	-x kernel -x modules.order -x modules.builtin -x modules.builtin.modinfo \
	-x modules.depmod-cache
check "-o: output dir has only the 11 indexes (and the parse cache)" \
	test "$(ls "$work/out/lib/modules/$kver" | grep -vx 'modules.depmod-cache' | wc -l)" = 11
mkdir -p "$work/m/usr/lib/mods" && cp -a "$moddir" "$work/m/usr/lib/mods/"
run m1 "$depmod" -b "$work/m" -m /usr/lib/mods "$kver"
check "-m: exit 0" test "$(cat "$work/m1.rc")" = 0
check "-m: modules.dep under basedir/moduledir" \
	cmp -s "$work/before/modules.dep" "$work/m/usr/lib/mods/$kver/modules.dep"
run m2 "$depmod" -b "$work/m" --moduledir=usr/lib/mods -o "$work/m-out" "$kver"
check "-m with -o: output under outdir/moduledir" \
	cmp -s "$work/before/modules.dep" "$work/m-out/usr/lib/mods/$kver/modules.dep"
(cd "$work" && "$depmod" -b t -o rel-out "$kver" 2>/dev/null)
check "-b and -o relative to the cwd" cmp -s "$work/before/modules.dep" \
	"$work/rel-out/lib/modules/$kver/modules.dep"

# ---- nothing half-written ---------------------------------------------------------------------
# A file-size limit makes modules.alias fail: every file (those written before it too) keeps its old,
# complete contents; no temporary file is left; exit 1 with kmod's message.
cp -a "$work/t" "$work/h"
hm=$work/h/lib/modules/$kver
"$depmod" -b "$work/h" "$kver" 2>/dev/null
cp -a "$hm" "$work/h-old"
{
	echo "kver $kver"
	echo "module kernel/big.ko"
	for i in $(seq 1 300); do echo "  modinfo alias=a-rather-long-alias-number-$i"; done
} >"$work/big.spec"
"$mktree" "$work/big.spec" "$work/h" || not_ok "big module built"
(
	trap '' XFSZ
	ulimit -f 8
	exec "$depmod" -b "$work/h" "$kver"
) >"$work/hw.out" 2>"$work/hw.err"
check "write failure: exit 1" test $? = 1
check "write failure: message" grep -qx \
	"depmod: ERROR: Could not create index 'modules.alias'. Output is truncated: File too large" \
	"$work/hw.err"
check "write failure: modules.dep (written before the failure) was not renamed either" \
	cmp -s "$work/h-old/modules.dep" "$hm/modules.dep"
for f in modules.dep.bin modules.weakdep modules.alias modules.alias.bin modules.softdep modules.symbols modules.symbols.bin \
	modules.builtin.bin modules.builtin.alias.bin modules.devname; do
	check "write failure: $f kept its previous contents" cmp -s "$work/h-old/$f" "$hm/$f"
done
check "write failure: no temporary file left" \
	test "$(ls "$hm" | grep -c '^modules\..*\.[0-9]*\.[0-9]*\.[0-9]*$')" = 0


# ---- a non-ASCII alias is fatal for the .bin, and leaves no temporary file ----------------
cp -a "$work/t" "$work/na"
nm=$work/na/lib/modules/$kver
"$depmod" -b "$work/na" "$kver" 2>/dev/null
cp -a "$nm" "$work/na-old"
printf 'kver %s\nmodule kernel/nonascii.ko\n  modinfo alias=caf\\xc3\\xa9\n' "$kver" >"$work/na.spec"
"$mktree" "$work/na.spec" "$work/na" || not_ok "non-ASCII module built"
run na "$depmod" -b "$work/na" "$kver"
check "non-ASCII alias: exit 1" test "$(cat "$work/na.rc")" = 1
check "non-ASCII alias: FATAL message" grep -q "^depmod: FATAL: Module index: bad character" \
	"$work/na.err"
check "non-ASCII alias: modules.alias.bin kept its previous contents" \
	cmp -s "$work/na-old/modules.alias.bin" "$nm/modules.alias.bin"
check "non-ASCII alias: no temporary file left" \
	test "$(ls "$nm" | grep -c '^modules\..*\.[0-9]*\.[0-9]*\.[0-9]*$')" = 0

tap_finish
