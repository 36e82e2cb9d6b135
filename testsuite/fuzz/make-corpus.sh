#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Regenerates the seed corpora of the fuzz targets (corpus/<target>/ beside this
# script) from our own tools only: modules from modkit-modgen / modkit-mktree, indexes
# and modules.dep from our depmod, hostile samples from the replay programs'
# --make-corpus, and small texts written here.
#
# Usage: make-corpus.sh BUILD_DIR [OUT_DIR [TARGET...]]
#   BUILD_DIR  a build with -Dbuild-tests=true (tools, modkit-mktree, replay-*)
#   OUT_DIR    where corpus/<target>/ go (default: this script's directory)
#   TARGET     only these corpora are replaced (default: all)
# Signatures are made with a fresh throwaway key, so signed files differ from run to
# run; everything else comes out the same.
set -euo pipefail

build=$(realpath "${1:?usage: make-corpus.sh BUILD_DIR [OUT_DIR [TARGET...]]}")
here=$(cd "$(dirname "$0")" && pwd)
dest=$(realpath -m "${2:-$here}")/corpus
shift $(($# < 2 ? $# : 2))
modgen=$build/testsuite/modkit-modgen
mktree=$build/testsuite/modkit-mktree
depmod=$build/src/depmod
replay=$build/testsuite/fuzz
for p in "$modgen" "$mktree" "$depmod" "$replay/replay-index" "$replay/replay-depmod"; do
	[ -x "$p" ] || { echo "make-corpus.sh: $p missing (build with -Dbuild-tests=true)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
keys=$work/keys
kver=6.1.0-fuzz

targets=(elf file signature index config cmdline module builtin depmod order depmod-tree)
out=$work/corpus
for t in "${targets[@]}"; do
	mkdir -p "$out/$t"
done

# ---- module images: elf, file, signature -------------------------------------------
m=$work/mods
mkdir -p "$m"
gen() { "$modgen" -k "$keys" "$@"; }
vm="vermagic=$kver SMP preempt mod_unload modversions "
gen -m license=GPL -m "description=plain module" -m "$vm" -m alias=fs-plain \
	-x plain_fn:0x11223344 -u printk -V 0x1:module_layout "$m/plain.ko"
gen -c 32 -e big -m license=GPL -m "$vm" -m depends=plain -x be_fn:0x55 \
	-u plain_fn -V 0x11223344:plain_fn "$m/be32.ko"
gen -c 32 -m license=GPL -m "$vm" -x le32_fn:0x1 -w weak_sym "$m/le32.ko"
gen -c 64 -e big -m license=GPL -m "$vm" --crc-abs -x abs_fn:0xabcdef "$m/be64-crcabs.ko"
gen -m license=GPL -m "$vm" --no-modversions -x nover_fn -u printk "$m/nomodversions.ko"
gen -m license=GPL -m "$vm" -x ns_fn:0x2:MY_NS --export-gpl gpl_fn:0x3 \
	-m import_ns=MY_NS "$m/namespaces.ko"
gen -m license=GPL -m "$vm" -m "softdep=pre: plain post: be32" -m weakdep=le32 \
	-m "parm=level:int level" -m parmtype=level:int -m alias=pci:v00008086d*sv*sd*bc*sc*i* \
	-m alias=char-major-10-200 -m alias=devname:fuzz0 "$m/aliases.ko"
gen -m license=GPL --modinfo-raw '\0\0junk\0=\0vermagic=\0' -m "$vm" "$m/modinfo-raw.ko"
gen --no-name -m license=GPL "$m/noname.ko"
gen -m license=GPL -m "$vm" --section .extra:00112233 --section .init.text:c3 "$m/sections.ko"
gen -m license=GPL -m "$vm" -x signed_fn:0x7 --sign "$m/signed.ko"
gen -m license=GPL -m "$vm" --sign=Other\ CN "$m/signed-cn.ko"
gen -m license=GPL -m "$vm" --raw-sig '1,1,4,X509 signer,0102030405,a1a2a3a4a5a6a7a8' \
	"$m/sig-x509.ko"
gen -m license=GPL -m "$vm" --raw-sig '0,0,2,,,ff' "$m/sig-pgp.ko"
gen -c 32 -e big -m license=GPL -m "$vm" --sign "$m/signed-be32.ko"
cp "$m"/*.ko "$out/elf/"
for f in plain be32 signed aliases nomodversions; do
	cp "$m/$f.ko" "$out/file/$f.ko"
done
gen -m license=GPL -m "$vm" -x gz_fn:0x9 "$out/file/gz.ko.gz"
gen -m license=GPL -m "$vm" -x xz_fn:0x9 "$out/file/xz.ko.xz"
gen -m license=GPL -m "$vm" -x zst_fn:0x9 "$out/file/zst.ko.zst"
gen -c 32 -e big -m license=GPL -m "$vm" --sign "$out/file/signed-be32.ko.xz"
gen -m license=GPL -m "$vm" --sign "$out/file/signed.ko.zst"
gen -m license=GPL -m "$vm" --raw-sig '1,1,4,X509 signer,0102,a1a2' "$out/file/sig-x509.ko.gz"
for f in signed signed-cn sig-x509 sig-pgp signed-be32; do
	cp "$m/$f.ko" "$out/signature/$f.ko"
done

# ---- trees indexed by our depmod: index, module ------------------------------------
cat >"$work/tree.spec" <<EOF
kver $kver
module kernel/a.ko
  modinfo license=GPL
  modinfo alias=fs-a
  modinfo alias=pci:v00001234d*sv*sd*bc*sc*i*
  export a_fn 0x1
module kernel/b.ko
  modinfo license=GPL
  modinfo alias=usb:v1D6Bp0104d*dc*dsc*dp*ic*isc*ip*in*
  modinfo alias=char-major-10-200
  modinfo alias=devname:bdev
  modinfo softdep=pre: a
  export b_fn 0x2
  undef a_fn
  version 0x1 a_fn
module kernel/c-d.ko
  modinfo license=GPL
  modinfo alias=acpi*:PNP0A0[38]:*
  undef b_fn
  undef a_fn
module kernel/sub/e.ko.xz
  modinfo license=GPL
  modinfo alias=of:N*T*Cvendor,e[-_]dev*
  export e_fn 0x5
  undef c_missing
module extra/f.ko
  modinfo license=GPL
  undef e_fn
  weak b_fn
modules-order
file lib/modules/$kver/modules.builtin
kernel/fs/ext4/ext4.ko
kernel/crypto/crc32c.ko
end
binfile lib/modules/$kver/modules.builtin.modinfo
ext4.license=GPL\0ext4.alias=fs-ext4\0ext4.alias=ext3\0crc32c.alias=crypto-crc32c\0crc32c.alias=crc32c\0
end
EOF
"$mktree" -k "$keys" "$work/tree.spec" "$work/tree"
tdir=$work/tree/lib/modules/$kver
"$depmod" -b "$work/tree" "$kver"
for f in dep alias symbols builtin builtin.alias; do
	cp "$tdir/modules.$f.bin" "$out/index/modules.$f.bin"
done
mkdir "$work/hostile-index"
"$replay/replay-index" --make-corpus "$work/hostile-index"
# every third hostile index is plenty: they differ by one corruption each
ls "$work/hostile-index" | awk 'NR % 3 == 1' | while read -r f; do
	cp "$work/hostile-index/$f" "$out/index/hostile-$f"
done

cp "$tdir/modules.dep" "$out/module/modules.dep"
printf 'kernel/c-d.ko: kernel/b.ko kernel/a.ko\n' >"$out/module/one-line"
printf 'kernel/a.ko: kernel/b.ko\nkernel/b.ko: kernel/a.ko\n' >"$out/module/cycle"
printf 'kernel/a.ko: kernel/a.ko kernel/a.ko\n' >"$out/module/self"
printf 'kernel/b.ko: kernel/a.ko kernel/missing.ko kernel/c-d.ko\n' >"$out/module/missing-dep"
printf 'extra/f.ko:    \t\t  kernel/sub/e.ko.xz\t\n:\n::::\nno colon\n' >"$out/module/odd-lines"
printf 'kernel/a.ko: /\n/ / //\nkernel/c-d.ko: ./kernel/a.ko\n' >"$out/module/slashes"
awk 'BEGIN { printf "kernel/a.ko:"; for (i = 0; i < 300; i++) printf " kernel/b.ko"; print "" }' \
	>"$out/module/many-deps"
awk 'BEGIN { printf "kernel/"; for (i = 0; i < 4200; i++) printf "x"; print ".ko: kernel/a.ko" }' \
	>"$out/module/long-path"

# ---- configuration: config, cmdline, depmod -----------------------------------------
c=$out/config
cat >"$c/modprobe.conf" <<'EOF'
# a modprobe.d file with every command
alias fs-a a
alias pci:v00001234d*sv*sd*bc*sc*i* c-d
alias  usb:v1D6B*  b   # comment after the words
blacklist e
options a level=3 "name=two words" flag
options b-x param=1
install f /sbin/modprobe --ignore-install f && echo done
remove f /sbin/modprobe -r --ignore-remove f
softdep c-d pre: a b post: e
softdep a post: b
weakdep b e f
EOF
printf 'options a \\\n  x=1 \\\n  y=2\nalias\\\n a b\n\\\n' >"$c/continued.conf"
printf 'alias a[ b\nalias ]] x\nblacklist [[[-]\noptions m[-] x\nsoftdep s[ pre: a\n' >"$c/brackets.conf"
printf 'softdep m pre: post: pre: post:\nsoftdep n\t\t\v\f\r pre:\nweakdep w \\\n' >"$c/softdep.conf"
printf 'options x \0\0\0\nalias\0 a b\n\0' >"$c/nul.conf"
printf 'install\ninstall a\nremove\noptions\noptions a\nalias a\nblacklist\nsoftdep\nweakdep\nfoo bar\n' \
	>"$c/short.conf"
awk 'BEGIN { printf "options big "; for (i = 0; i < 3000; i++) printf "x"; printf "\n" }' \
	>"$c/long-line.conf"
awk 'BEGIN { for (i = 0; i < 500; i++) printf "\\\n" }' >"$c/backslashes.conf"
: >"$c/empty.conf"

c=$out/cmdline
printf 'BOOT_IMAGE=/boot/vmlinuz-6.1.0 root=UUID=0a1b ro quiet a.level=3 b.param=1 modprobe.blacklist=e,f\n' \
	>"$c/typical"
printf 'a.x="quoted value" "b.y=lead quote" c.z=1"mid"2 d.w="" modprobe.blacklist=\n' >"$c/quotes"
printf '"""" "a.b=" "c".d=1 e."f"=2 g.h="""" x.y=z"w m.n=1 "sp "p.q' >"$c/quote-soup"
printf 'modprobe.blacklist=,,,, modprobe.blacklist= ..=.= ."=".= a..b=1 .x=1 y.=2 z.w' >"$c/odd-tokens"
printf 'a-b.c_d=1\ta_b.e-f=2\vg.h=3\fi.j=4\rk.l=5' >"$c/separators"
awk 'BEGIN { for (i = 0; i < 500; i++) printf "m%d.p=%d ", i, i }' >"$c/long"
: >"$c/empty"

c=$out/depmod
printf '\0search updates extra built-in\noverride a * extra\nexclude .git\n' >"$c/conf-search"
printf '\0override b 6.1.* updates\noverride c %s kernel\nexternal 6.1.0-fuzz /opt/ext\n' "$kver" \
	>"$c/conf-override"
awk -v kver="$kver" 'BEGIN { printf "\001"; for (i = 0; i < 40; i++)
	printf "0x%08x\tsym_%d\t%s\tEXPORT_SYMBOL%s\t\n", i * 2654435761 % 4294967296, i,
		i % 3 ? "vmlinux" : "kernel/a", i % 2 ? "_GPL" : "" }' >"$c/symvers"
awk 'BEGIN { printf "\002"; for (i = 0; i < 40; i++)
	printf "ffffffff81%06x %s __ksymtab_sym_%d\n", i * 16, i % 2 ? "r" : "R", i }' >"$c/system-map"
"$replay/replay-depmod" --make-corpus "$c"

# ---- modules.builtin.modinfo: builtin ------------------------------------------------
c=$out/builtin
printf 'ext4\next4.license=GPL\0ext4.alias=fs-ext4\0ext4.alias=ext3\0ext4.description=Fourth Extended Filesystem\0crc32c.alias=crc32c\0' \
	>"$c/typical"
printf 'crc32c\next4.license=GPL\0crc32c.alias=crypto-crc32c\0crc32c.alias=crc32c\0crc32c.license=GPL\0zz.a=b\0' \
	>"$c/last"
printf 'a\na.x=1\0a.y=no-terminator' >"$c/unterminated"
printf 'a\n\0\0\0a.\0a\0a.\0\0' >"$c/empty-records"
printf '\na.x=1\0.y=2\0' >"$c/empty-name"
printf 'a\n' >"$c/no-content"
printf 'noline' >"$c/no-newline"
{ printf 'a\n'; awk 'BEGIN { for (i = 0; i < 200; i++) printf "b.x=1%ca.y=%d%c", 0, i, 0 }'; } \
	>"$c/interleaved"

# ---- modules.order: order (names of fuzz-order.c's tree) ----------------------------
c=$out/order
printf 'kernel/a.ko\nkernel/drivers/b.ko\nkernel/fs/c-d.ko\nkernel/fs/e.ko\n' >"$c/some"
printf 'kernel/k.ko\nkernel/j.ko\nkernel/lib/h.ko\nkernel/f_g.ko\nextra/i.ko\nupdates/a.ko\nkernel/fs/e.ko\nkernel/fs/c-d.ko\nkernel/drivers/b.ko\nkernel/a.ko\n' \
	>"$c/all-reversed"
printf 'kernel/a.ko\nkernel/a.ko\nkernel/x.ko\n\n\nkernel/j.ko.gz\nkernel/j.ko\n' >"$c/repeats"
printf 'kernel/a.ko\nkernel/k.ko' >"$c/no-final-newline"
: >"$c/empty"

# ---- whole trees: depmod-tree ------------------------------------------------------
# pack NAME ROOT KVER [RECORDS...]: every module of ROOT's module dir as an 'm' record,
# its modules.order/builtin/builtin.modinfo as 'o'/'b'/'i', then the extra records
# given as KIND:FILE.
record() { # KIND NAME FILE
	local len
	len=$(stat -c %s "$3")
	[ "$len" -lt 65536 ] || { echo "make-corpus.sh: $3 too big for a record" >&2; exit 1; }
	printf "%s\\$(printf %03o ${#2})%s\\$(printf %03o $((len & 255)))\\$(printf %03o $((len >> 8)))" \
		"$1" "$2"
	cat "$3"
}
pack() {
	local name=$1 dir=$2/lib/modules/$3 f
	shift 3
	{
		(cd "$dir" && find . -name '*.ko*' -type f | sed 's|^\./||' | LC_ALL=C sort) |
			while read -r f; do record m "$f" "$dir/$f"; done
		[ -f "$dir/modules.order" ] && record o modules.order "$dir/modules.order"
		[ -f "$dir/modules.builtin" ] && record b modules.builtin "$dir/modules.builtin"
		[ -f "$dir/modules.builtin.modinfo" ] &&
			record i modules.builtin.modinfo "$dir/modules.builtin.modinfo"
		for f in "$@"; do record "${f%%:*}" x "${f#*:}"; done
	} >"$out/depmod-tree/$name"
}
pack tree "$work/tree" "$kver"

cat >"$work/chain.spec" <<EOF
kver $kver
module kernel/lib/core.ko
  modinfo license=GPL
  export core_register 0x1a2b3c4d
  export core_unregister 0x1a2b3c4e
module kernel/lib/codec.ko.gz
  modinfo license=GPL
  export codec_encode 0x0badc0de
  undef core_register
  version 0x1a2b3c4d core_register
module kernel/fs/cfs.ko.zst
  modinfo license=GPL
  modinfo alias=fs-cfs
  modinfo softdep=pre: crc
  undef codec_encode
  undef core_unregister
  version 0x0badc0de codec_encode
module updates/crc.ko
  modinfo license=GPL
  modinfo alias=crypto-crc
module kernel/lib/crc.ko
  modinfo license=GPL
module kernel/drivers/usb/gadget.ko
  modinfo license=Dual MIT/GPL
  modinfo alias=usb:v1D6Bp0104d*dc*dsc*dp*ic*isc*ip*in*
  modinfo alias=char-major-180-42
  modinfo alias=devname:gadget0
  sign
modules-order
EOF
"$mktree" -k "$keys" "$work/chain.spec" "$work/chain"
printf 'search updates built-in\noverride crc * kernel/lib\n' >"$work/chain.conf"
printf '0x1a2b3c4d\tcore_register\tkernel/lib/core\tEXPORT_SYMBOL\t\n0x12345678\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n' \
	>"$work/chain.symvers"
# all options and the cache (bit 4), with the cache our depmod wrote for this tree
printf '\037' >"$work/flags-all"
"$depmod" -b "$work/chain" -C "$work/chain.conf" -E "$work/chain.symvers" "$kver"
pack chain "$work/chain" "$kver" c:"$work/chain.conf" E:"$work/chain.symvers" \
	C:"$work/chain/lib/modules/$kver/modules.depmod-cache" f:"$work/flags-all"

cat >"$work/cycle.spec" <<EOF
kver $kver
module kernel/x.ko
  export x_fn
  undef y_fn
module kernel/y.ko
  export y_fn
  undef z_fn
module kernel/z.ko.xz
  export z_fn
  undef x_fn
module kernel/w.ko
  undef x_fn
EOF
"$mktree" -k "$keys" "$work/cycle.spec" "$work/cycle"
pack cycle "$work/cycle" "$kver"

cat >"$work/mixed.spec" <<EOF
kver $kver
module kernel/be/be32.ko
  class 32
  endian big
  export be_fn 0x10
  crcabs
module kernel/be/be64.ko
  endian big
  undef be_fn
  version 0x11 be_fn
module kernel/le32.ko
  class 32
  nomodversions
  export le32_fn
  weak be_fn
module kernel/dup1.ko
  export dup_fn 0x1
module kernel/dup2.ko
  export dup_fn 0x2
module kernel/user.ko
  undef dup_fn
  undef unknown_fn
  undef printk
module kernel/noname.ko
  noname
module kernel/raw.ko
  modinfo-raw \0\0garbage\0=\0
  rawsig 1 1 4 signer 0102 a1a2
EOF
"$mktree" -k "$keys" "$work/mixed.spec" "$work/mixed"
printf 'ffffffff81000000 T printk\nffffffff81000010 r __ksymtab_printk\n' >"$work/mixed.map"
printf '\023' >"$work/flags-we"
pack mixed "$work/mixed" "$kver" F:"$work/mixed.map" f:"$work/flags-we"

[ $# -gt 0 ] && targets=("$@")
for t in "${targets[@]}"; do
	[ -d "$out/$t" ] || { echo "make-corpus.sh: no target $t" >&2; exit 1; }
	rm -rf "${dest:?}/$t"
	mkdir -p "$dest"
	cp -r "$out/$t" "$dest/$t"
	printf '%-12s %3d files %6d bytes\n' "$t" "$(ls "$dest/$t" | wc -l)" \
		"$(cat "$dest/$t"/* | wc -c)"
done
