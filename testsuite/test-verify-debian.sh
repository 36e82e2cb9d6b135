#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# test-verify-debian.sh BUILD SHIM: signature verification and kmod check on Debian's
# kernel package (linux-image-6.1.0-50-amd64, testsuite/debian-tree.sh).
#
# The certificate comes out of Debian's own kernel image by extract-kernel-certs.sh
# (xz, grep and openssl: nothing of modkit), then every signed module of the package
# must verify with it - plain and in the compressed copies of the tree - while
# copies with one byte changed (in the module, in the signature) and without their
# signature must not, and insmod --require-signature must keep them from the (fake)
# kernel. Last, kmod check against a real module's build-id note.
set -u
export LC_ALL=C
build=$1
shim=$2
kver=6.1.0-50-amd64
# shellcheck source=testsuite/tap.sh
source "${MODKIT_SOURCE_ROOT:?}/testsuite/tap.sh"
modinfo=$build/src/modinfo
insmod=$build/src/insmod
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "TAP version 13"
need_debian_tree root
moddir=$root/lib/modules/$kver

# --- the certificate built into vmlinuz ---------------------------------------------
certs=$work/certs
bash "$MODKIT_SOURCE_ROOT/testsuite/extract-kernel-certs.sh" "$root/boot/vmlinuz-$kver" \
	"$certs" >"$work/certs.out" 2>"$work/certs.err"
check "extract-kernel-certs.sh finds the kernel's certificates" test $? -eq 0
sed 's/^/# /' "$work/certs.out" "$work/certs.err"
cert=$certs/cert-1.der
# the signer Debian's modules name is that certificate's subject
signer=$("$modinfo" -F signer "$moddir/kernel/net/netfilter/x_tables.ko")
check "the certificate is the one the modules name ($signer)" \
	grep -qF "CN = $signer" "$work/certs.out"

# --- every signed module of the plain tree ------------------------------------------
find "$moddir" -name '*.ko' | sort >"$work/modules"
: >"$work/signed"
while read -r m; do
	[ "$(tail -c 28 "$m")" = "~Module signature appended~" ] && echo "$m" >>"$work/signed"
done <"$work/modules"
nsigned=$(wc -l <"$work/signed")
check "the tree has signed modules ($nsigned of $(wc -l <"$work/modules"))" test "$nsigned" -gt 4000

# verify_all CERTARG LIST EXPECTED_LINE: one "good" line per module, status 0
verify_all() {
	local status
	xargs -d '\n' "$modinfo" "--verify=$1" -F verify <"$2" >"$work/verify.out" 2>"$work/verify.err"
	status=$?
	[ "$status" -eq 0 ] || echo "# exit status $status"
	[ "$(wc -l <"$work/verify.out")" -eq "$(wc -l <"$2")" ] || echo "# line count differs"
	grep -vxF "$3" "$work/verify.out" | head -5 | sed 's/^/# /'
	head -5 "$work/verify.err" | sed 's/^/# /'
	[ "$status" -eq 0 ] && [ ! -s "$work/verify.err" ] &&
		[ "$(grep -cxF "$3" "$work/verify.out")" -eq "$(wc -l <"$2")" ]
}
good="good: signed by $signer (certificate $cert)"
check "all $nsigned signed modules verify with the DER certificate" \
	verify_all "$cert" "$work/signed" "$good"
head -100 "$work/signed" >"$work/sample"
check "100 modules verify with the PEM certificate" \
	verify_all "${cert%.der}.pem" "$work/sample" "good: signed by $signer (certificate ${cert%.der}.pem)"
check "100 modules verify with the certificate directory" \
	verify_all "$certs" "$work/sample" "good: signed by $signer (certificate $certs/cert-1.der)"

# --verify without a certificate: modinfo's own extraction from -b ROOT's vmlinuz
head -20 "$work/signed" | xargs -d '\n' "$modinfo" -b "$root" -k "$kver" --verify -F verify \
	>"$work/own.out" 2>"$work/own.err"
check "--verify alone: exit 0" test $? -eq 0
check "--verify alone: the certificate of boot/vmlinuz-$kver" \
	test "$(grep -cxF "good: signed by $signer (certificate $root/boot/vmlinuz-$kver)" "$work/own.out")" -eq 20

