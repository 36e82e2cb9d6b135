#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# depmod on generated trees (modkit-mktree), compared with Debian's /sbin/depmod
# (kmod 30) where the two versions agree (formats.md 8): text outputs byte for byte,
# .bin contents through our index reader, stderr and exit status. Where 30 and 34.2
# differ (weakdep, duplicate modules.order lines, .bin placement, chained cycles) the
# expected result is written out here. Prints TAP.
#
# Usage: test-depmod.sh DEPMOD MKTREE DUMP
set -u
depmod=$(realpath -s "$1")
mktree=$2
dump=$3
kver=1.2.3-test
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=testsuite/tap.sh
source "${MODKIT_SOURCE_ROOT:?}/testsuite/tap.sh"

debian_depmod=
have_kmod_oracle && debian_depmod=/sbin/depmod
deb() { env -u LD_LIBRARY_PATH -u LD_PRELOAD "$debian_depmod" "$@"; }

texts="modules.dep modules.alias modules.softdep modules.symbols modules.devname"
bins="modules.dep.bin modules.alias.bin modules.symbols.bin modules.builtin.bin modules.builtin.alias.bin"

# make NAME SPEC: builds the tree twice ($work/NAME/{ours,deb})
make_tree() {
	local name=$1 spec=$2
	mkdir -p "$work/$name"
	printf '%s\n' "$spec" >"$work/$name.spec"
	"$mktree" -K "$kver" "$work/$name.spec" "$work/$name/ours" || return 1
	drop_unreadable "$work/$name/ours"
	cp -a "$work/$name/ours" "$work/$name/deb"
}

# versus LABEL TREE [ARGS...]: runs both depmods on their copy and compares everything
versus() {
	local name=$1 tree=$2
	shift 2
	local o=$work/$tree/ours d=$work/$tree/deb
	local a args_o=() args_d=()
	for a in "$@"; do
		args_o+=("${a//@T@/ours}")
		args_d+=("${a//@T@/deb}")
	done
	"$depmod" "${args_o[@]}" -b "$o" "$kver" >"$work/$name.ours.out" 2>"$work/$name.ours.err"
	echo $? >"$work/$name.ours.rc"
	if [ -z "$debian_depmod" ]; then
		skip "$name: compared with Debian's depmod" "$no_debian_depmod"
		return
	fi
	deb "${args_d[@]}" -b "$d" "$kver" >"$work/$name.deb.out" 2>"$work/$name.deb.err"
	echo $? >"$work/$name.deb.rc"
	check_eq "$name: exit status as Debian's depmod" "$work/$name.deb.rc" "$work/$name.ours.rc"
	sed "s|$d|ROOT|g" "$work/$name.deb.err" >"$work/$name.deb.err1"
	sed "s|$o|ROOT|g" "$work/$name.ours.err" >"$work/$name.ours.err1"
	check_eq "$name: stderr as Debian's depmod" "$work/$name.deb.err1" "$work/$name.ours.err1"
	sed "s|$d|ROOT|g" "$work/$name.deb.out" >"$work/$name.deb.out1"
	# Debian's kmod 30 has no modules.weakdep (in -n output either)
	sed -e "s|$o|ROOT|g" -e '/^# Weak dependencies extracted/d' -e '/^weakdep /d' \
		"$work/$name.ours.out" >"$work/$name.ours.out1"
	check_eq "$name: stdout as Debian's depmod" "$work/$name.deb.out1" "$work/$name.ours.out1"
	local m=lib/modules/$kver
	for f in $texts; do
		if [ -e "$d/$m/$f" ] || [ -e "$o/$m/$f" ]; then
			check_eq "$name: $f as Debian's" "$d/$m/$f" "$o/$m/$f"
		fi
	done
	for f in $bins; do
		[ -e "$d/$m/$f" ] || [ -e "$o/$m/$f" ] || continue
		if [ ! -s "$d/$m/$f" ]; then
			check "$name: $f empty like Debian's" test -e "$o/$m/$f" -a ! -s "$o/$m/$f"
			continue
		fi
		"$dump" "$d/$m/$f" >"$work/d.dump" 2>&1
		"$dump" "$o/$m/$f" >"$work/o.dump" 2>&1
		check_eq "$name: $f contents as Debian's" "$work/d.dump" "$work/o.dump"
		check "$name: $f same size as Debian's" \
			test "$(stat -c %s "$d/$m/$f")" = "$(stat -c %s "$o/$m/$f")"
		check "$name: $f laid out in kmod 34.2 pre-order" \
			test "$("$dump" --preorder "$o/$m/$f")" = ok
		if [ "$(stat -c %s "$d/$m/$f")" -gt 12 ] && [ "$(wc -l <"$work/d.dump")" -gt 1 ]; then
			# kmod 30 places nodes post-order: the same check must reject its file
			check "$name: $f of Debian's depmod is not pre-order (the check can fail)" \
				test "$("$dump" --preorder "$d/$m/$f")" != ok
		fi
	done
}

