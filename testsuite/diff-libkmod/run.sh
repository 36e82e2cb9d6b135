#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Differential test of the library against Debian's libkmod (kmod 30), TAP output.
#
# Usage: run.sh DEBIAN_PROG MODKIT_PROG
#   the same program (lookup-dump.c) linked against Debian's libkmod and ours.
#
# On a copy of the Debian 6.1 module tree indexed by Debian's own depmod (kmod 30
# layout), both programs look up every module name, every built-in name, 2,000
# modalias strings (the 500 of the kmod 34.2 reference's sample-aliases.txt plus
# strings instantiated from modules.alias patterns), a sample of symbol: queries
# and the names of diff.conf, with and without kmod_load_resources(); the outputs
# must be identical. The tree is $MODKIT_DEBIAN_ROOT when set, else what
# testsuite/debian-tree.sh provides (it downloads and caches the package).
# Missing prerequisites fail the test (never a skip): the tree, Debian's depmod and
# zstd. Only the kmod 34.2 reference (shared data outside this tree) may be absent:
# its two checks then report "# SKIP".
set -u
debian_prog=$1
modkit_prog=$2
kver=6.1.0-50-amd64
here=$(cd "$(dirname "$0")" && pwd)
src=${MODKIT_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
refroot=$src/testsuite/reference
build=${MODKIT_BUILD_ROOT:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=testsuite/tap.sh
source "$src/testsuite/tap.sh"

pkg=linux-image-6.1.0-50-amd64=6.1.176-1

# Debian's tools and libraries only: nothing of our build may be picked up.
# (leak reports about Debian's library are not ours to judge, under ASan builds)
sys() { env -u LD_LIBRARY_PATH -u LD_PRELOAD ASAN_OPTIONS=detect_leaks=0 "$@"; }

echo "TAP version 13"
need_debian_tree root
[ -d "$root/lib/modules/$kver/kernel" ] ||
	bail "no $root/lib/modules/$kver/kernel: not the unpacked $pkg"
have_kmod_oracle ||
	bail "/sbin/depmod is missing: Debian's kmod package (.ci/deps.sh) indexes the $pkg tree"
command -v zstd >/dev/null || bail "zstd is missing (package zstd: run .ci/deps.sh)"

# A copy (hard links where possible) so that depmod can write its indexes.
mkdir -p "$work/root/lib/modules"
cp -al "$root/lib/modules/$kver" "$work/root/lib/modules/" 2>/dev/null ||
	cp -r "$root/lib/modules/$kver" "$work/root/lib/modules/"
moddir=$work/root/lib/modules/$kver
rm -f "$moddir"/modules.*.bin "$moddir"/modules.dep "$moddir"/modules.alias \
	"$moddir"/modules.symbols "$moddir"/modules.softdep "$moddir"/modules.devname
if ! sys /sbin/depmod -b "$work/root" "$kver" 2>"$work/depmod.err"; then
	sed 's/^/# /' "$work/depmod.err"
	bail "Debian's depmod failed on the $pkg tree"
fi
# A soft dependency file the way modules.softdep is: part of the configuration.
echo "softdep 8139too pre: mii" >>"$moddir/modules.softdep"


# ---- queries ------------------------------------------------------------------
q=$work/queries
# every module, spelled as its file name (dashes kept: the lookup normalises)
sed 's/:.*//; s|.*/||; s/\.ko.*//' "$moddir/modules.dep" >"$q"
nmod=$(wc -l <"$q")
# built-in modules
sed 's|.*/||; s/\.ko$//' "$moddir/modules.builtin" >>"$q"
# modalias strings: the reference sample, then instances of patterns
: >"$work/aliases"
if [ -f "$refroot/$kver/tools/sample-aliases.txt.zst" ]; then
	zstd -dc "$refroot/$kver/tools/sample-aliases.txt.zst" >"$work/aliases"
fi
nsample=$(wc -l <"$work/aliases")
npat=$(grep -c '^alias ' "$moddir/modules.alias")
want=$((2000 - nsample))
# Deterministic instantiation: '*' becomes "" or "1A" (alternating lines), '?'
# becomes 'z', a [...] class its first member ('@' for a negated class).
grep '^alias ' "$moddir/modules.alias" | awk -v want="$want" -v total="$npat" '
function inst(p, filler,   out, i, c, j, cls) {
	out = ""
	for (i = 1; i <= length(p); i++) {
		c = substr(p, i, 1)
		if (c == "*") { out = out filler }
		else if (c == "?") { out = out "z" }
		else if (c == "[") {
			j = index(substr(p, i + 1), "]")
			if (j == 0) { out = out c; continue }
			cls = substr(p, i + 1, j - 1)
			if (substr(cls, 1, 1) == "!" || substr(cls, 1, 1) == "^") out = out "@"
			else out = out substr(cls, 1, 1)
			i += j
		} else { out = out c }
	}
	return out
}
{
	# spread the picks evenly over the file
	if (int(NR * want / total) != int((NR - 1) * want / total))
		print inst($2, (NR % 2) ? "" : "1A")
}' >>"$work/aliases"
naliases=$(wc -l <"$work/aliases")
cat "$work/aliases" >>"$q"
# every 40th exported symbol
awk 'NR % 40 == 2 && $1 == "alias" { print $2 }' "$moddir/modules.symbols" >>"$q"
cat "$here/extra-queries.txt" >>"$q"
nq=$(wc -l <"$q")

if [ "$naliases" -eq 2000 ] && [ "$nmod" -gt 4000 ]; then
	ok "queries: $nq ($nmod modules, $naliases modaliases of which $nsample sampled)"
else
	not_ok "queries: $nmod modules, $naliases modaliases (want 2000)"
fi

# ---- run both ----------------------------------------------------------------
for mode in noload load; do
	sys "$debian_prog" "$moddir" "$here/modprobe.d" "$q" "$mode" \
		>"$work/debian.$mode" 2>"$work/debian.$mode.err"
	echo "exit: $?" >>"$work/debian.$mode"
	"$modkit_prog" "$moddir" "$here/modprobe.d" "$q" "$mode" \
		>"$work/modkit.$mode" 2>"$work/modkit.$mode.err"
	echo "exit: $?" >>"$work/modkit.$mode"

	if cmp -s "$work/debian.$mode" "$work/modkit.$mode"; then
		ok "$mode: lookups, dependencies, options, softdeps, filters, dumps identical ($(wc -l <"$work/modkit.$mode") lines)"
	else
		not_ok "$mode: outputs differ"
		diff -u "$work/debian.$mode" "$work/modkit.$mode" | head -60 | sed 's/^/# /'
	fi
	# the library's error messages (stderr) must agree as well; Debian's build
	# also prints the source position ("ERROR ../libkmod/x.c:712 fn:"), which
	# kmod 34.2's default logger does not ("ERROR: fn:")
	sed -i 's/^\(libkmod: [A-Z]*\) [^ ]*:[0-9]* /\1: /' "$work/debian.$mode.err"
	if cmp -s "$work/debian.$mode.err" "$work/modkit.$mode.err"; then
		ok "$mode: stderr identical ($(wc -l <"$work/modkit.$mode.err") lines)"
	else
		not_ok "$mode: stderr differs"
		diff -u "$work/debian.$mode.err" "$work/modkit.$mode.err" | head -30 | sed 's/^/# /'
	fi
done

# The comparison means something only if lookups found things.
found=$(grep -c '^  path: /' "$work/modkit.noload")
aliased=$(awk '/^### /{q=$2} /^lookup: 0/{getline; if ($0 ~ /^ /) n++} END{print n+0}' "$work/modkit.noload")
if [ "$found" -gt 4000 ] && [ "$aliased" -gt 5000 ]; then
	ok "coverage: $found modules with a path, $aliased queries resolved"
else
	not_ok "coverage too low: $found modules with a path, $aliased queries resolved"
fi

# Both programs must really run on different libraries.
lib_deb=$(sys ldd "$debian_prog" | awk '/libkmod\.so\.2/ { print $3 }')
lib_ours=$(ldd "$modkit_prog" | awk '/libkmod\.so\.2/ { print $3 }')
if [ -n "$lib_deb" ] && [ -n "$lib_ours" ] && [ "$(readlink -f "$lib_deb")" != "$(readlink -f "$lib_ours")" ] &&
	{ [ -z "$build" ] || [ "$(readlink -f "$lib_ours")" = "$(readlink -f "$build/lib/libkmod.so.2")" ]; }; then
	ok "libraries: $lib_deb vs $lib_ours"
else
	not_ok "libraries: '$lib_deb' vs '$lib_ours'"
fi

# Straight against kmod 34.2: its modprobe --resolve-alias output for the 500
# sampled modaliases (no configuration) lists the names the lookup finds.
ref=$refroot/$kver/tools/resolve-alias.txt.zst
if [ -f "$ref" ]; then
	mkdir -p "$work/emptyconf"
	head -n "$nsample" "$work/aliases" >"$work/sample"
	"$modkit_prog" "$moddir" "$work/emptyconf" "$work/sample" names >"$work/names" 2>&1
	zstd -dc "$ref" >"$work/names.ref"
	if cmp -s "$work/names.ref" "$work/names"; then
		ok "kmod 34.2 reference: $(grep -c '^###' "$work/names") modalias lookups identical"
	else
		not_ok "kmod 34.2 reference: lookups differ"
		diff -u "$work/names.ref" "$work/names" | head -30 | sed 's/^/# /'
	fi
else
	skip "kmod 34.2 reference: modalias lookups" "no $ref"
fi

# modprobe -c of kmod 34.2 ends with the dumps of modules.alias.bin and
# modules.symbols.bin (config aliases first: none with an empty configuration).
ref=$refroot/$kver/tools/showconfig.txt.zst
if [ -f "$ref" ]; then
	zstd -dc "$ref" | grep '^alias ' >"$work/dump.ref"
	awk '/^### dump /{d=$3; next} /^dump: /{d=""; next} d==1||d==2' "$work/modkit.noload" >"$work/dump"
	if [ -s "$work/dump" ] && cmp -s "$work/dump.ref" "$work/dump"; then
		ok "kmod 34.2 reference: alias and symbol dumps identical ($(wc -l <"$work/dump") lines)"
	else
		not_ok "kmod 34.2 reference: alias and symbol dumps differ"
		diff -u "$work/dump.ref" "$work/dump" | head -30 | sed 's/^/# /'
	fi
else
	skip "kmod 34.2 reference: alias and symbol dumps" "no $ref"
fi

tap_finish
