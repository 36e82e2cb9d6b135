#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Hostile trees and configurations: nothing hangs, nothing is lost.
#   - special files (FIFO, socket, /dev/zero) where a module, a configuration file or
#     an index is expected are refused with a message naming them, never waited on;
#   - a configuration file that is a symlink to /dev/null still masks its namesakes;
#   - directory symlink loops under the module dir end, and depmod's result does not
#     depend on RLIMIT_NOFILE;
#   - a module file larger than any real one is refused at once;
#   - module contents never become an install command (modules.softdep).
# Every tool run is bounded by `timeout 60`, so a regression fails instead of hanging.
# Trees come from modkit-mktree, tools from this build; the kernel side (insmod,
# static-nodes) is faked by modkit-shim.so. Prints TAP.
#
# Usage: test-hostile.sh BUILD_ROOT MKTREE SHIM
set -u
# shellcheck source=testsuite/tap.sh
source "${MODKIT_SOURCE_ROOT:?}/testsuite/tap.sh"
build=$1
mktree=$2
shim=$3
bin=$build/src
kver=1.0.0-hostile
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "TAP version 13"

# run NAME CMD...: stdout, stderr, status into $work/NAME.{out,err,rc}; 124 = timed out
run() {
	local name=$1
	shift
	timeout 60 "$@" >"$work/$name.out" 2>"$work/$name.err"
	echo $? >"$work/$name.rc"
}
# shim_of ROOT: sets SHIM to the command prefix that runs a tool on ROOT's fake kernel
shim_of() { SHIM=(env LD_PRELOAD="$shim" MODKIT_ROOT="$1" MODKIT_UNAME_R="$kver"); }
rc() { cat "$work/$1.rc"; }
# finished NAME: the run ended by itself
finished() { [ "$(rc "$1")" != 124 ]; }
# status_is NAME N
status_is() { [ "$(rc "$1")" = "$2" ]; }
# err_has NAME TEXT: stderr holds TEXT (fixed string)
err_has() { grep -qF -- "$2" "$work/$1.err"; }
show_err() { sed 's/^/# /' "$work/$1.err" | head -20; }

# A small tree: a needs b; c sits in extra/ (depmod.d may exclude it).
cat >"$work/base.spec" <<EOF
kver $kver
module kernel/a.ko
  modinfo alias=a-alias
  undef b_fn
module kernel/b.ko
  modinfo alias=b-alias
  export b_fn
module extra/c.ko
  modinfo alias=c-alias
modules-order
EOF
# fresh NAME: a new copy of the base tree at $work/NAME, indexed; prints its root
fresh() {
	"$mktree" "$work/base.spec" "$work/$1" >&2 || return 1
	"$bin/depmod" -b "$work/$1" "$kver" 2>/dev/null || return 1
	echo "$work/$1"
}

# ---- module files that are not regular files ------------------------------------------
root=$(fresh modfile) || not_ok "modfile: tree built"
mkfifo "$work/x.ko"
cd "$work" || exit 1

shim_of "$root"
run insmod-fifo "${SHIM[@]}" "$bin/insmod" ./x.ko
check "insmod FIFO: ends" finished insmod-fifo
check "insmod FIFO: exit 1" status_is insmod-fifo 1
check "insmod FIFO: message names it" err_has insmod-fifo "./x.ko"
lib_check "insmod FIFO: said to be no regular file" err_has insmod-fifo "not a regular file"
check "insmod FIFO: no kernel call" test ! -s "$root/.shim/calls.log"
show_err insmod-fifo

run modinfo-fifo "$bin/modinfo" -b "$root" -k "$kver" ./x.ko
check "modinfo FIFO: ends" finished modinfo-fifo
check "modinfo FIFO: exit 1" status_is modinfo-fifo 1
check "modinfo FIFO: message names it" err_has modinfo-fifo "./x.ko"

# a symlink to /dev/zero named like a module
ln -s /dev/zero "$work/zero.ko"
run insmod-zero "${SHIM[@]}" "$bin/insmod" ./zero.ko
check "insmod /dev/zero: ends with exit 1" status_is insmod-zero 1
check "insmod /dev/zero: message names it" err_has insmod-zero "./zero.ko"
check "insmod /dev/zero: no kernel call" test ! -s "$root/.shim/calls.log"

