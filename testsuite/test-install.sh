#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The installed product: `meson install --destdir` of a build tree into a temporary
# directory, compared entry by entry with testsuite/install-layout.txt (kmod 34.2's
# install layout); kmod.pc, libkmod.pc and the alias man pages; and the installed kmod
# tool running without modkit's libkmod.so.2: no DT_NEEDED on it, and the same
# results with LD_LIBRARY_PATH pointing at Debian's libkmod.so.2 or at an empty
# directory. Prints TAP.
#
# Usage: test-install.sh BUILD_DIR MKTREE
# (MKTREE: the build's testsuite/modkit-mktree; MESON may name the meson command.)
set -u
build=$(realpath "$1")
mktree=$2
srcdir=$(cd "$(dirname "$0")/.." && pwd)
source "$srcdir/testsuite/tap.sh"
meson=${MESON:-meson}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dest=$work/dest

echo "TAP version 13"

# ---- the build's configuration, as meson reports it ------------------------------------
# One "name=value" line per option; directories made absolute against the prefix.
if ! "$meson" introspect "$build" --buildoptions >"$work/options.json" 2>"$work/introspect.err"; then
	sed 's/^/# /' "$work/introspect.err"
	not_ok "meson introspect $build"
	tap_finish
fi
python3 - "$work/options.json" >"$work/options" <<'EOF' || not_ok "build options read"
import json, sys
opts = {o["name"]: o["value"] for o in json.load(open(sys.argv[1]))}
for name, value in sorted(opts.items()):
    if isinstance(value, list):
        value = ",".join(value)
    if isinstance(value, bool):
        value = "true" if value else "false"
    value = str(value)
    if "\n" not in value:
        print(f"{name}={value}")
