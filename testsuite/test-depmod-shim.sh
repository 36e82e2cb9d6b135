#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# depmod with no -b and no -C, inside a fixture root through modkit-shim.so: the
# default depmod.d directories (/etc, /run, /usr/local/lib, /usr/lib, /lib), their
# precedence and override-by-name, /lib/modules/`uname -r`. Compared with Debian's
# depmod (kmod 30) where it agrees; kmod 30 does not read /usr/lib/depmod.d, so that
# case has its expected result written out. Prints TAP.
#
# Usage: test-depmod-shim.sh DEPMOD MKTREE SHIM
set -u
depmod=$(realpath -s "$1")
mktree=$2
shim=$3
kver=2.0.0-shim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=testsuite/tap.sh
source "${MODKIT_SOURCE_ROOT:?}/testsuite/tap.sh"

debian_depmod=
have_kmod_oracle && debian_depmod=/sbin/depmod

echo "TAP version 13"

cat >"$work/tree.spec" <<EOF
kver $kver
module kernel/a/x_tables.ko
  modinfo alias=from-kernel
module updates/x_tables.ko
  modinfo alias=from-updates
module extra/x_tables.ko
  modinfo alias=from-extra
module weird/x_tables.ko
  modinfo alias=from-weird
module skipme/other.ko
  modinfo alias=other
EOF
# R: fixture root; every case starts from a copy of it
"$mktree" "$work/tree.spec" "$work/R" || not_ok "tree built"
mkdir -p "$work/R/etc/depmod.d" "$work/R/run/depmod.d" "$work/R/usr/local/lib/depmod.d" \
	"$work/R/usr/lib/depmod.d" "$work/R/lib/depmod.d"
echo "search weird built-in" >"$work/R/lib/depmod.d/10-search.conf"
echo "search extra built-in" >"$work/R/etc/depmod.d/10-search.conf"
echo "exclude skipme" >"$work/R/run/depmod.d/20-exclude.conf"
echo "exclude extra" >"$work/R/usr/local/lib/depmod.d/20-exclude.conf"
echo "search nothing" >"$work/R/etc/depmod.d/ignored.txt"

# run_in ROOT PREFIX PROGRAM...: depmod without -b/-C inside ROOT
run_in() {
	local root=$1 p=$2
	shift 2
	env LD_PRELOAD="$shim" MODKIT_ROOT="$root" MODKIT_UNAME_R="$kver" "$@" \
		>"$work/$p.out" 2>"$work/$p.err"
	echo $? >"$work/$p.rc"
}
winner() { # the module path that won x_tables in ROOT
	grep '^alias from-' "$1/lib/modules/$kver/modules.alias" | cut -d' ' -f2
}

# ---- /etc overrides /lib by file name; /run's file read; /usr/local/lib's file
#      shadowed by /run's of the same name ----------------------------------------------
cp -a "$work/R" "$work/c1"
run_in "$work/c1" c1 "$depmod"
check "defaults: exit 0" test "$(cat "$work/c1.rc")" = 0
check "defaults: /etc/.../10-search.conf replaces /lib's, /run/.../20-exclude.conf shadows /usr/local's (extra wins)" \
	test "$(winner "$work/c1")" = from-extra
check "defaults: /run/depmod.d/20-exclude.conf read (skipme excluded)" \
	test -z "$(grep other "$work/c1/lib/modules/$kver/modules.alias")"
check "defaults: indexes written under the redirected /lib/modules/\`uname -r\`" \
	test -s "$work/c1/lib/modules/$kver/modules.dep.bin"
if [ -n "$debian_depmod" ]; then
	cp -a "$work/R" "$work/d1"
	run_in "$work/d1" d1 env -u LD_LIBRARY_PATH "$debian_depmod"
	check_eq "defaults: exit status as Debian's" "$work/d1.rc" "$work/c1.rc"
	check_eq "defaults: stderr as Debian's" "$work/d1.err" "$work/c1.err"
	for f in modules.dep modules.alias; do
		check_eq "defaults: $f as Debian's" "$work/d1/lib/modules/$kver/$f" \
			"$work/c1/lib/modules/$kver/$f"
	done
else
	skip "defaults: compared with Debian's depmod" "$no_debian_depmod"
fi

# ---- kmod 34.2 also reads /usr/lib/depmod.d (kmod 30 does not) ---------------------------
cp -a "$work/R" "$work/c2"
echo "search updates built-in" >"$work/c2/usr/lib/depmod.d/01-first.conf"
run_in "$work/c2" c2 "$depmod"
check "/usr/lib/depmod.d read, sorted with the others (updates wins)" \
	test "$(winner "$work/c2")" = from-updates

# ---- a directory inside a depmod.d directory ------------------------------------------------
cp -a "$work/R" "$work/c3"
mkdir -p "$work/c3/etc/depmod.d/sub.conf"
run_in "$work/c3" c3 "$depmod"
check "subdirectory: exit 0" test "$(cat "$work/c3.rc")" = 0
check "subdirectory: reported with its path" grep -qx \
	"depmod: ERROR: Directories inside directories are not supported: /etc/depmod.d/sub.conf" \
	"$work/c3.err"
if [ -n "$debian_depmod" ]; then
	cp -a "$work/R" "$work/d3"
	mkdir -p "$work/d3/etc/depmod.d/sub.conf"
	run_in "$work/d3" d3 env -u LD_LIBRARY_PATH "$debian_depmod"
	check_eq "subdirectory: stderr as Debian's" "$work/d3.err" "$work/c3.err"
else
	skip "subdirectory: stderr as Debian's" "$no_debian_depmod"
fi

tap_finish
