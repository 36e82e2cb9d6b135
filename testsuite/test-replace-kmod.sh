#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# test-replace-kmod.sh BUILD SOURCE MKTREE
#
# Runs the procedure of docs/replacing-kmod.md on a throw-away Debian 12 system: a
# minbase bookworm root made with debootstrap (kmod installed), modkit installed over
# Debian's kmod and libkmod2, depmod/modprobe/modinfo run inside `chroot` on a module
# tree generated with modkit-mktree, then Debian's packages restored and verified.
#
# BUILD is a configured and built modkit tree; it is installed as it is when it was set
# up with --prefix=/usr, Debian's library directory and no sanitizer, otherwise the
# test makes its own release build of SOURCE as the procedure says. MKTREE is the path
# of modkit-mktree.
#
# The bookworm root is made once and kept as a tarball in ${MODKIT_CACHE:-/var/cache/modkit}
# (the mirror is the first bookworm source configured for apt on this machine); later
# runs need no network: Debian's packages are restored from the .deb files debootstrap
# left in the root's apt cache. Needs root (chroot). Skips, naming the reason, without
# root, debootstrap or a reachable mirror.
set -u

BUILD=${1:?usage: test-replace-kmod.sh BUILD SOURCE MKTREE}
SRC=${2:?usage: test-replace-kmod.sh BUILD SOURCE MKTREE}
MKTREE=${3:?usage: test-replace-kmod.sh BUILD SOURCE MKTREE}
export MODKIT_SOURCE_ROOT=$SRC
# shellcheck source=testsuite/tap.sh
source "$SRC/testsuite/tap.sh"

CACHE=${MODKIT_CACHE:-/var/cache/modkit}
TARBALL=$CACHE/debian12-minbase-kmod.tar
KVER=6.1.0-modkit-replace
MODDIR=/lib/modules/$KVER

echo "TAP version 13"

[ "$(id -u)" = 0 ] || skip_all "needs root to chroot into a Debian 12 root (running as uid $(id -u))"

# The programs the test runs in the host, each from a package of .ci/deps.sh.
for tool in chroot tar python3 flock; do
	command -v "$tool" >/dev/null || skip_all "$tool is not installed"
done