# --- damaged copies -------------------------------------------------------------------
x=$moddir/kernel/net/netfilter/x_tables.ko
size=$(stat -c %s "$x")
# flip_at FILE OFFSET: inverts the bits of one byte
flip_at() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf '%03o' $((b ^ 0xff)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
cp "$x" "$work/content.ko"
flip_at "$work/content.ko" $((size / 2))
# the signature value ends the PKCS#7 block, right before the 12-byte info block
cp "$x" "$work/sigbyte.ko"
flip_at "$work/sigbyte.ko" $((size - 28 - 12 - 20))
# the module without its signature (formats.md 4: sig_len from the info block)
siglen=$(od -An -tu1 -j $((size - 28 - 4)) -N4 "$x" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
head -c $((size - 28 - 12 - siglen)) "$x" >"$work/stripped.ko"

# expect FILE STATUS LINE
expect() {
	local out status
	out=$("$modinfo" "--verify=$cert" -F verify "$1" 2>&1)
	status=$?
	[ "$status" -eq "$2" ] && [ "$out" = "$3" ] && return 0
	echo "# status $status, output: $out"
	return 1
}
check "unchanged copy: good" expect "$x" 0 "$good"
check "a flipped byte in the module: bad" \
	expect "$work/content.ko" 1 "bad: the signature does not match the module's content"
check "a flipped byte in the signature: bad" \
	expect "$work/sigbyte.ko" 1 "bad: the signature does not match the module's content"
check "the signature cut off: unsigned" expect "$work/stripped.ko" 1 "unsigned"

# --- insmod --require-signature keeps them from the kernel ----------------------------
fx=$work/fixture
mkdir -p "$fx/proc" "$fx/sys/module" "$fx/lib/modules/$kver"
: >"$fx/proc/modules"
run_insmod() {
	env LD_PRELOAD="$shim" MODKIT_ROOT="$fx" MODKIT_UNAME_R="$kver" \
		"$insmod" "--require-signature=$cert" "$1" >"$work/insmod.out" 2>"$work/insmod.err"
}
run_insmod "$work/content.ko"
check "insmod refuses the changed copy (status 1)" test $? -eq 1
check "insmod names the file and the reason" grep -qxF \
	"insmod: ERROR: could not insert module $work/content.ko: signature check failed: bad: the signature does not match the module's content" \
	"$work/insmod.err"
check "no syscall for the refused module" test ! -s "$fx/.shim/calls.log"
cp "$x" "$work/x_tables.ko"
run_insmod "$work/x_tables.ko"
check "insmod loads the intact module" test $? -eq 0
check "with one finit_module call" grep -q '^finit_module name=x_tables ' "$fx/.shim/calls.log"

# --- compressed copies: checked after decompression -----------------------------------
for kind in zst xz gz; do
	croot=$(debian_tree --compressed "$kind" 2>"$work/c.err")
	if [ $? -ne 0 ]; then
		sed 's/^/# /' "$work/c.err"
		not_ok "the .ko.$kind copy of the tree is unavailable"
		continue
	fi
	find "$croot/lib/modules/$kver" -name "*.ko.$kind" | sort >"$work/c.list"
	check "every .ko.$kind module verifies ($(wc -l <"$work/c.list"))" \
		verify_all "$cert" "$work/c.list" "$good"
done

# --- kmod check on the real tree -------------------------------------------------------
# Loaded modules faked under the shim; /sys/module/M/notes/.note.gnu.build-id holds the
# note section of a real module file, cut out by binutils, and the expected build IDs
# come from readelf.
kmod=$build/src/kmod
cfx=$work/check
# the package has no index: ours, written next to a link to its modules
mkdir -p "$cfx/proc" "$cfx/lib/modules/$kver"
ln -s "$moddir/kernel" "$cfx/lib/modules/$kver/kernel"
cp "$moddir"/modules.order "$moddir"/modules.builtin* "$cfx/lib/modules/$kver/"
"$build/src/depmod" -b "$cfx" "$kver" 2>"$work/depmod.err"
check "depmod indexes the linked tree" test $? -eq 0
printf 'x_tables 61440 0 - Live 0x0000000000000000\n' >"$cfx/proc/modules"
mkdir -p "$cfx/sys/module/x_tables/notes"
echo live >"$cfx/sys/module/x_tables/initstate"
e1000e=$moddir/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko
build_id() { readelf -n "$1" | sed -n 's/^ *Build ID: //p'; }
set_note() {
	objcopy --dump-section .note.gnu.build-id="$cfx/sys/module/x_tables/notes/.note.gnu.build-id" \
		"$1" "$work/objcopy.out"
}
run_check() {
	env LD_PRELOAD="$shim" MODKIT_ROOT="$cfx" MODKIT_UNAME_R="$kver" "$kmod" check -v \
		>"$work/check.out" 2>"$work/check.err"
}
set_note "$x"
run_check
check "kmod check: x_tables as loaded from the tree (status 0)" test $? -eq 0
check "kmod check: compared by build-id" grep -qxF \
	"x_tables: ok: build-id as /lib/modules/$kver/kernel/net/netfilter/x_tables.ko" "$work/check.out"
set_note "$e1000e"
run_check
check "kmod check: another build-id loaded (status 1)" test $? -eq 1
check "kmod check: reported as changed, with both build-ids" grep -qxF \
	"x_tables: changed: build-id $(build_id "$e1000e") loaded, $(build_id "$x") in /lib/modules/$kver/kernel/net/netfilter/x_tables.ko" \
	"$work/check.out"
sed 's/^/# /' "$work/check.out" "$work/check.err"

tap_finish
