#!/bin/bash
# Builds the initramfs the vm suite boots: our kmod binary and libkmod.so.2 (from the
# build tree), busybox for the shell only, a few real modules of the Debian kernel
# (plain, and .ko.xz/.ko.zst/.ko.gz copies) indexed by OUR depmod, modprobe.d files,
# an API test program, and Debian's unmodified systemd-modules-load.
#
# usage: mkinitramfs.sh BUILD_DIR SOURCE_DIR DEBIAN_ROOT OUTPUT.cpio.gz
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
debroot=$(realpath "$3")
out=$4
kver=6.1.0-50-amd64
moddir=$debroot/lib/modules/$kver

stage=$(mktemp -d "${TMPDIR:-/tmp}/modkit-vm-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib64,proc,sys,dev,tmp,run,etc/modprobe.d,etc/modules-load.d,lib/x86_64-linux-gnu,lib/systemd,lib/modules/$kver}

# --- programs and their libraries ------------------------------------------------
cp /bin/busybox "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
install -m 0755 "$build/src/kmod" "$stage/usr/bin/kmod"
for t in insmod rmmod lsmod modprobe modinfo depmod; do
	ln -s ../usr/bin/kmod "$stage/sbin/$t"
done
install -m 0755 "$build/testsuite/vm-api-probe" "$stage/usr/bin/vm-api-probe"
install -m 0755 /lib/systemd/systemd-modules-load "$stage/lib/systemd/"

copy_lib() {
	local lib=$1 dest
	dest="$stage$(dirname "$lib")"
	mkdir -p "$dest"
	[ -e "$stage$lib" ] || cp -L "$lib" "$dest/"
}
# shared libraries of everything above, plus what libkmod dlopen()s
for bin in "$build/src/kmod" "$build/testsuite/vm-api-probe" /lib/systemd/systemd-modules-load; do
	ldd "$bin" | awk '/=> \//{print $3} /^\t\/lib/{print $1}' | while read -r lib; do
		copy_lib "$lib"
	done
done
for lib in /lib/x86_64-linux-gnu/libzstd.so.1 /lib/x86_64-linux-gnu/liblzma.so.5 \
	/lib/x86_64-linux-gnu/libz.so.1 /lib/x86_64-linux-gnu/libcrypto.so.3; do
	copy_lib "$lib"
done
# OUR library replaces the system's libkmod for every program in the guest
rm -f "$stage"/lib/x86_64-linux-gnu/libkmod.so* "$stage"/usr/lib/x86_64-linux-gnu/libkmod.so*
cp -L "$build/lib/libkmod.so.2" "$stage/lib/x86_64-linux-gnu/libkmod.so.2"
# A sanitized build's libkmod needs its runtimes loaded first in programs that
# are not sanitized themselves (systemd-modules-load): the guest preloads them.
ldd "$build/lib/libkmod.so.2" | awk '/lib(asan|ubsan)\.so/ {print $3}' | tr '\n' ' ' \
	>"$stage/etc/sanitizer-preload"

# --- modules ------------------------------------------------------------------------
wanted="nls_cp437 nls_iso8859-1 nls_utf8 fat vfat msdos isofs loop dummy x_tables xt_LOG nf_log_syslog"
# module paths of the wanted modules and their dependencies, from the package's tree
# (modules.dep of the reference run, which lists every module of this package)
depfile=$(mktemp)
zstd -dc "$src/testsuite/reference/$kver/depmod-raw/modules.dep.zst" >"$depfile"
paths=""
for m in $wanted; do
	line=$(grep -E "/$m\.ko:" "$depfile")
	paths="$paths ${line%%:*} ${line#*:}"
done
rm -f "$depfile"
paths=$(printf '%s\n' $paths | sort -u)

for p in $paths; do
	mkdir -p "$stage/lib/modules/$kver/$(dirname "$p")"
	cp "$moddir/$p" "$stage/lib/modules/$kver/$p"
done
for p in $paths; do echo "$p"; done >"$stage/lib/modules/$kver/modules.order"
cp "$moddir/modules.builtin" "$moddir/modules.builtin.modinfo" "$stage/lib/modules/$kver/"

# compressed copies: isofs and its dependency, nls_utf8, one tree per format
for fmt in xz zst gz; do
	d=$stage/$fmt/lib/modules/$kver
	mkdir -p "$d"
	for m in kernel/fs/isofs/isofs.ko kernel/drivers/cdrom/cdrom.ko kernel/fs/nls/nls_utf8.ko; do
		mkdir -p "$d/$(dirname "$m")"
		case $fmt in
		xz) xz --check=crc32 --lzma2=dict=1MiB -c "$moddir/$m" >"$d/$m.xz" ;;
		zst) zstd -q -c "$moddir/$m" >"$d/$m.zst" ;;
		gz) gzip -n -c "$moddir/$m" >"$d/$m.gz" ;;
		esac
		echo "$m" >>"$d/modules.order"
	done
	cp "$moddir/modules.builtin" "$moddir/modules.builtin.modinfo" "$d/"
done

# damaged copies of dummy.ko for the --force-* scenarios
mkdir -p "$stage/force/magic" "$stage/force/crc"
python3 "$src/testsuite/vm/damage-module.py" vermagic "$moddir/kernel/drivers/net/dummy.ko" \
	"$stage/force/magic/dummy.ko"
python3 "$src/testsuite/vm/damage-module.py" modversion "$moddir/kernel/drivers/net/dummy.ko" \
	"$stage/force/crc/dummy.ko"

# index everything with OUR depmod
"$build/src/depmod" -b "$stage" "$kver"
for fmt in xz zst gz; do
	"$build/src/depmod" -b "$stage/$fmt" "$kver"
done

# --- configuration and scenarios ------------------------------------------------
cp "$src"/testsuite/vm/modprobe.d/*.conf "$stage/etc/modprobe.d/"
echo nls_utf8 >"$stage/etc/modules-load.d/vmtest.conf"
install -m 0755 "$src/testsuite/vm/init" "$stage/init"
install -m 0644 "$src/testsuite/vm/scenarios.sh" "$stage/scenarios.sh"

(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