echo "TAP version 13"

# ---- a tree with every kind of content ------------------------------------------------
make_tree full '
kver 1.2.3-test
module kernel/core/base.ko
  modinfo alias=base-alias
  modinfo license=GPL
  export base_fn 0x11111111
  export base_data 0x22222222
  version 0xdeadbeef module_layout
module kernel/core/mid.ko
  modinfo alias=pci:v00008086d*sv*sd*bc*sc*i*
  modinfo alias=usb:v1645p0007d01[0-2]*
  modinfo alias=char-major-10-229
  modinfo alias=devname:fuse
  modinfo softdep=pre: base post: leaf
  modinfo weakdep=leaf
  export mid_fn 0x33333333
  undef base_fn
  version 0x11111111 base_fn
  version 0xdeadbeef module_layout
module kernel/drivers/leaf-one.ko
  modinfo alias=block-major-7-*
  modinfo alias=devname:loop-control
  modinfo alias=char-major-10-237
  modinfo alias=of:N*T*Cfoo,bar-baz
  undef mid_fn
  undef base_data
  weak missing_weak
  undef missing_strong
module kernel/drivers/nodev.ko
  modinfo alias=bad[bracket
  modinfo alias=bad]bracket
  modinfo alias=devname:lonely
  modinfo alias=dup-alias
  modinfo alias=dup-alias
  undef .mid_fn
module kernel/drivers/a32.ko
  class 32
  modinfo alias=thirtytwo
  export a32_fn 0x44
  undef mid_fn
module kernel/drivers/be64.ko
  endian big
  modinfo alias=bigendian
  export be64_fn 0x55
  undef a32_fn
module kernel/drivers/be32.ko
  class 32
  endian big
  crcabs
  export be32_fn 0x66
  undef be64_fn
module kernel/drivers/nover.ko
  nomodversions
  export nover_fn
  export nover_ns 0 MY_NS
  undef be32_fn
module kernel/extra/zst-mod.ko.zst
  modinfo alias=zstd-compressed
  export zst_fn 0x77
  undef nover_fn
module kernel/extra/xz-mod.ko.xz
  modinfo alias=xz-compressed
  undef zst_fn
  undef nover_ns
module kernel/extra/unlisted.ko
  undef xz_fn_does_not_exist
  undef base_fn
file lib/modules/@KVER@/modules.order
kernel/drivers/leaf-one.ko
kernel/does/not/exist.ko
kernel/core/mid.ko
kernel/drivers/a32.ko
kernel/core/base.ko
kernel/extra/zst-mod.ko
kernel/drivers/be64.ko
kernel/drivers/be32.ko
kernel/drivers/nover.ko
kernel/extra/xz-mod.ko
kernel/drivers/nodev.ko
end
file lib/modules/@KVER@/modules.builtin
kernel/fs/ext4/ext4.ko
9invalid/line.ko
kernel/drivers/block/loop.ko
end
binfile lib/modules/@KVER@/modules.builtin.modinfo
ext4.license=GPL\0ext4.alias=fs-ext4\0ext4.alias=ext3\0ext4.alias=ext2\0
loop.alias=block-major-7-*\0loop.alias=devname:loop-control\0loop.file=drivers/block/loop\0
end
' || not_ok "full: tree built"
versus full full
versus full-w full -w
versus full-v full -v
versus full-n full -n

