#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# TAP tests for testsuite/compress-tree.sh and testsuite/debian-tree.sh on small
# synthetic trees and a fake apt-get (no network, no real cache touched).
# Usage: test-trees.sh [CASE...]
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
work=$(mktemp -d "${TMPDIR:-/tmp}/modkit-trees.XXXXXX")
trap 'rm -rf "$work"' EXIT
KVER=6.1.0-50-amd64
PKG=linux-image-$KVER
VER=6.1.176-1

# shellcheck source=testsuite/tap.sh
source "$here/tap.sh"
# fail MESSAGE: a case's step failed; says why on stderr
fail() { echo "# $*" >&2; return 1; }

# A small module tree: two modules (one with a dash), a symlink, the kbuild lists.
make_tree() {
	local t=$1/lib/modules/$KVER
	mkdir -p "$t/kernel/drivers/x" "$t/kernel/fs" "$1/boot"
	printf '\177ELF module one\n' >"$t/kernel/drivers/x/one.ko"
	head -c 20000 /dev/urandom >"$t/kernel/fs/two-dash.ko"
	printf 'kernel/drivers/x/one.ko\nkernel/fs/two-dash.ko\n' >"$t/modules.order"
	printf 'kernel/fs/ext4.ko\n' >"$t/modules.builtin"
	printf 'ext4.alias=fs-ext4\0' >"$t/modules.builtin.modinfo"
	printf 'not a module\n' >"$t/kernel/README.ko.txt"
	ln -s kernel/drivers "$t/drivers-link"
	printf 'kernel image\n' >"$1/boot/vmlinuz-$KVER"
}

decomp() {
	case $1 in
	xz) xz -dc ;;
	zst) zstd -dcq ;;
	gz) gzip -dc ;;
	esac
}

t_compress_each_kind() {
	local src=$work/src dst kind t
	make_tree "$src"
	for kind in xz zst gz; do
		dst=$work/out-$kind
		"$here/compress-tree.sh" "$src" "$dst" "$kind" || fail "compress-tree $kind failed" || return 1
		t=lib/modules/$KVER
		for f in kernel/drivers/x/one.ko kernel/fs/two-dash.ko; do
			[ ! -e "$dst/$t/$f" ] || fail "$kind: $f left uncompressed" || return 1
			decomp "$kind" <"$dst/$t/$f.$kind" | cmp -s - "$src/$t/$f" ||
				fail "$kind: $f.$kind does not decompress to $f" || return 1
		done
		for f in modules.order modules.builtin modules.builtin.modinfo kernel/README.ko.txt; do
			cmp -s "$dst/$t/$f" "$src/$t/$f" || fail "$kind: $f changed" || return 1
		done
		[ "$(readlink "$dst/$t/drivers-link")" = kernel/drivers ] || fail "$kind: symlink lost" || return 1
		cmp -s "$dst/boot/vmlinuz-$KVER" "$src/boot/vmlinuz-$KVER" || fail "$kind: boot/ lost" || return 1
		[ -z "$(find "$dst" -name '*.tmp*')" ] || fail "$kind: temporary files left" || return 1
	done
	# the exact kbuild command lines
	cmp -s "$dst/lib/modules/$KVER/kernel/fs/two-dash.ko.gz" \
		<(gzip -n -c "$src/lib/modules/$KVER/kernel/fs/two-dash.ko") || fail "gz bytes differ" || return 1
	cmp -s "$work/out-xz/lib/modules/$KVER/kernel/fs/two-dash.ko.xz" \
		<(xz --check=crc32 --lzma2=dict=1MiB -c "$src/lib/modules/$KVER/kernel/fs/two-dash.ko") ||
		fail "xz bytes differ" || return 1
	xz -lvv "$work/out-xz/lib/modules/$KVER/kernel/fs/two-dash.ko.xz" | grep -q 'Check: *CRC32' ||
		fail "xz check is not CRC32" || return 1
}

t_compress_refuses_bad_input() {
	local src=$work/src2 err
	make_tree "$src"
	mkdir -p "$work/full" && touch "$work/full/x"
	if err=$("$here/compress-tree.sh" "$src" "$work/full" xz 2>&1); then
		fail "non-empty DST accepted"
		return 1
	fi
	[[ $err == *"not empty"* ]] || fail "message: $err" || return 1
	! "$here/compress-tree.sh" "$src" "$work/o" bz2 2>/dev/null || fail "bz2 accepted" || return 1
	! "$here/compress-tree.sh" "$work/nothere" "$work/o2" xz 2>/dev/null ||
		fail "missing SRC accepted" || return 1
}

# A fake apt-get that logs its calls and "downloads" a locally built package.
fake_apt() {
	local bin=$1 mode=$2 pkgroot=$work/pkgroot
	mkdir -p "$bin"
	if [ "$mode" = good ] && [ ! -f "$work/fake.deb" ]; then
		make_tree "$pkgroot"
		mkdir -p "$pkgroot/DEBIAN"
		printf 'Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: t <t@t>\nDescription: t\n' \
			"$PKG" "$VER" >"$pkgroot/DEBIAN/control"
		dpkg-deb --build --root-owner-group "$pkgroot" "$work/fake.deb" >/dev/null || return 1
	fi
	cat >"$bin/apt-get" <<EOF
#!/bin/sh
while [ "\$1" = -o ]; do shift 2; done
echo "\$*" >>"$bin/apt-get.log"
case "\$1:$mode" in
update:*) exit 0 ;;
download:good) cp "$work/fake.deb" "./${PKG}_${VER}_amd64.deb" ;;
*) echo "E: Unable to locate package" >&2; exit 100 ;;
esac
EOF
	chmod +x "$bin/apt-get"
}