# a module path in modules.dep leading to a FIFO
mv "$root/lib/modules/$kver/kernel/b.ko" "$work/b.ko.real"
mkfifo "$root/lib/modules/$kver/kernel/b.ko"
run modprobe-fifo "${SHIM[@]}" "$bin/modprobe" a
check "modprobe, dependency is a FIFO: ends with exit 1" status_is modprobe-fifo 1
lib_check "modprobe, dependency is a FIFO: message names it" \
	err_has modprobe-fifo "/lib/modules/$kver/kernel/b.ko"
check "modprobe, dependency is a FIFO: nothing loaded" test ! -s "$root/.shim/calls.log"
show_err modprobe-fifo

# ---- huge module files: refused before anything is read --------------------------------
truncate -s 1G "$work/huge.ko"
run modinfo-huge "$bin/modinfo" -b "$root" -k "$kver" "$work/huge.ko"
check "modinfo 1 GiB sparse .ko: ends with exit 1" status_is modinfo-huge 1
lib_check "modinfo 1 GiB sparse .ko: message names it" err_has modinfo-huge "$work/huge.ko"
check "modinfo 1 GiB sparse .ko: said too large" err_has modinfo-huge "too large"
show_err modinfo-huge
run insmod-huge "${SHIM[@]}" "$bin/insmod" "$work/huge.ko"
check "insmod 1 GiB sparse .ko: ends with exit 1" status_is insmod-huge 1
check "insmod 1 GiB sparse .ko: message names it" err_has insmod-huge "$work/huge.ko"
check "insmod 1 GiB sparse .ko: no kernel call" test ! -s "$root/.shim/calls.log"
show_err insmod-huge
rm -f "$work/huge.ko"
# decompression bombs: small files unpacking beyond the bound, decoded up to it only
# bomb FORMAT CONFIG_MACRO COMPRESSOR...: modinfo on 520 MiB of zeros compressed so
bomb() {
	local fmt=$1 macro=$2 f=$work/bomb.ko.$1
	shift 2
	if ! grep -q "^#define $macro 1" "$build/config.h"; then
		skip "modinfo $fmt bomb" "$fmt support not built in ($macro)"
		return
	fi
	if ! command -v "$1" >/dev/null; then
		skip "modinfo $fmt bomb" "$1 not installed"
		return
	fi
	head -c 520M /dev/zero | "$@" >"$f"
	run "bomb-$fmt" "$bin/modinfo" -b "$root" -k "$kver" "$f"
	check "modinfo $fmt bomb (520 MiB of zeros): ends with exit 1" status_is "bomb-$fmt" 1
	lib_check "modinfo $fmt bomb: refused as too large, named" \
		err_has "bomb-$fmt" "$f: too large to be a module (over 512 MiB decompressed)"
	show_err "bomb-$fmt"
	rm -f "$f"
}
bomb zst ENABLE_ZSTD zstd -q -1 -c
bomb gz ENABLE_ZLIB gzip -1 -c

# ---- configuration files that are not regular files ------------------------------------
root=$(fresh conf) || not_ok "conf: tree built"
conf=$work/conf.d
mkdir -p "$conf"
echo "alias good-alias a" >"$conf/good.conf"
mkfifo "$conf/fifo.conf"
ln -s /dev/zero "$conf/zero.conf"

run modprobe-conf "$bin/modprobe" -d "$root" -S "$kver" -C "$conf" -c
check "modprobe -C dir with FIFO and /dev/zero: ends with exit 0" status_is modprobe-conf 0
lib_check "modprobe -C: FIFO named" err_has modprobe-conf "$conf/fifo.conf: not a regular file"
lib_check "modprobe -C: /dev/zero named" err_has modprobe-conf "$conf/zero.conf: not a regular file"
check "modprobe -C: the good file read" grep -qx "alias good_alias a" "$work/modprobe-conf.out"
show_err modprobe-conf

run modprobe-conf-fifo "$bin/modprobe" -d "$root" -S "$kver" -C "$conf/fifo.conf" -c
check "modprobe -C FIFO itself: ends with exit 0" status_is modprobe-conf-fifo 0
lib_check "modprobe -C FIFO itself: named" err_has modprobe-conf-fifo "$conf/fifo.conf"

