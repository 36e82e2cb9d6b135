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

# shellcheck source=testsuite/tap.sh
source "$src/testsuite/tap.sh"
echo "TAP version 13"

have_qemu || skip_all "needs qemu-system-x86_64 (package qemu-system-x86)"
need_debian_tree debroot
kernel=$debroot/boot/vmlinuz-6.1.0-50-amd64
[ -f "$kernel" ] || bail "no kernel image at $kernel"

initrd=$logs/initrd.cpio.gz
if ! bash "$src/testsuite/vm/mkinitramfs.sh" "$build" "$src" "$debroot" "$initrd" \
	>"$logs/mkinitramfs.log" 2>&1; then
	cat "$logs/mkinitramfs.log" | sed 's/^/# /'
	bail "could not build the initramfs"
fi

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
		if grep -q "VMTEST PASS $s\$" "$log.txt"; then
			ok "group$group $s"
		else
			why=$(sed -n "s/.*VMTEST FAIL $s: //p" "$log.txt" | head -1)
			not_ok "group$group $s: ${why:-no result (guest died?)}"
		fi
	done
	if [ -n "$plan" ] && grep -q 'VMTEST DONE' "$log.txt"; then
		ok "group$group guest finished"
	else
		not_ok "group$group guest finished (qemu exit $rc; console: $log)"
		tail -20 "$log.txt" | sed 's/^/# /'
	fi
}

boot_group 1 ""
boot_group 2 "loop.max_part=3 modprobe.blacklist=isofs"
tap_finish