# First "deb" source for bookworm in apt's configuration (one-line .list or deb822
# .sources format), so that the root comes from the mirror this machine already uses.
debian_mirror() {
	local f words uri
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		while read -ra words; do
			[ "${words[0]:-}" = deb ] || continue
			words=("${words[@]:1}")
			if [[ ${words[0]:-} == "["* ]]; then
				while [ ${#words[@]} -gt 0 ] && [[ ${words[0]} != *"]" ]]; do
					words=("${words[@]:1}")
				done
				words=("${words[@]:1}")
			fi
			[ "${words[1]:-}" = bookworm ] && { echo "${words[0]}"; return 0; }
		done <"$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		uri=$(awk '
			function flush() {
				if (!done && t ~ /(^|[ \t])deb([ \t]|$)/ && s ~ /(^|[ \t])bookworm([ \t]|$)/ &&
				    u != "" && e != "no") {
					split(u, a, /[ \t]+/)
					print a[1]
					done = 1
				}
				t = s = u = e = ""
			}
			/^[ \t]*$/ { flush(); next }
			/^[Tt]ypes:/ { sub(/^[^:]*:[ \t]*/, ""); t = $0 }
			/^[Ss]uites:/ { sub(/^[^:]*:[ \t]*/, ""); s = $0 }
			/^URIs:/ { sub(/^[^:]*:[ \t]*/, ""); u = $0 }
			/^[Ee]nabled:/ { sub(/^[^:]*:[ \t]*/, ""); e = tolower($0) }
			END { flush() }' "$f")
		[ -n "$uri" ] && { echo "$uri"; return 0; }
	done
	return 1
}

# Makes the cached tarball of a minbase bookworm root with kmod installed.
make_tarball() {
	local mirror tmp
	command -v debootstrap >/dev/null || skip_all "debootstrap is not installed (needed once to make $TARBALL)"
	mirror=$(debian_mirror) || skip_all "no bookworm source configured for apt (needed once to make $TARBALL)"
	mkdir -p "$CACHE" || bail "cannot create $CACHE"
	exec 9>"$CACHE/.debian12-root.lock" || bail "cannot create $CACHE/.debian12-root.lock"
	flock 9 || bail "cannot lock $CACHE/.debian12-root.lock"
	[ -s "$TARBALL" ] && return 0
	if command -v wget >/dev/null &&
		! wget -q -T 20 -t 2 -O /dev/null "$mirror/dists/bookworm/InRelease"; then
		skip_all "the network: $mirror is not reachable (needed once to make $TARBALL)"
	fi
	echo "# debootstrap --variant=minbase --include=kmod bookworm from $mirror (once)"
	tmp=$(mktemp -d "$CACHE/.debian12-root.XXXXXX") || bail "mktemp in $CACHE failed"
	if ! debootstrap --variant=minbase --include=kmod bookworm "$tmp/root" "$mirror" \
		>"$tmp/debootstrap.log" 2>&1; then
		tail -20 "$tmp/debootstrap.log" | sed 's/^/# /'
		rm -rf "$tmp"
		bail "debootstrap of bookworm from $mirror failed"
	fi
	tar -C "$tmp/root" --numeric-owner -cf "$tmp/root.tar" . || { rm -rf "$tmp"; bail "tar failed"; }
	mv "$tmp/root.tar" "$TARBALL"
	rm -rf "$tmp"
}

[ -s "$TARBALL" ] || make_tarball

T=$(mktemp -d "${TMPDIR:-/tmp}/modkit-replace-kmod.XXXXXX") || bail "mktemp failed"
# Nothing is ever mounted inside the root, so removing it cannot reach the host.
if [ -n "${MODKIT_TEST_KEEP:-}" ]; then
	echo "# keeping $T"
else
	trap 'rm -rf "$T"' EXIT
fi
R=$T/root
mkdir "$R" || bail "mkdir $R failed"
tar -C "$R" --numeric-owner -xf "$TARBALL" || bail "unpacking $TARBALL failed"

# in_root CMD...: runs CMD inside the root, with a plain environment.
in_root() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive chroot "$R" "$@"
}

# --- the fresh root: Debian's kmod --------------------------------------------------
in_root kmod --version >"$T/version-debian" 2>&1
check "fresh root: kmod --version is Debian's kmod 30" \
	grep -qx 'kmod version 30' "$T/version-debian"
in_root dpkg --verify kmod libkmod2 >"$T/verify-before" 2>&1
check "fresh root: dpkg --verify kmod libkmod2 is clean" test ! -s "$T/verify-before"
multiarch_lib=$(in_root dpkg -L libkmod2 | grep '/libkmod\.so\.2$' | head -n1)
check "fresh root: libkmod2 ships libkmod.so.2 ($multiarch_lib)" test -n "$multiarch_lib"
debian_libdir=${multiarch_lib%/libkmod.so.2}
debian_libdir=${debian_libdir#/usr/}
debian_lib=$(readlink "$R/usr/$debian_libdir/libkmod.so.2")

# --- the module tree: written by hand, generated with modkit-mktree -----------------
cat >"$T/tree.spec" <<EOF
kver $KVER
module kernel/lib/rk_core.ko
  modinfo description=replace-kmod test: core library
  modinfo license=GPL
  export rk_core_get 0x1111aaaa
module kernel/lib/rk_codec.ko.xz
  modinfo description=replace-kmod test: codec
  modinfo license=GPL
  modinfo parm=level:Compression level
  modinfo parmtype=level:int
  export rk_codec_run 0x2222bbbb
  undef rk_core_get
  version 0x1111aaaa rk_core_get
module kernel/lib/rk_crc.ko.gz
  modinfo license=GPL
module kernel/fs/rkfs/rkfs.ko.zst
  modinfo description=replace-kmod test: filesystem
  modinfo license=GPL
  modinfo alias=fs-rkfs
  modinfo softdep=pre: rk_crc
  undef rk_codec_run
  version 0x2222bbbb rk_codec_run
module kernel/drivers/char/rk_dev.ko
  modinfo license=Dual MIT/GPL
  modinfo alias=pci:v00001234d00005678sv*sd*bc*sc*i*
  modinfo alias=devname:rkdev
  modinfo alias=char-major-240-7
modules-order
file lib/modules/@KVER@/modules.builtin
kernel/drivers/base/rk_builtin.ko
end
binfile lib/modules/@KVER@/modules.builtin.modinfo
rk_builtin.description=replace-kmod test: built in\0rk_builtin.alias=rk-builtin-alias\0rk_builtin.license=GPL\0
end
file etc/modprobe.d/rk-test.conf
options rk_codec level=3
alias rk-any rk_dev
blacklist rk_dev
end
EOF
if ! "$MKTREE" "$T/tree.spec" "$T/tree" 2>"$T/mktree.err"; then
	sed 's/^/# /' "$T/mktree.err"
	bail "modkit-mktree failed on the test's tree"
fi
mkdir -p "$R$MODDIR" "$R/etc/modprobe.d"
cp -a "$T/tree$MODDIR/." "$R$MODDIR/"
cp "$T/tree/etc/modprobe.d/rk-test.conf" "$R/etc/modprobe.d/"

# --- the build to install -------------------------------------------------------------
# build_option NAME: the value of a configured option of BUILD.
build_option() {
	meson introspect --buildoptions "$BUILD" 2>/dev/null | python3 -c '
import json, sys
for o in json.load(sys.stdin):
    if o["name"] == sys.argv[1]:
        v = o["value"]
        print(",".join(v) if isinstance(v, list) else v)' "$1" 2>/dev/null
}
B=$BUILD
if [ "$(build_option prefix)" != /usr ] || [ "$(build_option libdir)" != "$debian_libdir" ] ||
	[ "$(build_option b_sanitize)" != none ]; then
	# The procedure's own build: release, /usr, no tests.
	echo "# $BUILD is not a plain --prefix=/usr build; building $SRC in $T/build"
	B=$T/build
	if ! meson setup "$B" "$SRC" --prefix=/usr -Dbuildtype=release >"$T/setup.log" 2>&1 ||
		! ninja -C "$B" >"$T/build.log" 2>&1; then
		tail -20 "$T/setup.log" "$T/build.log" 2>/dev/null | sed 's/^/# /'
		bail "meson setup --prefix=/usr and ninja of $SRC failed"
	fi
fi
modkit_version=$(meson introspect --projectinfo "$B" | python3 -c \
	'import json, sys; print(json.load(sys.stdin)["version"])')

# --- install modkit over Debian's kmod --------------------------------------------------
if ! meson install -C "$B" --no-rebuild --quiet --destdir "$R" >"$T/install.log" 2>&1; then
	tail -20 "$T/install.log" | sed 's/^/# /'
	bail "meson install --destdir ROOT failed"
fi
# meson's record of what it wrote (what `ninja uninstall` removes), paths inside the root.
grep -v '^#' "$B/meson-logs/install-log.txt" | sed "s|^$R||" >"$T/installed"
in_root ldconfig
check "install: meson's install log lists /usr/bin/kmod" grep -qx /usr/bin/kmod "$T/installed"

in_root kmod --version >"$T/version-modkit" 2>&1
printf 'modkit version %s\n' "$modkit_version" >"$T/expect"
sed -n 3p "$T/version-modkit" >"$T/got"
check_eq "installed: kmod --version, third line names modkit" "$T/expect" "$T/got"
check "installed: kmod --version, first line is kmod 34.2" \
	grep -qx 'kmod version 34.2' "$T/version-modkit"
for tool in /sbin/depmod /sbin/modprobe /sbin/modinfo /sbin/insmod /sbin/rmmod /sbin/lsmod \
	/bin/lsmod; do
	in_root "$tool" --version >"$T/got" 2>&1
	check "installed: Debian's $tool runs modkit" grep -qx "modkit version $modkit_version" "$T/got"
done
lib_now=$(readlink -f "$R/usr/$debian_libdir/libkmod.so.2")
check "installed: libkmod.so.2 resolves to modkit's library" \
	grep -qx "${lib_now#"$R"}" "$T/installed"
in_root dpkg --verify kmod >"$T/verify-installed" 2>&1
check "installed: dpkg --verify sees /bin/kmod replaced" \
	grep -q '^??5?????? */bin/kmod$' "$T/verify-installed"

# --- depmod, modprobe, modinfo inside the root ---------------------------------------
in_root depmod "$KVER" >"$T/out" 2>"$T/err"
check "depmod $KVER: exit 0" test $? = 0
check "depmod $KVER: nothing on stdout or stderr" test ! -s "$T/out" -a ! -s "$T/err"
# (modkit's parse cache, modules.depmod-cache, is not one of kmod's files)
(cd "$R$MODDIR" && printf '%s\n' modules.*) | grep -vx 'modules.depmod-cache' | LC_ALL=C sort >"$T/got"
cat >"$T/expect" <<'EOF'
modules.alias
modules.alias.bin
modules.builtin
modules.builtin.alias.bin
modules.builtin.bin
modules.builtin.modinfo
modules.dep
modules.dep.bin
modules.devname
modules.order
modules.softdep
modules.symbols
modules.symbols.bin
modules.weakdep
EOF
check_eq "depmod: the files of kmod 34.2" "$T/expect" "$T/got"
cat >"$T/expect" <<'EOF'
kernel/lib/rk_core.ko:
kernel/lib/rk_codec.ko.xz: kernel/lib/rk_core.ko
kernel/lib/rk_crc.ko.gz:
kernel/fs/rkfs/rkfs.ko.zst: kernel/lib/rk_codec.ko.xz kernel/lib/rk_core.ko
kernel/drivers/char/rk_dev.ko:
EOF
check_eq "depmod: modules.dep" "$T/expect" "$R$MODDIR/modules.dep"
cat >"$T/expect" <<'EOF'
# Aliases extracted from modules themselves.
alias fs-rkfs rkfs
alias pci:v00001234d00005678sv*sd*bc*sc*i* rk_dev
alias devname:rkdev rk_dev
alias char-major-240-7 rk_dev
EOF
check_eq "depmod: modules.alias" "$T/expect" "$R$MODDIR/modules.alias"
cat >"$T/expect" <<'EOF'
# Soft dependencies extracted from modules themselves.
softdep rkfs pre: rk_crc
EOF
check_eq "depmod: modules.softdep" "$T/expect" "$R$MODDIR/modules.softdep"
cat >"$T/expect" <<'EOF'
# Weak dependencies extracted from modules themselves.
EOF
check_eq "depmod: modules.weakdep" "$T/expect" "$R$MODDIR/modules.weakdep"
# Symbol lines come in the order of depmod's symbol hash: compare them sorted.
cat >"$T/expect" <<'EOF'
# Aliases for symbols, used by symbol_request().
alias symbol:rk_codec_run rk_codec
alias symbol:rk_core_get rk_core
EOF
{ head -n1 "$R$MODDIR/modules.symbols"; tail -n +2 "$R$MODDIR/modules.symbols" | LC_ALL=C sort; } >"$T/got"
check_eq "depmod: modules.symbols" "$T/expect" "$T/got"
cat >"$T/expect" <<'EOF'
# Device nodes to trigger on-demand module loading.
rk_dev rkdev c240:7
EOF
check_eq "depmod: modules.devname" "$T/expect" "$R$MODDIR/modules.devname"
mkdir "$T/modkit-index"
cp "$R$MODDIR"/modules.{dep,alias,softdep,symbols,devname} "$T/modkit-index/"

in_root modprobe -S "$KVER" --show-depends rkfs >"$T/got" 2>"$T/err"
check "modprobe --show-depends rkfs: exit 0, no message" test $? = 0 -a ! -s "$T/err"
cat >"$T/expect" <<EOF
insmod $MODDIR/kernel/lib/rk_core.ko 
insmod $MODDIR/kernel/lib/rk_codec.ko.xz level=3 
insmod $MODDIR/kernel/lib/rk_crc.ko.gz 
insmod $MODDIR/kernel/fs/rkfs/rkfs.ko.zst 
EOF
check_eq "modprobe --show-depends rkfs: dependencies, options, soft dependency" \
	"$T/expect" "$T/got"
in_root modprobe -S "$KVER" --show-depends fs-rkfs >"$T/got2" 2>&1
check_eq "modprobe --show-depends fs-rkfs (alias): the same plan" "$T/expect" "$T/got2"
in_root modprobe -S "$KVER" -R 'pci:v00001234d00005678sv00000001sd00000002bc03sc00i00' \
	>"$T/got" 2>&1
echo rk_dev >"$T/expect"
check_eq "modprobe -R of a PCI modalias: the wildcard alias matches" "$T/expect" "$T/got"
in_root modprobe -S "$KVER" -R rk-any >"$T/got" 2>&1
check_eq "modprobe -R rk-any: alias from /etc/modprobe.d" "$T/expect" "$T/got"
in_root modprobe -S "$KVER" -R rk-builtin-alias >"$T/got" 2>&1
echo rk_builtin >"$T/expect"
check_eq "modprobe -R rk-builtin-alias: built-in alias" "$T/expect" "$T/got"
in_root modprobe -S "$KVER" --show-depends rk_builtin >"$T/got" 2>&1
echo 'builtin rk_builtin' >"$T/expect"
check_eq "modprobe --show-depends rk_builtin: built-in module" "$T/expect" "$T/got"

in_root modprobe -S "$KVER" -c >"$T/config" 2>"$T/err"
check "modprobe -c: exit 0, no message" test $? = 0 -a ! -s "$T/err"
for line in 'blacklist rk_dev' 'alias rk_any rk_dev' 'options rk_codec level=3' \
	'softdep rkfs pre: rk_crc' 'softdep uhci_hcd pre: ehci-hcd'; do
	check "modprobe -c: configuration has '$line'" grep -qxF "$line" "$T/config"
done
sed '1,/^# End of configuration files. Dumping indexes now:$/d' "$T/config" >"$T/got"
cat >"$T/expect" <<'EOF'

alias char_major_240_7 rk_dev
alias devname:rkdev rk_dev
alias fs_rkfs rkfs
alias pci:v00001234d00005678sv*sd*bc*sc*i* rk_dev
alias symbol:rk_codec_run rk_codec
alias symbol:rk_core_get rk_core
EOF
check_eq "modprobe -c: the index dump" "$T/expect" "$T/got"

in_root modinfo -k "$KVER" rk_codec >"$T/got" 2>"$T/err"
check "modinfo rk_codec: exit 0, no message" test $? = 0 -a ! -s "$T/err"
cat >"$T/expect" <<EOF
filename:       $MODDIR/kernel/lib/rk_codec.ko.xz
description:    replace-kmod test: codec
license:        GPL
name:           rk_codec
vermagic:       $KVER SMP preempt mod_unload modversions 
parm:           level:Compression level (int)
EOF
check_eq "modinfo rk_codec (.ko.xz): every field" "$T/expect" "$T/got"
in_root modinfo -k "$KVER" -F alias rk_dev >"$T/got" 2>&1
cat >"$T/expect" <<'EOF'
pci:v00001234d00005678sv*sd*bc*sc*i*
devname:rkdev
char-major-240-7
EOF
check_eq "modinfo -F alias rk_dev" "$T/expect" "$T/got"
in_root modinfo -k "$KVER" -F description fs-rkfs >"$T/got" 2>&1
echo 'replace-kmod test: filesystem' >"$T/expect"
check_eq "modinfo -F description fs-rkfs (alias, .ko.zst)" "$T/expect" "$T/got"
in_root modinfo -k "$KVER" -n rk_crc >"$T/got" 2>&1
echo "$MODDIR/kernel/lib/rk_crc.ko.gz" >"$T/expect"
check_eq "modinfo -n rk_crc (.ko.gz)" "$T/expect" "$T/got"
in_root modinfo -k "$KVER" rk_builtin >"$T/got" 2>&1
cat >"$T/expect" <<'EOF'
name:           rk_builtin
filename:       (builtin)
description:    replace-kmod test: built in
alias:          rk-builtin-alias
license:        GPL
EOF
check_eq "modinfo rk_builtin: built-in module" "$T/expect" "$T/got"

# --- go back to Debian's kmod ------------------------------------------------------------
# The procedure: remove what meson installed as `ninja uninstall` does (the files and
# symbolic links, then the directories it created that are empty now, deepest first), then
# reinstall Debian's packages (here from the .deb files debootstrap left in apt's cache).
while read -r f; do
	if [ -L "$R$f" ] || [ ! -d "$R$f" ]; then rm -f "$R$f"; fi
done <"$T/installed"
sort -r "$T/installed" | while read -r f; do
	if [ -d "$R$f" ] && [ ! -L "$R$f" ]; then rmdir --ignore-fail-on-non-empty "$R$f"; fi
done
in_root apt-get install -y -q --no-download --reinstall kmod libkmod2 >"$T/apt.log" 2>&1
status=$?
check "restore: apt-get install --reinstall kmod libkmod2 (from apt's cache)" test $status = 0
[ $status = 0 ] || tail -20 "$T/apt.log" | sed 's/^/# /'

in_root kmod --version >"$T/got" 2>&1
check_eq "restored: kmod --version is Debian's again" "$T/version-debian" "$T/got"
in_root /sbin/modprobe --version >"$T/got" 2>&1
check_eq "restored: /sbin/modprobe --version is Debian's again" "$T/version-debian" "$T/got"
in_root dpkg --verify kmod libkmod2 >"$T/got" 2>&1
check "restored: dpkg --verify kmod libkmod2 is clean" test $? = 0 -a ! -s "$T/got"
[ -s "$T/got" ] && sed 's/^/# /' "$T/got"
check "restored: libkmod.so.2 points to Debian's $debian_lib again" \
	test "$(readlink "$R/usr/$debian_libdir/libkmod.so.2")" = "$debian_lib"
# What is left of modkit's install must belong to a Debian package: dpkg knows files
# under their unmerged names (/bin, /sbin, /lib) or their /usr names.
left=
while read -r f; do
	[ -e "$R$f" ] || [ -L "$R$f" ] || continue
	alt=$f
	case $f in /usr/bin/* | /usr/sbin/* | /usr/lib/*) alt=${f#/usr} ;; esac
	in_root dpkg -S "$f" >/dev/null 2>&1 || in_root dpkg -S "$alt" >/dev/null 2>&1 ||
		left="$left $f"
done <"$T/installed"
check "restored: nothing of modkit's install left that no package owns" test -z "$left"
[ -z "$left" ] || echo "# left:$left"

# Debian's kmod 30 reads the indexes modkit's depmod wrote.
in_root modprobe -S "$KVER" --show-depends rkfs >"$T/got" 2>&1
cat >"$T/expect" <<EOF
insmod $MODDIR/kernel/lib/rk_core.ko 
insmod $MODDIR/kernel/lib/rk_codec.ko.xz level=3 
insmod $MODDIR/kernel/lib/rk_crc.ko.gz 
insmod $MODDIR/kernel/fs/rkfs/rkfs.ko.zst 
EOF
check_eq "restored: Debian's modprobe --show-depends rkfs on modkit's indexes" \
	"$T/expect" "$T/got"
in_root modprobe -S "$KVER" -R 'pci:v00001234d00005678sv00000001sd00000002bc03sc00i00' \
	>"$T/got" 2>&1
echo rk_dev >"$T/expect"
check_eq "restored: Debian's modprobe -R of a PCI modalias on modkit's indexes" \
	"$T/expect" "$T/got"

# Debian's depmod on the same tree writes the same text files as modkit's did
# (formats.md 2: kmod 30 and 34.2 agree on them), except that bookworm's kmod is built
# without zlib (its --version says -ZLIB) and leaves the .ko.gz module out.
rm -f "$R$MODDIR"/modules.{dep,alias,softdep,weakdep,symbols,devname}*
in_root depmod "$KVER" >"$T/out" 2>&1
check "restored: Debian's depmod $KVER: exit 0, no output" test $? = 0 -a ! -s "$T/out"
[ -s "$T/out" ] && sed 's/^/# /' "$T/out"
check "restored: Debian's kmod is built without zlib" grep -q -- '-ZLIB' "$T/version-debian"
grep -v '^kernel/lib/rk_crc\.ko\.gz:' "$T/modkit-index/modules.dep" >"$T/modkit-index/modules.dep-nogz"
check_eq "restored: Debian's modules.dep equals modkit's, without the .ko.gz module" \
	"$T/modkit-index/modules.dep-nogz" "$R$MODDIR/modules.dep"
for f in alias softdep symbols devname; do
	check_eq "restored: Debian's modules.$f equals modkit's" \
		"$T/modkit-index/modules.$f" "$R$MODDIR/modules.$f"
done

tap_finish
