#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# modprobe -a against modprobe -a --jobs=N on the real kernel: boots the Debian 6.1
# kernel under qemu (TCG) with 2 vCPUs and an initramfs holding our kmod, busybox
# and 40 modules of the Debian package as .ko.xz (with their dependencies) indexed
# by our depmod. The guest loads the 40 with and without --jobs, removing them in
# between, for a few rounds in alternating order, and prints the times it measured
# (/proc/uptime, 10 ms steps). Prints figures, not TAP: it is a benchmark. The
# guest's console is kept in BUILD_DIR/bench-modprobe-jobs.console.log.
#
# usage: bench-modprobe-jobs.sh BUILD_DIR SOURCE_DIR [JOBS [ROUNDS]]
set -euo pipefail
unset LD_LIBRARY_PATH LD_PRELOAD
build=$(realpath "$1")
src=$(realpath "$2")
jobs=${3:-2}
rounds=${4:-3}
kver=6.1.0-50-amd64
command -v qemu-system-x86_64 >/dev/null || { echo "needs qemu-system-x86_64" >&2; exit 1; }
debroot=$(bash "$src/testsuite/debian-tree.sh")
moddir=$debroot/lib/modules/$kver
kernel=$debroot/boot/vmlinuz-$kver

# crypto algorithms (self-tested as they register), templates and large NLS tables:
# modules that load without hardware
mods="aegis128 blowfish_generic camellia_generic cast5_generic cast6_generic
chacha20poly1305 ccm cmac des_generic fcrypt gcm keywrap lrw md4 michael_mic
poly1305_generic rmd160 serpent_generic sha3_generic sha512_generic streebog_generic
twofish_generic vmac wp512 xcbc xts blake2b_generic crc32_generic cfb ofb pcbc cts
nhpoly1305 authenc echainiv nls_cp932 nls_cp936 nls_cp949 nls_cp950 nls_euc-jp"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/modkit-bench-jobs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/stage
mkdir -p "$stage"/{bin,sbin,usr/bin,proc,sys,dev,tmp,lib/modules/$kver,etc/modprobe.d}
cp /bin/busybox "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
install -m 0755 "$build/src/kmod" "$stage/usr/bin/kmod"
for lib in $(ldd "$build/src/kmod" | awk '/=> \//{print $3} /^\t\/lib/{print $1}') \
	/lib/x86_64-linux-gnu/liblzma.so.5; do
	mkdir -p "$stage$(dirname "$lib")"
	cp -L "$lib" "$stage$(dirname "$lib")/"
done

depfile=$tmp/modules.dep
zstd -dc "$src/testsuite/reference/$kver/depmod-raw/modules.dep.zst" >"$depfile"
paths=""
for m in $mods; do
	line=$(grep -E "/$m\.ko:" "$depfile") || { echo "no module $m" >&2; exit 1; }
	paths="$paths ${line%%:*} ${line#*:}"
done
for p in $(printf '%s\n' $paths | sort -u); do
	mkdir -p "$stage/lib/modules/$kver/$(dirname "$p")"
	xz --check=crc32 --lzma2=dict=1MiB -c "$moddir/$p" >"$stage/lib/modules/$kver/$p.xz"
done
cp "$moddir/modules.builtin" "$moddir/modules.builtin.modinfo" "$stage/lib/modules/$kver/"
"$build/src/depmod" -b "$stage" "$kver"
echo "$(printf '%s\n' $paths | sort -u | wc -l) module files ($(echo $mods | wc -w) named)"

cat >"$stage/init" <<EOF
#!/bin/sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox --install -s
for t in insmod rmmod lsmod modprobe modinfo depmod; do
	rm -f /bin/\$t /sbin/\$t /usr/bin/\$t /usr/sbin/\$t
	ln -s /usr/bin/kmod /sbin/\$t
done
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
# busybox sh runs its own applets for bare names: ours by path
mods="$(echo $mods)"
now() { cut -d' ' -f1 /proc/uptime; }
run() { # run LABEL ARGS...: load, time, count, remove
	label=\$1; shift
	t0=\$(now)
	/sbin/modprobe -a "\$@" \$mods
	rc=\$?
	t1=\$(now)
	n=\$(wc -l </proc/modules)
	/sbin/modprobe -r -a \$mods
	left=\$(wc -l </proc/modules)
	echo "BENCH \$label start=\$t0 end=\$t1 status=\$rc loaded=\$n left=\$left"
}
echo "BENCH cpus \$(grep -c ^processor /proc/cpuinfo)"
# a first load warms nothing that matters here (the files are in RAM), but runs once
run warmup
i=0
while [ \$i -lt $rounds ]; do
	if [ \$((i % 2)) -eq 0 ]; then
		run sequential
		run jobs --jobs=$jobs
	else
		run jobs --jobs=$jobs
		run sequential
	fi
	i=\$((i + 1))
done
echo "BENCH DONE"
poweroff -f
EOF
chmod 0755 "$stage/init"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$tmp/initrd.gz"

log=$build/bench-modprobe-jobs.console.log
timeout 1200 qemu-system-x86_64 -accel tcg -m 1G -smp 2 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$tmp/initrd.gz" \
	-append "console=ttyS0 panic=-1 quiet" </dev/null >"$log" 2>&1 || true
tr -d '\r' <"$log" | grep '^BENCH' || { tail -30 "$log"; exit 1; }
tr -d '\r' <"$log" | awk -v jobs="$jobs" '
/^BENCH (sequential|jobs) / {
	split($3, a, "="); split($4, b, "=")
	t = b[2] - a[2]
	sum[$2] += t; n[$2]++
	printf "%-10s %6.2f s  %s %s %s\n", $2, t, $5, $6, $7
}
END {
	if (n["sequential"] && n["jobs"]) {
		s = sum["sequential"] / n["sequential"]; p = sum["jobs"] / n["jobs"]
		printf "mean: sequential %.2f s, --jobs=%s %.2f s, speed-up %.2fx\n", s, jobs, p, s / p
	}
}'