EOF
opt() { sed -n "s/^$1=//p" "$work/options" | head -1; }
prefix=$(opt prefix)
absdir() { # absdir OPTION [DEFAULT]: the option's directory, absolute
	local v
	v=$(opt "$1")
	[ -z "$v" ] && v=${2:-}
	case $v in
	/*) ;;
	*) v=$prefix/$v ;;
	esac
	realpath -m "$v"
}
bindir=$(absdir bindir)
sbindir=$(absdir sbindir)
libdir=$(absdir libdir)
includedir=$(absdir includedir)
datadir=$(absdir datadir)
mandir=$(absdir mandir)
sysconfdir=$(absdir sysconfdir)
distconfdir=$(absdir distconfdir "$prefix/lib")
moduledir=$(opt moduledir)
# sbindir/<tool> -> <this>kmod: the way from sbindir to bindir
sbindir_to_bindir=$(realpath -m --relative-to="$sbindir" "$bindir")/
[ "$sbindir_to_bindir" = ./ ] && sbindir_to_bindir=
# Completions: an explicit directory, "no", or where the shell's own package says
# (pkg-config completionsdir) or its documented default.
completiondir() { # completiondir SHELL PKG DEFAULT
	local v
	v=$(opt "$1completiondir")
	if [ -z "$v" ]; then
		if [ -n "$2" ] && pkg-config --exists "$2" 2>/dev/null; then
			v=$(pkg-config --variable=completionsdir "$2")
		else
			v=$3
		fi
	fi
	echo "$v"
}
# zsh has no .pc: the usual directory this machine's zsh searches (Debian's
# vendor-completions, elsewhere site-functions), else one that exists.
zsh_dirs=(/usr/share/zsh/vendor-completions /usr/share/zsh/site-functions)
zsh_default=
if command -v zsh >/dev/null 2>&1; then
	zsh -fc 'print -rl -- $fpath' >"$work/fpath" 2>/dev/null
	for c in "${zsh_dirs[@]}"; do
		grep -qxF "$c" "$work/fpath" && zsh_default=$c && break
	done
fi
if [ -z "$zsh_default" ]; then
	for c in "${zsh_dirs[@]}"; do
		[ -d "$c" ] && zsh_default=$c && break
	done
fi
[ -z "$zsh_default" ] && zsh_default=$prefix/share/zsh/site-functions
bashcompletiondir=$(completiondir bash bash-completion "$datadir/bash-completion/completions")
zshcompletiondir=$(completiondir zsh '' "$zsh_default")
fishcompletiondir=$(completiondir fish fish "$datadir/fish/vendor_completions.d")

# Which optional parts this configuration installs ([tag] in install-layout.txt).
tags=" "
[ "$(opt tools)" = true ] && tags+="tools "
[ "$(opt manpages)" = true ] && tags+="manpages "
[ "$bashcompletiondir" != no ] && tags+="bash "
[ "$zshcompletiondir" != no ] && tags+="zsh "
[ "$fishcompletiondir" != no ] && tags+="fish "
[ "$(opt docs)" = true ] && tags+="docs "
echo "# install tree of $build: prefix=$prefix, parts:$tags"

# ---- install ----------------------------------------------------------------------------
if ! "$meson" install -C "$build" --destdir "$dest" --no-rebuild >"$work/install.log" 2>&1; then
	tail -20 "$work/install.log" | sed 's/^/# /'
	not_ok "meson install --destdir"
	tap_finish
fi
ok "meson install --destdir"

# ---- the tree, entry by entry -----------------------------------------------------------
# expected: the list with this build's directories, entries of absent parts dropped
while read -r first rest; do
	case $first in
	'' | '#'*) continue ;;
	'['*']')
		case $tags in *" ${first:1:-1} "*) ;; *) continue ;; esac
		line=$rest
		;;
	*) line="$first $rest" ;;
	esac
	line=${line//@bindir@/$bindir}
	line=${line//@sbindir@/$sbindir}
	line=${line//@sbindir_to_bindir@/$sbindir_to_bindir}
	line=${line//@libdir@/$libdir}
	line=${line//@includedir@/$includedir}
	line=${line//@datadir@/$datadir}
	line=${line//@mandir@/$mandir}
	line=${line//@sysconfdir@/$sysconfdir}
	line=${line//@distconfdir@/$distconfdir}
	line=${line//@bashcompletiondir@/$bashcompletiondir}
	line=${line//@zshcompletiondir@/$zshcompletiondir}
	line=${line//@fishcompletiondir@/$fishcompletiondir}
	echo "$line"
done <"$srcdir/testsuite/install-layout.txt" | tr -s ' ' | sort >"$work/expected"

# actual: every file (exec when any x bit is set), symlink with its target, empty dir
(
	cd "$dest" || exit 1
	find . -mindepth 1 \( -type l -printf 'link /%P %l\n' \) \
		-o \( -type f -perm /111 -printf 'exec /%P\n' \) \
		-o \( -type f -printf 'file /%P\n' \) \
		-o \( -type d -empty -printf 'dir /%P\n' \) \
		-o \( ! -type d -printf 'other /%P\n' \)
) | sort >"$work/actual.all"
# a "tree DIR" entry stands for everything under DIR (generated sets of files)
sed -n 's/^tree //p' "$work/expected" >"$work/trees"
while read -r kind path rest; do
	t=
	while read -r d; do
		case $path in "$d"/*) t=$d && break ;; esac
	done <"$work/trees"
	if [ -n "$t" ]; then echo "tree $t"; else echo "$kind $path${rest:+ $rest}"; fi
done <"$work/actual.all" | sort -u >"$work/actual"
comm -23 "$work/expected" "$work/actual" >"$work/missing"
comm -13 "$work/expected" "$work/actual" >"$work/extra"
if [ -s "$work/missing" ]; then
	not_ok "every entry of install-layout.txt installed"
	sed 's/^/# missing: /' "$work/missing"
else
	ok "every entry of install-layout.txt installed ($(wc -l <"$work/expected") entries)"
fi
if [ -s "$work/extra" ]; then
	not_ok "nothing installed that install-layout.txt does not list"
	sed 's/^/# unlisted: /' "$work/extra"
else
	ok "nothing installed that install-layout.txt does not list"
fi

# ---- pkg-config files -------------------------------------------------------------------
# kmod.pc as kmod 34.2 writes it: its directories, then the signature formats and the
# module compressions this build reads (the line left out when there is none).
has_feature() { # has_feature OPTION PKG: the option enabled, or auto and PKG present
	case $(opt "$1") in
	enabled) return 0 ;;
	disabled) return 1 ;;
	*) pkg-config --exists "$2" 2>/dev/null ;;
	esac
}
compressions=
has_feature zstd libzstd && compressions+=" zstd"
has_feature xz liblzma && compressions+=" xz"
has_feature zlib zlib && compressions+=" zlib"
signatures=legacy
has_feature openssl libcrypto && signatures="PKCS7 legacy"
case $includedir in
"$prefix"/*) pc_includedir="\${prefix}${includedir#"$prefix"}" ;;
*) pc_includedir=$includedir ;;
esac
{
	printf 'prefix=%s\nincludedir=%s\n\n' "$prefix" "$pc_includedir"
	printf 'sysconfdir=%s\ndistconfdir=%s\nmodule_directory=%s\n' \
		"$sysconfdir" "$distconfdir" "$moduledir"
	printf 'module_signatures=%s\n' "$signatures"
	[ -n "$compressions" ] && printf 'module_compressions=%s\n' "${compressions# }"
	printf '\nName: kmod\nDescription: Tools to deal with kernel modules\n'
	printf 'Version: 34.2\nCflags: -I${includedir}\n'
} >"$work/kmod.pc"
if [ -f "$dest$datadir/pkgconfig/kmod.pc" ]; then
	check_eq "kmod.pc: kmod 34.2's variables with this build's values" \
		"$work/kmod.pc" "$dest$datadir/pkgconfig/kmod.pc"
	v=$(PKG_CONFIG_PATH="$dest$datadir/pkgconfig" pkg-config --variable=module_signatures kmod)
	check "kmod.pc read by pkg-config (module_signatures=$v)" test "$v" = "$signatures"
else
	not_ok "kmod.pc installed in $datadir/pkgconfig"
fi
libpc=$dest$libdir/pkgconfig
if [ -f "$libpc/libkmod.pc" ]; then
	v=$(PKG_CONFIG_PATH="$libpc" pkg-config --modversion libkmod)
	check "libkmod.pc: version 34.2 (got $v)" test "$v" = 34.2
	v=$(PKG_CONFIG_PATH="$libpc" pkg-config --variable=libdir libkmod)
	check "libkmod.pc: libdir $libdir (got $v)" test "$v" = "$libdir"
	v=$(PKG_CONFIG_PATH="$libpc" pkg-config --variable=includedir libkmod)
	check "libkmod.pc: includedir $includedir (got $v)" test "$v" = "$includedir"
	v=$(PKG_CONFIG_PATH="$libpc" pkg-config --libs-only-l libkmod)
	v=${v%% }
	check "libkmod.pc: links -lkmod (got $v)" test "$v" = -lkmod
else
	not_ok "libkmod.pc installed in $libdir/pkgconfig"
fi
v=$(readelf -d "$dest$libdir/libkmod.so.2.5.1" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
check "libkmod.so.2.5.1 has soname libkmod.so.2 (got $v)" test "$v" = libkmod.so.2

# ---- alias man pages --------------------------------------------------------------------
if [[ $tags == *" manpages "* ]]; then
	for p in modprobe.conf:modprobe.d modules.dep.bin:modules.dep; do
		printf '.so %s.5\n' "${p#*:}" >"$work/alias"
		check_eq "man5/${p%%:*}.5 sources ${p#*:}.5" "$work/alias" \
			"$dest$mandir/man5/${p%%:*}.5"
	done
fi

# ---- the installed tool without modkit's library ----------------------------------------
if [[ $tags != *" tools "* ]]; then
	tap_finish
fi
kmod=$dest$bindir/kmod
readelf -d "$kmod" >"$work/dynamic" 2>&1
if grep -q 'NEEDED.*libkmod' "$work/dynamic"; then
	not_ok "installed kmod has no DT_NEEDED on libkmod"
	grep NEEDED "$work/dynamic" | sed 's/^/# /'
else
	ok "installed kmod has no DT_NEEDED on libkmod"
fi
check "installed kmod has no RPATH/RUNPATH" \
	bash -c '! grep -q -E "\((RPATH|RUNPATH)\)" "$1"' _ "$work/dynamic"
readelf -V --dyn-syms -W "$kmod" >"$work/versions" 2>&1
check "installed kmod neither exports kmod_* nor references LIBKMOD_* versions" \
	bash -c '! grep -q -E " kmod_[a-z_]+(@|$)|LIBKMOD_" "$1"' _ "$work/versions"

# The tool names run below reach this kmod, not one installed elsewhere.
for t in depmod insmod lsmod modinfo modprobe rmmod; do
	check "sbin/$t resolves to the installed kmod" \
		test "$(readlink -f "$dest$sbindir/$t")" = "$(readlink -f "$kmod")"
done

# A tree the tools index and read: b needs a's symbol.
kver=1.0.0-install
cat >"$work/tree.spec" <<EOF
kver $kver
module kernel/a.ko
  modinfo alias=a-alias
  export a_fn
module kernel/b.ko
  undef a_fn
modules-order
EOF
mkdir -p "$work/empty-lib" "$work/no-config"
libdirs=("empty:$work/empty-lib")
debian_so=$(dpkg -L libkmod2 2>/dev/null | grep '/libkmod\.so\.2$' | head -1)
if [ -n "$debian_so" ] && [ -e "$debian_so" ]; then
	mkdir -p "$work/debian-lib"
	cp -L "$debian_so" "$work/debian-lib/libkmod.so.2"
	libdirs+=("debian:$work/debian-lib")
else
	skip "kmod runs next to Debian's libkmod.so.2" "Debian package libkmod2 not installed"
fi
for entry in "${libdirs[@]}"; do
	name=${entry%%:*}
	ldp=${entry#*:}
	desc="LD_LIBRARY_PATH=<$name libkmod dir>"
	run() { env -u LD_PRELOAD LD_LIBRARY_PATH="$ldp" "$@"; }

	run "$kmod" --version >"$work/version" 2>&1
	check "$desc: kmod --version prints kmod version 34.2" \
		test "$(head -1 "$work/version")" = "kmod version 34.2"

	root=$work/root-$name
	"$mktree" "$work/tree.spec" "$root" >/dev/null || not_ok "$desc: tree built"
	# the tool names, through their installed relative symlinks
	run "$dest$sbindir/depmod" -b "$root" "$kver" >"$work/depmod.out" 2>&1
	check "$desc: sbin/depmod -b indexes the tree" test -s "$root$moduledir/$kver/modules.dep.bin"
	printf 'insmod %s \ninsmod %s \n' "$root$moduledir/$kver/kernel/a.ko" \
		"$root$moduledir/$kver/kernel/b.ko" >"$work/exp.show"
	run "$dest$sbindir/modprobe" -d "$root" -S "$kver" -C "$work/no-config" --show-depends b \
		>"$work/show" 2>&1
	check_eq "$desc: sbin/modprobe --show-depends b" "$work/exp.show" "$work/show"
	echo a-alias >"$work/exp.alias"
	run "$dest$sbindir/modinfo" -b "$root" -k "$kver" -F alias a >"$work/alias" 2>&1
	check_eq "$desc: sbin/modinfo -F alias a" "$work/exp.alias" "$work/alias"
done

tap_finish