run depmod-conf "$bin/depmod" -b "$root" -C "$conf" "$kver"
check "depmod -C dir with FIFO and /dev/zero: ends with exit 0" status_is depmod-conf 0
check "depmod -C: FIFO named" \
	err_has depmod-conf "could not open '$conf/fifo.conf' configuration file: not a regular file"
check "depmod -C: /dev/zero named" \
	err_has depmod-conf "could not open '$conf/zero.conf' configuration file: not a regular file"
check "depmod -C: modules indexed" test "$(wc -l <"$root/lib/modules/$kver/modules.dep")" = 3
show_err depmod-conf

# ---- /dev/null masking still works ----------------------------------------------------
hi=$work/mask-hi
lo=$work/mask-lo
mkdir -p "$hi" "$lo"
ln -s /dev/null "$hi/x.conf"
printf 'alias masked-alias a\nexclude extra\n' >"$lo/x.conf"
echo "alias kept-alias a" >"$lo/y.conf"
run modprobe-mask "$bin/modprobe" -d "$root" -S "$kver" -C "$hi" -C "$lo" -c
check "modprobe: /dev/null masking: exit 0, silent" \
	test "$(rc modprobe-mask)" = 0 -a ! -s "$work/modprobe-mask.err"
check "modprobe: /dev/null masking: masked file not read" \
	test "$(grep -c masked_alias "$work/modprobe-mask.out")" = 0
check "modprobe: /dev/null masking: other files read" \
	grep -qx "alias kept_alias a" "$work/modprobe-mask.out"
run modprobe-unmasked "$bin/modprobe" -d "$root" -S "$kver" -C "$lo" -c
check "modprobe: the masked alias is there without the mask" \
	grep -qx "alias masked_alias a" "$work/modprobe-unmasked.out"
# depmod.d: lo/x.conf would exclude extra/; masked, extra/c.ko is indexed
run depmod-mask "$bin/depmod" -b "$root" -C "$hi" -C "$lo" "$kver"
check "depmod: /dev/null masking: exit 0" status_is depmod-mask 0
check "depmod: /dev/null masking: masked exclude not applied" \
	grep -qx "extra/c.ko:" "$root/lib/modules/$kver/modules.dep"
run depmod-unmasked "$bin/depmod" -b "$root" -C "$lo" "$kver"
check "depmod: the exclude applies without the mask" \
	test "$(grep -c "extra/c.ko" "$root/lib/modules/$kver/modules.dep")" = 0

# ---- index files that are not regular files -------------------------------------------
root=$(fresh index) || not_ok "index: tree built"
moddir=$root/lib/modules/$kver
rm "$moddir/modules.dep.bin"
if python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
	"$moddir/modules.dep.bin" 2>/dev/null; then
	run modprobe-sock "$bin/modprobe" -d "$root" -S "$kver" --show-depends a
	check "modprobe, modules.dep.bin a socket: ends with exit 1" status_is modprobe-sock 1
	lib_check "modprobe, modules.dep.bin a socket: named" \
		err_has modprobe-sock "$moddir/modules.dep.bin: not a regular file"
	show_err modprobe-sock
else
	skip "modprobe, modules.dep.bin a socket" "python3 (to bind a UNIX socket) not installed"
fi
rm -f "$moddir/modules.dep.bin"
mkfifo "$moddir/modules.dep.bin"
run modprobe-idxfifo "$bin/modprobe" -d "$root" -S "$kver" --show-depends a
check "modprobe, modules.dep.bin a FIFO: ends with exit 1" status_is modprobe-idxfifo 1
lib_check "modprobe, modules.dep.bin a FIFO: named" \
	err_has modprobe-idxfifo "$moddir/modules.dep.bin: not a regular file"
run modinfo-idxfifo "$bin/modinfo" -b "$root" -k "$kver" a
check "modinfo, modules.dep.bin a FIFO: ends with exit 1" status_is modinfo-idxfifo 1
lib_check "modinfo, modules.dep.bin a FIFO: named" \
	err_has modinfo-idxfifo "$moddir/modules.dep.bin: not a regular file"