# weakdep: kmod 34.2 only (Debian's kmod 30 does not write it)
cat >"$work/weakdep.exp" <<'EOF'
# Weak dependencies extracted from modules themselves.
weakdep mid leaf
EOF
check_eq "full: modules.weakdep (34.2 format)" "$work/weakdep.exp" \
	"$work/full/ours/lib/modules/$kver/modules.weakdep"

# determinism: one thread vs many, on the same tree (the parse cache left out: which
# modules it may record depends on how long ago their files changed, i.e. on timing)
for t in 1 5; do
	rm -rf "$work/thr$t"
	MODKIT_DEPMOD_THREADS=$t "$depmod" -b "$work/full/ours" -o "$work/thr$t" "$kver" 2>/dev/null
done
check "full: 1 and 5 threads give identical files" \
	diff -r -x modules.depmod-cache "$work/thr1" "$work/thr5"


# ---- dependency cycles ------------------------------------------------------------------
make_tree cycle '
module kernel/a.ko
  export a_fn
  undef b_fn
module kernel/b.ko
  export b_fn
  undef a_fn
module kernel/c.ko
  undef a_fn
module kernel/d.ko
  export d_fn
' || not_ok "cycle: tree built"
versus cycle cycle
check "cycle: nothing written" test ! -e "$work/cycle/ours/lib/modules/$kver/modules.dep"
versus cycle-n cycle -n

# chained cycles (p<->q, q->r, r<->s): kmod 34.2 and 30 loop forever after the first
# report; modkit reports both and stops.
make_tree chain '
module kernel/p.ko
  export p_fn
  undef q_fn
module kernel/q.ko
  export q_fn
  undef p_fn
  undef r_fn
module kernel/r.ko
  export r_fn
  undef s_fn
module kernel/s.ko
  export s_fn
  undef r_fn
module kernel/t.ko
  undef p_fn
' || not_ok "chain: tree built"
timeout 300 "$depmod" -b "$work/chain/ours" "$kver" >"$work/chain.out" 2>"$work/chain.err"
check "chain: exit status 1 (and no hang)" test $? -eq 1
{
	echo "depmod: WARNING: could not open modules.order at $work/chain/ours/lib/modules/$kver: No such file or directory"
	echo "depmod: ERROR: Cycle detected: r -> s -> r"
	echo "depmod: ERROR: Cycle detected: p -> q -> p"
	echo "depmod: ERROR: Found 4 modules in dependency cycles!"
} >"$work/chain.exp"
check_eq "chain: both cycles reported, 4 modules counted" "$work/chain.exp" "$work/chain.err"

# The order of the cycle report. Expected texts are derived by hand from kmod 34.2's
# walk (tools.md 8.2; the comment above report_cycles() in src/depmod-resolve.c):
#   roots: the modules left unnumbered, in module index order (no modules.order here:
#     buckets H(name) & 511 ascending, then strcmp; H as in formats.md 1.10.2), in a
#     circular list whose head becomes the successor of any member taken out;
#   walk from the head (taken out first): a stack of (module, parent); imports pushed
#     in order, so the last one is popped first; modules expanded again on every
#     path; popping the root again prints that path and takes its modules out in path
#     order; modules reached stay marked, and a marked root later prints its name
#     alone; a module without dependencies is taken out when reached.
# Buckets used: i 2, h 5, zx 8, mao/mrt/msl/mvi 12, r 39, y 52, j 102, s 112, p 179,
# c 191, b 225, u 316, q 350, a 386, x 415, k 448.
# Where kmod ends, Debian's kmod 30 prints the same as 34.2 (the report code is the
# same; checked on generated graphs), so those cases are also compared with it.