t_debian_tree_unavailable() {
	local bin=$work/bin-bad out err rc
	fake_apt "$bin" bad
	out=$(PATH=$bin:$PATH MODKIT_CACHE=$work/cache-bad "$here/debian-tree.sh" 2>"$work/err")
	rc=$?
	err=$(cat "$work/err")
	[ $rc -eq 77 ] || fail "exit status $rc (77: unavailable, tests skip)" || return 1
	[ -z "$out" ] || fail "stdout: $out" || return 1
	[[ $err == *"$PKG=$VER"* ]] || fail "stderr does not name the package: $err" || return 1
	# it retried after apt-get update
	[ "$(cat "$bin/apt-get.log")" = "download $PKG=$VER
update
download $PKG=$VER" ] || fail "apt-get calls: $(cat "$bin/apt-get.log")" || return 1
	[ -z "$(ls -A "$work/cache-bad" | grep -v '^\.debian-tree.lock$')" ] || fail "debris in cache" || return 1
}

t_debian_tree_download_and_cache() {
	local bin=$work/bin-good cache=$work/cache-good out
	fake_apt "$bin" good || fail "cannot build the fake package" || return 1
	out=$(PATH=$bin:$PATH MODKIT_CACHE=$cache "$here/debian-tree.sh" 2>/dev/null) || fail "failed" || return 1
	[ "$out" = "$cache/root-$KVER" ] || fail "printed '$out'" || return 1
	[ -f "$out/lib/modules/$KVER/kernel/drivers/x/one.ko" ] || fail "not unpacked" || return 1
	[ -f "$out/boot/vmlinuz-$KVER" ] || fail "no vmlinuz" || return 1
	out=$(PATH=$bin:$PATH MODKIT_CACHE=$cache "$here/debian-tree.sh" --compressed gz 2>/dev/null) ||
		fail "--compressed failed" || return 1
	[ "$out" = "$cache/root-$KVER-gz" ] || fail "printed '$out'" || return 1
	[ -f "$out/lib/modules/$KVER/kernel/fs/two-dash.ko.gz" ] || fail "no .ko.gz" || return 1
	# everything is cached now: no more apt-get calls, same answers
	: >"$bin/apt-get.log"
	rm -f "$cache"/*.deb
	[ "$(PATH=$bin:$PATH MODKIT_CACHE=$cache "$here/debian-tree.sh" --compressed=gz)" = "$out" ] ||
		fail "second --compressed call" || return 1
	[ "$(PATH=$bin:$PATH MODKIT_CACHE=$cache "$here/debian-tree.sh")" = "$cache/root-$KVER" ] ||
		fail "second call" || return 1
	[ ! -s "$bin/apt-get.log" ] || fail "apt-get called again" || return 1
	[ -z "$(find "$cache" -maxdepth 1 -name '.root-*')" ] || fail "temporary dirs left" || return 1
}

t_debian_tree_unusable_cache() {
	local err rc
	err=$(MODKIT_CACHE=/proc/modkit-no-such-dir "$here/debian-tree.sh" 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq 1 ] || fail "exit status $rc" || return 1
	[[ $err == *"$PKG=$VER"* ]] || fail "stderr does not name the package: $err" || return 1
}

t_debian_tree_bad_args() {
	! "$here/debian-tree.sh" --compressed bz2 >/dev/null 2>&1 || fail "bz2 accepted" || return 1
	! "$here/debian-tree.sh" --frobnicate >/dev/null 2>&1 || fail "unknown option accepted" || return 1
}

# The real cache (suite 'debian'; run with the case name real_tree).
t_real_tree() {
	local root n
	root=$("$here/debian-tree.sh" 2>"$work/real.err")
	case $? in
	0) ;;
	77) tail -n1 "$work/real.err" | sed 's/^debian-tree.sh: //' >"$work/skip.real_tree"; return 0 ;;
	*) fail "debian-tree.sh failed: $(cat "$work/real.err")"; return 1 ;;
	esac
	[ -f "$root/boot/vmlinuz-$KVER" ] || fail "no boot/vmlinuz-$KVER in $root" || return 1
	n=$(find "$root/lib/modules/$KVER/kernel" -name '*.ko' | wc -l)
	[ "$n" -eq 4022 ] || fail "$n .ko files in $root (expected 4022)" || return 1
	n=$(wc -l <"$root/lib/modules/$KVER/modules.order")
	[ "$n" -eq 4022 ] || fail "modules.order has $n lines" || return 1
}

cases=(t_compress_each_kind t_compress_refuses_bad_input t_debian_tree_unavailable
	t_debian_tree_download_and_cache t_debian_tree_unusable_cache t_debian_tree_bad_args)
[ $# -gt 0 ] && cases=("${@/#/t_}")
echo "TAP version 13"
for c in "${cases[@]}"; do
	# (set -e is ignored in a condition: each case checks its own steps)
	if (set -e; "$c"); then
		if [ -s "$work/skip.${c#t_}" ]; then
			skip "${c#t_}" "$(cat "$work/skip.${c#t_}")"
		else
			ok "${c#t_}"
		fi
	else
		not_ok "${c#t_}"
	fi
done
tap_finish
