#!/bin/bash
# The vm suite: builds an initramfs from the build tree (mkinitramfs.sh), boots the
# Debian 6.1 kernel under qemu (TCG, no KVM) once per group of scenarios, and turns
# the guest's "VMTEST PASS/FAIL" console lines into TAP. A guest that hangs, panics or
# stops reporting fails the run; console logs are kept in BUILD_DIR/testsuite/vm-logs.
#
# usage: run-vm.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
# meson points LD_LIBRARY_PATH at our (maybe sanitized) libkmod: qemu and the host
# tools must not load it.
unset LD_LIBRARY_PATH LD_PRELOAD
build=$(realpath "$1")
src=$(realpath "$2")
logs=$build/testsuite/vm-logs
mkdir -p "$logs"

echo "TAP version 13"
bail() { echo "Bail out! $*"; exit 1; }

command -v qemu-system-x86_64 >/dev/null ||
	{ echo "1..0 # SKIP needs qemu-system-x86_64 (package qemu-system-x86)"; exit 0; }
debroot=$(bash "$src/testsuite/debian-tree.sh" 2>"$logs/debian-tree.err")
case $? in
0) ;;
77) echo "1..0 # SKIP $(tail -n1 "$logs/debian-tree.err" | sed 's/^debian-tree.sh: //')"; exit 0 ;;
*) bail "the Debian kernel package linux-image-6.1.0-50-amd64=6.1.176-1 is not available" ;;
esac
kernel=$debroot/boot/vmlinuz-6.1.0-50-amd64
[ -f "$kernel" ] || bail "no kernel image at $kernel"

initrd=$logs/initrd.cpio.gz
if ! bash "$src/testsuite/vm/mkinitramfs.sh" "$build" "$src" "$debroot" "$initrd" \
	>"$logs/mkinitramfs.log" 2>&1; then
	cat "$logs/mkinitramfs.log" | sed 's/^/# /'
	bail "could not build the initramfs"
fi

n=0
failed=0
boot_group() {
	local group=$1 append=$2 log=$logs/console-group$1.log
	timeout 240 qemu-system-x86_64 -accel tcg -m 1G -smp 1 -nographic -no-reboot \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 quiet modkit_group=$group $append" \
		</dev/null >"$log" 2>&1
	local rc=$? plan seen
	tr -d '\r' <"$log" >"$log.txt"
	plan=$(sed -n 's/.*VMTEST PLAN //p' "$log.txt" | head -1)
	for s in $plan; do
		n=$((n + 1))
		if grep -q "VMTEST PASS $s\$" "$log.txt"; then
			echo "ok $n - group$group $s"
		else
			failed=$((failed + 1))
			why=$(sed -n "s/.*VMTEST FAIL $s: //p" "$log.txt" | head -1)
			echo "not ok $n - group$group $s: ${why:-no result (guest died?)}"
		fi
	done
	n=$((n + 1))
	if [ -n "$plan" ] && grep -q 'VMTEST DONE' "$log.txt"; then
		echo "ok $n - group$group guest finished"
	else
		failed=$((failed + 1))
		echo "not ok $n - group$group guest finished (qemu exit $rc; console: $log)"
		tail -20 "$log.txt" | sed 's/^/# /'
	fi
}

boot_group 1 ""
boot_group 2 "loop.max_part=3 modprobe.blacklist=isofs"
echo "1..$n"
[ $failed -eq 0 ]