rm "$moddir/modules.alias.bin"
ln -s /dev/zero "$moddir/modules.alias.bin"
run modprobe-idxzero "$bin/modprobe" -d "$root" -S "$kver" --show-depends a-alias
check "modprobe, modules.alias.bin /dev/zero: ends with exit 1" status_is modprobe-idxzero 1
lib_check "modprobe, modules.alias.bin /dev/zero: named" \
	err_has modprobe-idxzero "$moddir/modules.alias.bin: not a regular file"
show_err modprobe-idxzero
# text indexes read by depmod and static-nodes (a fresh tree: depmod refuses to
# write over names taken by non-files)
root=$(fresh text) || not_ok "text: tree built"
moddir=$root/lib/modules/$kver
rm "$moddir/modules.order"
mkfifo "$moddir/modules.order"
run depmod-order "$bin/depmod" -b "$root" "$kver"
check "depmod, modules.order a FIFO: ends with exit 0" status_is depmod-order 0
check "depmod, modules.order a FIFO: named" \
	err_has depmod-order "could not open modules.order at $moddir: not a regular file"
rm "$moddir/modules.devname"
mkfifo "$moddir/modules.devname"
shim_of "$root"
run static-nodes-fifo "${SHIM[@]}" "$bin/kmod" static-nodes
check "static-nodes, modules.devname a FIFO: ends with exit 1" status_is static-nodes-fifo 1
check "static-nodes, modules.devname a FIFO: named" err_has static-nodes-fifo \
	"Error: could not open /lib/modules/$kver/modules.devname - not a regular file"
show_err static-nodes-fifo
for f in modules.builtin modules.builtin.modinfo; do
	root=$(fresh "bi-$f") || not_ok "$f: tree built"
	moddir=$root/lib/modules/$kver
	rm -f "$moddir/$f"
	mkfifo "$moddir/$f"
	mkdir -p "$work/bi-before"
	for o in modules.dep modules.dep.bin modules.alias modules.alias.bin modules.symbols.bin; do
		cp "$moddir/$o" "$work/bi-before/"
	done
	run "depmod-$f" "$bin/depmod" -b "$root" "$kver"
	check "depmod, $f a FIFO: ends with exit 1" status_is "depmod-$f" 1
	check "depmod, $f a FIFO: named" err_has "depmod-$f" "$moddir/$f: not a regular file"
	same=1
	for o in modules.dep modules.dep.bin modules.alias modules.alias.bin modules.symbols.bin; do
		cmp -s "$work/bi-before/$o" "$moddir/$o" && [ ! "$moddir/$o" -nt "$moddir/$f" ] || same=0
	done
	check "depmod, $f a FIFO: no index replaced" test $same -eq 1
	rm -rf "$work/bi-before"
	show_err "depmod-$f"
done

# ---- directory symlink loops and RLIMIT_NOFILE ------------------------------------------
# Loops: to the directory itself, through two directories, up to the module dir. A
# real chain deeper than 256 levels holds a module too: a walk keeping one descriptor
# per level could not reach it under `ulimit -n 256`.
cat >"$work/loop.spec" <<EOF
kver $kver
module kernel/a.ko
  export a_fn
module kernel/d1/m1.ko
  undef a_fn
module kernel/d2/m2.ko
symlink . lib/modules/$kver/kernel/self
symlink ../d2 lib/modules/$kver/kernel/d1/to2
symlink ../d1 lib/modules/$kver/kernel/d2/to1
symlink ../.. lib/modules/$kver/kernel/d1/up
EOF
deep=kernel
for _ in $(seq 300); do deep=$deep/d; done
echo "module $deep/deep.ko" >>"$work/loop.spec"
"$mktree" "$work/loop.spec" "$work/loop-tree" || not_ok "loop: tree built"

# depmod_limit NAME LIMIT: depmod on a fresh copy of the loop tree under ulimit -n LIMIT
depmod_limit() {
	rm -rf "${work:?}/${1:?}"
	cp -a "$work/loop-tree" "$work/$1"
	run "$1" bash -c 'ulimit -n "$1" && exec "$2" -b "$3" "$4"' - "$2" "$bin/depmod" \
		"$work/$1" "$kver"
}
# index_files NAME: the indexes of that run (kmod's set of files), one listing
index_files() {
	local d=$work/$1/lib/modules/$kver f
	for f in modules.dep modules.dep.bin modules.alias modules.alias.bin modules.softdep \
		modules.weakdep modules.symbols modules.symbols.bin modules.builtin.bin \
		modules.builtin.alias.bin modules.devname; do
		echo "== $f"
		od -An -c "$d/$f" 2>&1 | sed "s|$work/$1/|ROOT/|"
	done
}