# graph_spec NODE...: one module per "name:dep dep...", exporting name_fn and
# importing dep_fn for each dep, in that order.
graph_spec() {
	local node dep
	for node in "$@"; do
		echo "module kernel/${node%%:*}.ko"
		echo "  export ${node%%:*}_fn"
		for dep in ${node#*:}; do
			echo "  undef ${dep}_fn"
		done
	done
}
# cycle_case NAME MESSAGE...: depmod on tree NAME prints the modules.order warning and
# exactly these ERROR messages, exits with 1 and writes nothing.
cycle_case() {
	local name=$1 line
	shift
	timeout 300 "$depmod" -b "$work/$name/ours" "$kver" >"$work/$name.out" 2>"$work/$name.err"
	check "$name: exit status 1" test $? -eq 1
	{
		echo "depmod: WARNING: could not open modules.order at $work/$name/ours/lib/modules/$kver: No such file or directory"
		for line in "$@"; do
			echo "depmod: ERROR: $line"
		done
	} >"$work/$name.exp"
	check_eq "$name: cycle report as derived" "$work/$name.exp" "$work/$name.err"
	check "$name: nothing written" test ! -e "$work/$name/ours/lib/modules/$kver/modules.dep"
}

# one cycle of three, with a user u (numbered: nothing uses it). list c b a.
# root c (list b a): c: push a; a: push b; b: push c; c again: "c -> a -> b -> c".
make_tree cyc3 "$(graph_spec a:b b:c c:a u:a)" || not_ok "cyc3: tree built"
cycle_case cyc3 "Cycle detected: c -> a -> b -> c" \
	"Found 3 modules in dependency cycles!"
versus cyc3 cyc3

# two independent cycles r<->p, s<->q. list r s p q.
# root r (list s p q): r: push p; p: push r; "r -> p -> r"; taking p out makes its
#   successor q the head (list q s).
# root q (list s): q: push s; s: push q; "q -> s -> q" (not "s -> q -> s").
make_tree cyc2x2 "$(graph_spec r:p p:r s:q q:s)" || not_ok "cyc2x2: tree built"
cycle_case cyc2x2 "Cycle detected: r -> p -> r" "Cycle detected: q -> s -> q" \
	"Found 4 modules in dependency cycles!"
versus cyc2x2 cyc2x2

# a module using a cycle (u -> a, numbered) and modules the cycle needs (a -> x -> y).
# a imports b then x. Unnumbered: list y b a x.
# root y (list b a x): y has no dependencies: taken out (already).
# root b (list a x): b: push a; a: push b, x; x: push y; y: nothing; b again:
#   "b -> a -> b"; taking a out makes x the head.
# root x: marked by b's walk: "x" alone, counted nowhere.
make_tree cycuse "$(graph_spec u:a a:'b x' b:a x:y y:)" || not_ok "cycuse: tree built"
cycle_case cycuse "Cycle detected: b -> a -> b" "Cycle detected: x" \
	"Found 2 modules in dependency cycles!"
versus cycuse cycuse

# overlapping cycles through one module (kmod ends): i -> j, j -> h and k, k -> h,
# h -> i. list i h j k.
# root i (list h j k): i: push j; j: push h, k; k: push h; h: push i; i again:
#   "i -> j -> k -> h -> i" (takes j, k, h out); then h pushed by j: push i;
#   "i -> j -> h -> i".
make_tree cycover "$(graph_spec i:j j:'h k' k:h h:i)" || not_ok "cycover: tree built"
cycle_case cycover "Cycle detected: i -> j -> k -> h -> i" \
	"Cycle detected: i -> j -> h -> i" "Found 4 modules in dependency cycles!"
versus cycover cycover

# names in the same bucket (12: mao < mrt < msl < mvi by strcmp) after zx (bucket 8,
# first although it sorts last by name). list zx mao mrt msl mvi.
# root zx (list mao mrt msl mvi): zx: push mao; mao: push zx; "zx -> mao -> zx";
#   taking mao out makes mrt the head.
# root mrt (list msl mvi): mrt: push mvi; mvi: push msl; msl: push mrt;
#   "mrt -> mvi -> msl -> mrt".
make_tree cycbucket "$(graph_spec mvi:msl msl:mrt mrt:mvi mao:zx zx:mao)" ||
	not_ok "cycbucket: tree built"
cycle_case cycbucket "Cycle detected: zx -> mao -> zx" \
	"Cycle detected: mrt -> mvi -> msl -> mrt" "Found 5 modules in dependency cycles!"
versus cycbucket cycbucket

# overlapping cycles a<->b, b<->c: kmod's walk from c goes round a<->b forever (30
# aborts on its stack assertion); no comparison. modkit, where the root's component
# (root aside) has a cycle, expands each module once per walk. b imports a then c.
# list c b a.
# root c (list b a): c: push b; b: push a, c; c again: "c -> b -> c"; taking b out
#   makes a the head; a: push b; b: done.
# root a: marked, but on a cycle, so walked: a: push b; b: push a, c; c: push b;
#   b: done; a again: "a -> b -> a".
make_tree cycoverlap "$(graph_spec a:b b:'a c' c:b)" || not_ok "cycoverlap: tree built"
cycle_case cycoverlap "Cycle detected: c -> b -> c" "Cycle detected: a -> b -> a" \
	"Found 3 modules in dependency cycles!"

# ---- modules.order: gaps, unlisted modules, duplicates, missing final newline ----------
order_spec='
module kernel/m1.ko
module kernel/m2.ko
module kernel/m3.ko
module kernel/sub/m4.ko.xz
module kernel/m5.ko
'
make_tree order-nonl "$order_spec
file lib/modules/@KVER@/modules.builtin
end" || not_ok "order-nonl: tree built"
for t in ours deb; do
	printf 'kernel/m3.ko\nkernel/m1.ko' >"$work/order-nonl/$t/lib/modules/$kver/modules.order"
done
versus order-nonl order-nonl

make_tree order-gaps "$order_spec" || not_ok "order-gaps: tree built"
for t in ours deb; do
	printf 'kernel/m5.ko\nkernel/gone.ko\nkernel/sub/m4.ko\n\nkernel/m2.ko\n' \
		>"$work/order-gaps/$t/lib/modules/$kver/modules.order"
done
versus order-gaps order-gaps

# duplicates: kmod 34.2 keeps the first occurrence (kmod 30 the last)
make_tree order-dup "$order_spec" || not_ok "order-dup: tree built"
printf 'kernel/m2.ko\nkernel/m1.ko\nkernel/m2.ko\nkernel/m3.ko\n' \
	>"$work/order-dup/ours/lib/modules/$kver/modules.order"
"$depmod" -b "$work/order-dup/ours" "$kver" 2>/dev/null
head -3 "$work/order-dup/ours/lib/modules/$kver/modules.dep" >"$work/order-dup.got"
printf 'kernel/m2.ko:\nkernel/m1.ko:\nkernel/m3.ko:\n' >"$work/order-dup.exp"
check_eq "order-dup: first occurrence of a repeated line wins" "$work/order-dup.exp" \
	"$work/order-dup.got"

# ---- depmod.d: search, override, exclude, external ------------------------------------
make_tree depmodd '
module kernel/a/x_tables.ko
  modinfo alias=from-kernel
  export xt_register_target
module updates/x_tables.ko
  modinfo alias=from-updates
  export xt_register_target
module extra/x_tables.ko
  modinfo alias=from-extra
  export xt_register_target
module weird/x_tables.ko
  modinfo alias=from-weird
  export xt_register_target
module kernel/other.ko
  undef xt_register_target
module /opt/ext/extmod.ko
  export ext_fn
module kernel/user.ko
  undef ext_fn
' || not_ok "depmodd: tree built"
i=0
while IFS= read -r conf; do
	i=$((i + 1))
	for t in ours deb; do
		printf '%b\n' "$conf" | sed "s|@ROOT@|$work/depmodd/$t|g" >"$work/dd$i-$t.conf"
	done
	"$depmod" -C "$work/dd$i-ours.conf" -b "$work/depmodd/ours" "$kver" \
		>"$work/dd.ours.out" 2>"$work/dd.ours.err"
	echo $? >"$work/dd.ours.rc"
	if [ -z "$debian_depmod" ]; then
		skip "depmod.d #$i: compared with Debian's depmod" "$no_debian_depmod"
		continue
	fi
	deb -C "$work/dd$i-deb.conf" -b "$work/depmodd/deb" "$kver" \
		>"$work/dd.deb.out" 2>"$work/dd.deb.err"
	echo $? >"$work/dd.deb.rc"
	check_eq "depmod.d #$i: exit status as Debian's" "$work/dd.deb.rc" "$work/dd.ours.rc"
	sed "s|$work/depmodd/deb|ROOT|g; s|dd$i-deb|ddN|g" "$work/dd.deb.err" >"$work/dd.deb.err1"
	sed "s|$work/depmodd/ours|ROOT|g; s|dd$i-ours|ddN|g" "$work/dd.ours.err" >"$work/dd.ours.err1"
	check_eq "depmod.d #$i: stderr as Debian's" "$work/dd.deb.err1" "$work/dd.ours.err1"
	for f in modules.dep modules.alias; do
		sed "s|$work/depmodd/deb|ROOT|g" "$work/depmodd/deb/lib/modules/$kver/$f" >"$work/dd.deb.$f"
		sed "s|$work/depmodd/ours|ROOT|g" "$work/depmodd/ours/lib/modules/$kver/$f" >"$work/dd.ours.$f"
		check_eq "depmod.d #$i ($conf): $f as Debian's" "$work/dd.deb.$f" "$work/dd.ours.$f"
	done
done <<'CONFS'
# no search line
search extra updates built-in
search built-in extra
search extra weird\noverride x_tables * kernel/a
search updates\nexclude updates weird
search updates\noverride x_tables 9.9.9 extra
search external built-in\nexternal * @ROOT@/opt/ext
search built-in\nexternal 1\\.2 @ROOT@/opt/ext
external 7\\.7 @ROOT@/opt/ext\ninclude foo\nmake_map_files\nbogus line here
 # indented comment\nsearch\noverride x_tables\nexternal *
CONFS

# -vv shows the INFO lines of depmod.d
printf 'override x_tables 9.9 extra\nexternal 7.7 /nowhere\ninclude x\n' >"$work/info.conf"
"$depmod" -vv -C "$work/info.conf" -b "$work/depmodd/ours" "$kver" >/dev/null 2>"$work/info.err"
grep -F -e "info.conf:" "$work/info.err" >"$work/info.got"
{
	echo "depmod: INFO: $work/info.conf:1: override kernel did not match 9.9"
	echo "depmod: INFO: $work/info.conf:2: external directory did not match 7.7"
	echo "depmod: INFO: $work/info.conf:3: command include not implemented yet"
} >"$work/info.exp"
check_eq "depmod.d: -vv INFO messages" "$work/info.exp" "$work/info.got"

# a depmod.d directory with a subdirectory and a non-.conf file
mkdir -p "$work/ddir/sub.conf" && echo "search extra" >"$work/ddir/a.conf" &&
	echo "search weird" >"$work/ddir/b.txt"
"$depmod" -C "$work/ddir" -b "$work/depmodd/ours" "$kver" 2>"$work/ddir.ours.err"
if [ -n "$debian_depmod" ]; then
	deb -C "$work/ddir" -b "$work/depmodd/deb" "$kver" 2>"$work/ddir.deb.err"
	sed "s|$work/depmodd/deb|ROOT|g" "$work/ddir.deb.err" >"$work/ddir.deb.err1"
	sed "s|$work/depmodd/ours|ROOT|g" "$work/ddir.ours.err" >"$work/ddir.ours.err1"
	check_eq "depmod.d directory: stderr as Debian's" "$work/ddir.deb.err1" "$work/ddir.ours.err1"
else
	skip "depmod.d directory: stderr as Debian's" "$no_debian_depmod"
fi
check "depmod.d directory: a.conf read, b.txt not" \
	grep -q "alias from-extra x_tables" "$work/depmodd/ours/lib/modules/$kver/modules.alias"

# ---- kernel symbols: -e with -F System.map / -E Module.symvers, -P --------------------
make_tree syms '
module kernel/k.ko
  export mod_sym 0x1234
  export _pre_sym 0x5
module kernel/user.ko
  undef printk
  undef mod_sym
  undef kfree
  undef nowhere
  weak weak_nowhere
  undef pre_sym
  version 0x1 printk
  version 0x1234 mod_sym
  version 0x99 kfree
' || not_ok "syms: tree built"
for t in ours deb; do
	printf 'ffffffff81000000 T printk\nffffffff82000000 r __ksymtab_printk\nbad\nffffffff82000010 r __ksymtab_kfree\n' \
		>"$work/syms/$t/System.map"
	printf '0x00000001\tprintk\tvmlinux\tEXPORT_SYMBOL\n0x1\tshort\n0xzz\tjunk\tvmlinux\tE\n0x00000002\tkfree\tvmlinux\tEXPORT_SYMBOL_GPL\n0x00000003\tother\tdrivers/x\tEXPORT_SYMBOL\n' \
		>"$work/syms/$t/Module.symvers"
done
versus syms-F syms -e -F "$work/syms/@T@/System.map"
versus syms-E syms -e -E "$work/syms/@T@/Module.symvers"
versus syms-EF syms -e -E "$work/syms/@T@/Module.symvers" -F "$work/syms/@T@/System.map"
versus syms-e syms -e
versus syms-P syms -P _ -e -F "$work/syms/@T@/System.map"

# ---- explicit module files --------------------------------------------------------------
versus files full "$work/full/@T@/lib/modules/$kver/kernel/core/mid.ko" \
	"$work/full/@T@/lib/modules/$kver/kernel/core/base.ko"

# ---- hostile module files: reported like kmod, never a crash -----------------------------
make_tree hostile '
module kernel/good.ko
  export good_fn
  modinfo alias=good
module kernel/user.ko
  undef good_fn
mkdir lib/modules/@KVER@/kernel/dir.ko
symlink good.ko lib/modules/@KVER@/kernel/link-to-good.ko
' || not_ok "hostile: tree built"
for t in ours deb; do
	hd=$work/hostile/$t/lib/modules/$kver/kernel
	printf 'garbage!' >"$hd/garbage.ko"
	printf '\177ELF' >"$hd/tiny.ko"
	: >"$hd/empty.ko"
	# (a build without the decompressor fails on these by design: left out there)
	have_feature xz && head -c 100 /dev/zero | xz >"$hd/badxz.ko.xz"
	have_feature zstd && printf '\050\265\057\375garbage' >"$hd/badzst.ko.zst"
done
versus hostile hostile
# a truncated ELF: kmod says EINVAL where modkit's elf_new() says ENOEXEC (reported to
# the elf owner); here only "reported, not fatal, no crash" is checked
head -c 200 "$work/hostile/ours/lib/modules/$kver/kernel/good.ko" \
	>"$work/hostile/ours/lib/modules/$kver/kernel/truncated.ko"
"$depmod" -b "$work/hostile/ours" "$kver" >/dev/null 2>"$work/trunc.err"
check "truncated module: exit 0" test $? -eq 0
check "truncated module: reported" grep -q \
	"^depmod: ERROR: failed to load symbols from $work/hostile/ours/lib/modules/$kver/kernel/truncated.ko: " \
	"$work/trunc.err"

# ---- a symlink loop: not entered twice (kmod follows it until the descriptors run out) ----
make_tree symloop '
module kernel/only.ko
symlink . lib/modules/@KVER@/kernel/loop
' || not_ok "symloop: tree built"
(ulimit -n 200 && "$depmod" -b "$work/symloop/ours" "$kver") >/dev/null 2>"$work/symloop.ours.err"
echo $? >"$work/symloop.ours.rc"
check "symlink loop: exit 0" test "$(cat "$work/symloop.ours.rc")" = 0
check "symlink loop: the module indexed once" \
	test "$(cat "$work/symloop/ours/lib/modules/$kver/modules.dep")" = "kernel/only.ko:"
if [ -n "$debian_depmod" ]; then
	(ulimit -n 200 && deb -b "$work/symloop/deb" "$kver") >/dev/null 2>"$work/symloop.deb.err"
	sed -e "s|$work/symloop/deb|ROOT|g" -e 's/openat([0-9]*,/openat(N,/' \
		-e '/^depmod: ERROR: openat(N, loop, O_RDONLY): Too many open files$/d' \
		"$work/symloop.deb.err" >"$work/symloop.deb.err1"
	sed -e "s|$work/symloop/ours|ROOT|g" -e 's/openat([0-9]*,/openat(N,/' \
		"$work/symloop.ours.err" >"$work/symloop.ours.err1"
	check_eq "symlink loop: stderr as Debian's but for its descriptor exhaustion" "$work/symloop.deb.err1" "$work/symloop.ours.err1"
else
	skip "symlink loop: stderr as Debian's" "$no_debian_depmod"
fi

# ---- readdir order: the same tree created in two orders gives the same files --------------
# (tmpfs lists a directory in creation order, so the two copies are listed differently)
shm=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
for o in fwd rev; do
	mkdir -p "$shm/$o/lib/modules/$kver/kernel/x"
	if [ $o = fwd ]; then list=$(ls "$work/full/ours/lib/modules/$kver/kernel/drivers"); else
		list=$(ls -r "$work/full/ours/lib/modules/$kver/kernel/drivers"); fi
	for f in $list; do
		cp "$work/full/ours/lib/modules/$kver/kernel/drivers/$f" "$shm/$o/lib/modules/$kver/kernel/x/"
	done
	"$depmod" -b "$shm/$o" "$kver" 2>/dev/null
done
if [ "$(ls -f "$shm/fwd/lib/modules/$kver/kernel/x" | grep '\.ko')" = \
	"$(ls -f "$shm/rev/lib/modules/$kver/kernel/x" | grep '\.ko')" ]; then
	skip "readdir order:" "this filesystem lists both copies alike"
else
	check "readdir order: different listing, identical indexes" \
		diff -r -x kernel -x modules.depmod-cache "$shm/fwd/lib/modules/$kver" \
		"$shm/rev/lib/modules/$kver"
fi
rm -rf "$shm"

# ---- gzip: same results as the uncompressed tree, with the suffix ------------------------
if ! have_feature zlib; then
	skip ".ko.gz tree: modules.dep is the plain one with .gz" "$(feature_off zlib)"
	tap_finish
fi
make_tree plain "${order_spec//.ko.xz/.ko}" || not_ok "plain: tree built"
sed 's/^\(module .*\.ko\)\(\.xz\)\{0,1\}$/\1.gz/' "$work/plain.spec" >"$work/gz.spec"
"$mktree" -K "$kver" "$work/gz.spec" "$work/gz" || not_ok "gz: tree built"
"$depmod" -b "$work/plain/ours" "$kver" 2>/dev/null
"$depmod" -b "$work/gz" "$kver" 2>/dev/null
sed 's/\.ko\(\.xz\)\{0,1\}\(:\| \|$\)/.ko.gz\2/g' "$work/plain/ours/lib/modules/$kver/modules.dep" \
	>"$work/gz.exp"
check_eq ".ko.gz tree: modules.dep is the plain one with .gz" "$work/gz.exp" \
	"$work/gz/lib/modules/$kver/modules.dep"

tap_finish
