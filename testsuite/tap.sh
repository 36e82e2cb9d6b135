# SPDX-License-Identifier: LGPL-2.1-or-later
# TAP helpers shared by the shell tests: source this file, print "TAP version 13",
# report cases with ok/not_ok/skip/check/check_eq, end with tap_finish.
#
# A skip names what the case needs and this machine lacks (the network, qemu,
# Debian's kmod); it is never a way to hide a failure. .ci/run fails on any skip.
# A whole program that cannot run at all calls skip_all REASON before any case.

tap_n=0
tap_failed=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
# skip DESCRIPTION REASON
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }
# skip_all REASON: the whole program needs something absent; exits.
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
# check DESCRIPTION CMD...: passes when CMD succeeds
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
# check_eq DESCRIPTION EXPECTED_FILE ACTUAL_FILE: byte-identical files
check_eq() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diff -u "$2" "$3" | head -30 | sed 's/^/# /'
	fi
}
# tap_finish: prints the plan and exits non-zero when a case failed.
tap_finish() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
	exit
}

# The optional things some tests need, each tested the same way everywhere.
# have_kmod_oracle: Debian's kmod (version 30) is installed as /sbin/depmod etc.
have_kmod_oracle() {
	[ -x /sbin/depmod ] && [ -x /sbin/modprobe ] &&
		env -u LD_LIBRARY_PATH -u LD_PRELOAD /sbin/depmod -V 2>/dev/null | grep -q '^kmod version'
}
# have_qemu: qemu-system-x86_64 can be started.
have_qemu() { command -v qemu-system-x86_64 >/dev/null 2>&1; }
# debian_tree [--compressed xz|zst|gz]: prints the unpacked Debian kernel package,
# downloading it if needed; fails (status 1) when it cannot be had (no network).
debian_tree() { bash "${MODKIT_SOURCE_ROOT:?}/testsuite/debian-tree.sh" "$@"; }