hard=$(ulimit -Hn)
depmod_limit loop-256 256
check "symlink loops, ulimit -n 256: ends with exit 0" status_is loop-256 0
show_err loop-256
dep=$work/loop-256/lib/modules/$kver/modules.dep
check "symlink loops: every module indexed once" \
	test "$(sed 's/:.*//; s|.*/||' "$dep" | sort | tr '\n' ' ')" = "a.ko deep.ko m1.ko m2.ko "
check "symlink loops: the module deeper than 256 levels found" grep -q "/deep.ko:" "$dep"
check "symlink loops: m1 depends on a" grep -q "m1.ko: kernel/a.ko$" "$dep"
check "symlink loops: no path through the self loop or up" \
	test "$(grep -c -e /self/ -e /up/ "$dep")" = 0
index_files loop-256 >"$work/loop-256.idx"
sed "s|$work/loop-256/|ROOT/|g" "$work/loop-256.err" >"$work/loop-256.err1"

if [ "$hard" = unlimited ] || [ "$hard" -ge 1048576 ] ||
	(ulimit -Hn 1048576) 2>/dev/null; then
	depmod_limit loop-max 1048576
	check "symlink loops, ulimit -n 1048576: ends with exit 0" status_is loop-max 0
	index_files loop-max >"$work/loop-max.idx"
	check_eq "symlink loops: ulimit -n 256 and 1048576 give identical indexes" \
		"$work/loop-256.idx" "$work/loop-max.idx"
	sed "s|$work/loop-max/|ROOT/|g" "$work/loop-max.err" >"$work/loop-max.err1"
	check_eq "symlink loops: identical messages" "$work/loop-256.err1" "$work/loop-max.err1"
else
	# not a skip: the case below runs with the highest limit this machine allows
	echo "# ulimit -n 1048576 is out of reach (hard limit $hard, no CAP_SYS_RESOURCE):" \
		"256 is compared with $hard instead"
fi
# whatever the hard limit is, it must give the same result as 256
if [ "$hard" != unlimited ] && [ "$hard" -gt 256 ]; then
	depmod_limit loop-hard "$hard"
	check "symlink loops, ulimit -n $hard: ends with exit 0" status_is loop-hard 0
	index_files loop-hard >"$work/loop-hard.idx"
	check_eq "symlink loops: ulimit -n 256 and $hard give identical indexes" \
		"$work/loop-256.idx" "$work/loop-hard.idx"
fi

# depmod -A walks the tree too
touch -d '2000-01-01' "$work/loop-256/lib/modules/$kver/modules.dep"
run loop-quick bash -c 'ulimit -n 256 && exec "$1" -A -b "$2" "$3"' - "$bin/depmod" \
	"$work/loop-256" "$kver"
check "symlink loops, depmod -A: ends with exit 0" status_is loop-quick 0
check "symlink loops, depmod -A: tree seen as newer, indexes rewritten" \
	test "$work/loop-256/lib/modules/$kver/modules.dep" -nt "$work/loop.spec"

# ---- module contents never become commands --------------------------------------------
# A softdep value with a newline would put an install line into modules.softdep (for
# b: a module with softdeps has its own install command ignored anyway).
cat >"$work/inject.spec" <<EOF
kver $kver
module kernel/a.ko
  modinfo softdep=pre: b\ninstall b touch $work/pwned
module kernel/b.ko
EOF
"$mktree" "$work/inject.spec" "$work/inject" || not_ok "inject: tree built"
"$bin/depmod" -b "$work/inject" "$kver" 2>/dev/null
shim_of "$work/inject"
run inject "${SHIM[@]}" "$bin/modprobe" b
check "modules.softdep install line: modprobe ends with exit 0" status_is inject 0
check "modules.softdep install line: b inserted instead" \
	grep -q "^finit_module name=b " "$work/inject/.shim/calls.log"
check "modules.softdep install line: not run" test ! -e "$work/pwned"
lib_check "modules.softdep install line: refused, named" err_has inject \
	"/lib/modules/$kver/modules.softdep line 3: ignoring bad line starting with 'install'"
show_err inject

tap_finish
