# SPDX-License-Identifier: LGPL-2.1-or-later
# TAP helpers shared by the shell tests: source this file, print "TAP version 13",
# report cases with ok/not_ok/skip/check/check_eq, end with tap_finish (the plan
# comes last, so a program need not count its cases beforehand).
#
# A skip names what the case needs and this machine lacks (the network, qemu,
# Debian's kmod); it is never a way to hide a failure. .ci/run fails on any skip.
# A whole program that cannot run at all calls skip_all REASON before any case; one
# whose set-up fails calls bail REASON. need_debian_tree does either for the Debian
# kernel package.

tap_n=0
tap_failed=0
# this file's directory (testsuite/ of the source tree), for the scripts beside it
tap_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
# skip DESCRIPTION REASON
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }
# skip_all REASON: the whole program needs something absent; exits.
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
# bail REASON: the program cannot go on (its set-up failed, not a case); exits 1.
bail() { echo "Bail out! $*"; exit 1; }
# check DESCRIPTION CMD...: passes when CMD succeeds
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
# lib_check DESC CMD...: check, for a message the library logs; with -Dlogging=false
# (a library without messages) a TAP SKIP saying so
lib_check() {
	if have_feature logging; then check "$@"; else skip "$1" "$(feature_off logging)"; fi
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
# have_feature NAME: the build has the optional library NAME (zstd, xz, zlib,
# openssl), or the library's messages (logging), as meson configured it
# ($MODKIT_FEATURES, set by meson; outside meson, read from
# $MODKIT_BUILD_ROOT/config.h). feature_off NAME: the skip reason.
have_feature() {
	if [ -n "${MODKIT_FEATURES+set}" ]; then
		case " $MODKIT_FEATURES " in *" $1 "*) return 0 ;; *) return 1 ;; esac
	fi
	grep -qx "#define ENABLE_${1^^} 1" "${MODKIT_BUILD_ROOT:?}/config.h"
}
feature_off() {
	if [ "$1" = logging ]; then echo "built with -Dlogging=false"; else echo "built with -D$1=disabled"; fi
}
# feature_line: the build's feature line of --version, from the same options
# ("+ZSTD +XZ +ZLIB +OPENSSL" when all are built)
feature_line() {
	local f line=
	for f in zstd xz zlib openssl; do
		if have_feature $f; then line+=" +${f^^}"; else line+=" -${f^^}"; fi
	done
	echo "${line# }"
}
# readable_spec SPEC: prints the modkit-mktree SPEC file with each module compressed
# in a way this build cannot read made a plain .ko instead (its name unchanged).
readable_spec() {
	local args=(-e '') f
	for f in zstd:zst xz:xz zlib:gz; do
		have_feature "${f%%:*}" || args+=(-e "s/^\(module .*\.ko\)\.${f#*:}\$/\1/")
	done
	sed "${args[@]}" "$1"
}
# drop_unreadable DIR: deletes under DIR the compressed modules (.ko.zst, .ko.xz,
# .ko.gz) this build has no decompressor for, so that a fixture tree keeps what the
# build can index (tools fail on the others by design: test-nodecomp.sh checks that).
drop_unreadable() {
	local f
	for f in zstd:zst xz:xz zlib:gz; do
		have_feature "${f%%:*}" || find "$1" -name "*.ko.${f#*:}" -delete
	done
}
# The reason of a comparison with Debian's depmod skipped for want of it.
no_debian_depmod="Debian's depmod (package kmod) not installed"
# have_qemu: qemu-system-x86_64 can be started.
have_qemu() { command -v qemu-system-x86_64 >/dev/null 2>&1; }
# debian_tree [--compressed xz|zst|gz]: prints the unpacked Debian kernel package,
# downloading it if needed; status 77 when it cannot be had here (no network and no
# cached copy), 1 on any other failure, the reason last on stderr. As for the C
# tests, $MODKIT_DEBIAN_ROOT, when set, is the plain tree.
debian_tree() {
	if [ $# -eq 0 ] && [ -n "${MODKIT_DEBIAN_ROOT:-}" ]; then
		echo "$MODKIT_DEBIAN_ROOT"
	else
		bash "$tap_dir/debian-tree.sh" "$@"
	fi
}
# need_debian_tree VAR [--compressed xz|zst|gz]: sets VAR to debian_tree's directory.
# Without the tree the program ends before its cases: skipped whole, with
# debian-tree.sh's reason, when the package cannot be had here (status 77); failed
# (a bail-out after debian-tree.sh's messages as comments) on any other error.
# (Its locals are prefixed so that VAR cannot name one of them.)
need_debian_tree() {
	local tap_var=$1 tap_dir_found tap_rc tap_err tap_why
	shift
	tap_err=$(mktemp "${TMPDIR:-/tmp}/modkit-tap.XXXXXX") || bail "mktemp failed"
	tap_dir_found=$(debian_tree "$@" 2>"$tap_err")
	tap_rc=$?
	tap_why=$(tail -n1 "$tap_err" | sed 's/^debian-tree.sh: //')
	[ $tap_rc -eq 0 ] || [ $tap_rc -eq 77 ] || sed 's/^/# /' "$tap_err"
	rm -f "$tap_err"
	case $tap_rc in
	0) printf -v "$tap_var" '%s' "$tap_dir_found" ;;
	77) skip_all "$tap_why" ;;
	*) bail "the Debian kernel package linux-image-6.1.0-50-amd64=6.1.176-1 is not available" ;;
	esac
}
