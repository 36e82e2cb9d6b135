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
depmod=$1
mktree=$2
dump=$3
kver=1.2.3-test
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
# check_eq DESCRIPTION EXPECTED_FILE GOT_FILE (shows a diff on failure)
check_eq() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diff -u "$2" "$3" | head -40 | sed 's/^/# /'
	fi
}

debian_depmod=
if [ -x /sbin/depmod ] && env -u LD_LIBRARY_PATH -u LD_PRELOAD /sbin/depmod -V 2>/dev/null |
	grep -q '^kmod version'; then
	debian_depmod=/sbin/depmod
fi
deb() { env -u LD_LIBRARY_PATH -u LD_PRELOAD "$debian_depmod" "$@"; }

texts="modules.dep modules.alias modules.softdep modules.symbols modules.devname"
bins="modules.dep.bin modules.alias.bin modules.symbols.bin modules.builtin.bin modules.builtin.alias.bin"

# make NAME SPEC: builds the tree twice ($work/NAME/{ours,deb})
make_tree() {
	local name=$1 spec=$2
	mkdir -p "$work/$name"
	printf '%s\n' "$spec" >"$work/$name.spec"
	"$mktree" -K "$kver" "$work/$name.spec" "$work/$name/ours" || return 1
	cp -a "$work/$name/ours" "$work/$name/deb"
}

# versus LABEL TREE [ARGS...]: runs both depmods on their copy and compares everything
versus() {
	local name=$1 tree=$2
	shift 2
	local o=$work/$tree/ours d=$work/$tree/deb
	"$depmod" "$@" -b "$o" "$kver" >"$work/$name.ours.out" 2>"$work/$name.ours.err"
	echo $? >"$work/$name.ours.rc"
	if [ -z "$debian_depmod" ]; then
		ok "$name: # SKIP Debian's depmod not available"
		return
	fi
	deb "$@" -b "$d" "$kver" >"$work/$name.deb.out" 2>"$work/$name.deb.err"
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
		check "$name: $f root at offset 12 (kmod 34.2 pre-order)" \
			test "$("$dump" --root "$o/$m/$f")" = 12
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

# determinism: one thread vs many, on the same tree
for t in 1 5; do
	rm -rf "$work/thr$t"
	MODKIT_DEPMOD_THREADS=$t "$depmod" -b "$work/full/ours" -o "$work/thr$t" "$kver" 2>/dev/null
done
check "full: 1 and 5 threads give identical files" diff -r "$work/thr1" "$work/thr5"

echo "1..$n"
[ $failed -eq 0 ]
