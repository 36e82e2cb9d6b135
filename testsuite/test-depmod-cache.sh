#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# depmod's parse cache (modules.depmod-cache, src/depmod-cache.c). Every run with the
# cache is compared with a run without it (--no-cache, its indexes written elsewhere
# with -o): exit status, stdout, stderr and every index, byte for byte.
#
#  - a random but reproducible sequence of changes to a generated tree: modules added,
#    removed, rewritten (in place or replaced, some the same size with the old mtime
#    put back), touched, renamed, recompressed; modules.order and an index edited;
#  - a cache that is damaged (a byte flipped in the header or the records), truncated,
#    of the other byte order, of an old version, or made of records that do not fit
#    (checksums made valid again) is ignored and written anew;
#  - what makes a module parsed again (its key), what keeps an index (its file intact),
#    messages, -n and failed runs writing nothing, --no-cache and the environment
#    variable, -o, a decompressor missing at run time.
#
# The cache reports what it did on stderr when MODKIT_DEPMOD_CACHE_STATS is set:
#   depmod: cache: <state>; <n> reused, <n> parsed, <n> stored; <n> indexes kept[, ...]
# MODKIT_TEST_SEED chooses the random sequence (printed).
#
# Usage: test-depmod-cache.sh DEPMOD MKTREE MODGEN NODLOPEN XZ_STATE
#   XZ_STATE: dlopen, linked or off (how this build reads .ko.xz)
set -u
depmod=$(realpath -s "$1")
mktree=$2
modgen=$3
nodlopen=$4
xz_state=$5
kver=4.5.6-cache
source "${MODKIT_SOURCE_ROOT:-$(dirname "$0")/..}/testsuite/tap.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the keys are taken while the tree is written: let no other test's files interfere
export MODKIT_DEPMOD_CACHE_STATS=1
unset MODKIT_DEPMOD_NO_CACHE

echo "TAP version 13"

indexes="modules.dep modules.dep.bin modules.alias modules.alias.bin modules.softdep
modules.weakdep modules.symbols modules.symbols.bin modules.builtin.bin
modules.builtin.alias.bin modules.devname"

moddir() { echo "$work/$1/lib/modules/$kver"; }
cachefile() { echo "$(moddir "$1")/modules.depmod-cache"; }

# run NAME ROOT [ARGS...]: depmod with the cache on ROOT; NAME.{out,err,rc,stats}
run() {
	local name=$1 root=$2
	shift 2
	"$depmod" "$@" -b "$work/$root" "$kver" >"$work/$name.out" 2>"$work/$name.err.raw"
	echo $? >"$work/$name.rc"
	grep '^depmod: cache: ' "$work/$name.err.raw" >"$work/$name.stats"
	grep -v '^depmod: cache: ' "$work/$name.err.raw" >"$work/$name.err"
}

# reference NAME ROOT [ARGS...]: the same without cache, indexes under $work/ref-NAME
reference() {
	local name=$1 root=$2
	shift 2
	rm -rf "$work/ref-$name"
	mkdir -p "$work/ref-$name"
	"$depmod" --no-cache "$@" -b "$work/$root" -o "$work/ref-$name" "$kver" \
		>"$work/$name.ref.out" 2>"$work/$name.ref.err"
	echo $? >"$work/$name.ref.rc"
}

# same_as_reference NAME ROOT: status, stdout, stderr and every index alike
same_as_reference() {
	local name=$1 root=$2 f bad=
	cmp -s "$work/$name.rc" "$work/$name.ref.rc" || bad="$bad status"
	cmp -s "$work/$name.out" "$work/$name.ref.out" || bad="$bad stdout"
	# paths differ only in the output directory, which no message names on success
	cmp -s "$work/$name.err" "$work/$name.ref.err" || bad="$bad stderr"
	# a failed run writes nothing: its old indexes are not the reference's (none)
	[ "$(cat "$work/$name.rc")" = 0 ] || indexes_to_compare=
	for f in ${indexes_to_compare-$indexes}; do
		if [ -e "$(moddir "$root")/$f" ] || [ -e "$work/ref-$name/lib/modules/$kver/$f" ]; then
			cmp -s "$(moddir "$root")/$f" "$work/ref-$name/lib/modules/$kver/$f" ||
				bad="$bad $f"
		fi
	done
	unset indexes_to_compare
	if [ -n "$bad" ]; then
		echo "# differs from the run without cache:$bad"
		diff "$work/$name.ref.err" "$work/$name.err" | head -10 | sed 's/^/# /'
		return 1
	fi
	[ ! -e "$work/ref-$name/lib/modules/$kver/modules.depmod-cache" ] || {
		echo "# --no-cache wrote a cache"
		return 1
	}
}

# both NAME ROOT [ARGS...]: run with cache, then without; compare
both() {
	local name=$1 root=$2
	shift 2
	run "$name" "$root" "$@"
	reference "$name" "$root" "$@"
	check "$name: as without cache" same_as_reference "$name" "$root"
}

# age ROOT SECONDS: waits until the newest ctime of ROOT's modules is SECONDS in the past
# (by the real-time clock; a ctime cannot be set back, only waited for)
age() {
	python3 - "$(moddir "$1")" "$2" <<'EOF'
import os, sys, time
root, secs = sys.argv[1], float(sys.argv[2])
newest = max(os.stat(os.path.join(d, f)).st_ctime
             for d, _, files in os.walk(root) for f in files if '.ko' in f)
time.sleep(max(0.0, newest + secs - time.time()))
EOF
}

# stats_match NAME REGEX: the cache's line of run NAME
stats_match() {
	grep -qE "$2" "$work/$1.stats" || {
		echo "# cache line: $(cat "$work/$1.stats")"
		return 1
	}
}

# settle ROOT: waits until the file system's clock, as a new file's ctime shows, is
# past the ctime of every module of ROOT, so that the next run may store them all
# (it stores no module changed within the current tick of that clock)
settle() {
	python3 - "$(moddir "$1")" <<'EOF'
import os, sys, time
root = sys.argv[1]
newest = max(os.stat(os.path.join(d, f)).st_ctime_ns
             for d, _, files in os.walk(root) for f in files if '.ko' in f)
probe = os.path.join(root, '.settle-probe')
for _ in range(5000):
    open(probe, 'w').close()
    now = os.stat(probe).st_ctime_ns
    os.unlink(probe)
    if now > newest:
        sys.exit(0)
    time.sleep(0.001)
sys.exit(1)
EOF
}

# fingerprint DIR: names, sizes, mtimes and contents of every file below DIR
fingerprint() {
	(cd "$1" && find . -type f -printf '%p %s %T@\n' | sort && find . -type f -print0 |
		sort -z | xargs -0 md5sum)
}

# readable_ext SUFFIX: SUFFIX, or .ko for a compression this build cannot read (a
# depmod without the decompressor fails on such a module by design: test-nodecomp.sh)
readable_ext() {
	case $1 in
	.ko.xz) have_feature xz || set -- .ko ;;
	.ko.zst) have_feature zstd || set -- .ko ;;
	.ko.gz) have_feature zlib || set -- .ko ;;
	esac
	echo "$1"
}

# ---- a generated tree ------------------------------------------------------------------
# Modules m1..m12 in three directories, some compressed; mN exports sN_a and sN_b and
# may import symbols of lower-numbered modules (no cycles).
base_spec() {
	local i dir ext
	echo "kver $kver"
	for i in $(seq 1 12); do
		dir=kernel/d$((i % 3))
		case $((i % 4)) in
		0) ext=.ko.xz ;;
		1) ext=.ko ;;
		2) ext=.ko.zst ;;
		3) ext=.ko.gz ;;
		esac
		echo "module $dir/m$i$(readable_ext $ext)"
		echo "  modinfo alias=pci:v0000$((1000 + i))d*sv*sd*bc*sc*i*"
		echo "  modinfo alias=m$i-alias"
		[ $((i % 5)) = 0 ] && echo "  modinfo softdep=pre: m1"
		[ $((i % 6)) = 0 ] && echo "  modinfo weakdep=m2"
		[ $i = 7 ] && echo "  modinfo alias=devname:m7dev" && echo "  modinfo alias=char-major-10-$((200 + i))"
		echo "  export s${i}_a 0x$((1000 + i))"
		echo "  export s${i}_b 0x$((2000 + i))"
		[ $i -gt 1 ] && echo "  undef s$((i - 1))_a"
		[ $i -gt 3 ] && echo "  undef s$((i / 2))_b"
		[ $i = 9 ] && echo "  weak nowhere_weak"
		[ $i = 4 ] && echo "  modinfo alias=bad[bracket"
		[ $i = 8 ] && echo "  modinfo alias=devname:lonely"
	done
	echo "file lib/modules/@KVER@/modules.order"
	for i in 3 1 2 5 4; do echo "kernel/d$((i % 3))/m$i.ko"; done
	echo "end"
	echo "file lib/modules/@KVER@/modules.builtin"
	echo "kernel/fs/ext4/ext4.ko"
	echo "9invalid/line.ko"
	echo "end"
}
make_tree() { # make_tree NAME
	base_spec >"$work/$1.spec"
	"$mktree" -K "$kver" "$work/$1.spec" "$work/$1"
}

# gen FILE NAME SEED: a module FILE (compression from its suffix) made from SEED
gen() {
	local file=$1 name=$2 seed=$3 n args=()
	n=${name#m}
	args+=(-m "alias=$name-v$((seed % 7))" -m "alias=usb:v$((seed % 9))p*d*")
	[ $((seed % 3)) = 0 ] && args+=(-m "softdep=post: m1")
	[ $((seed % 5)) = 0 ] && args+=(-m "alias=bad[bracket$seed")
	args+=(-x "s${n}_a:$seed" -x "s${n}_b:$((seed + 1))")
	[ $((seed % 2)) = 0 ] && args+=(-x "s${n}_extra$((seed % 4))")
	if [ "$n" -gt 1 ] 2>/dev/null; then
		args+=(-u "s$(((seed % (n - 1)) + 1))_a")
	fi
	[ $((seed % 4)) = 1 ] && args+=(-u "unknown_$seed")
	"$modgen" -n "$name" "${args[@]}" "$file"
}

# ============================================================================================
# basics
make_tree t && settle t || not_ok "tree built"
both first t
check "first run: no cache yet, every module stored" \
	stats_match first '^depmod: cache: none; 0 reused, 12 parsed, 12 stored; 0 indexes kept$'
check "the cache is a modules.* file of the module dir" test -f "$(cachefile t)"
both second t
check "second run: every module from the cache, the indexes kept, no resolve" \
	stats_match second '^depmod: cache: read 12 records; 12 reused, 0 parsed, 12 stored; 11 indexes kept, resolve skipped$'
both second-v t -v
check "-v: the resolve stage runs (its lines are printed)" \
	stats_match second-v '; 7 indexes kept$'
check "-v: the dependency lines are there" grep -q 'needs "s' "$work/second-v.out"
both second-w t -w
check "-w: the alias indexes are written again (duplicate warnings come from writing)" \
	stats_match second-w '; 9 indexes kept, resolve skipped$'
check "kept modules.alias.bin: its unmatched-bracket warning is given all the same" \
	grep -q 'Unmatched bracket in bad\[bracket' "$work/second.err"
check "kept modules.devname: its error is given all the same" \
	grep -q "Module 'm8' has devname (lonely) but lacks major and minor" "$work/second.err"
check "kept modules.builtin.bin: its errors are given all the same" \
	grep -q 'Invalid modules.builtin line: 9invalid' "$work/second.err"
check "kept modules.builtin.alias.bin: its warnings are given all the same" \
	grep -q 'could not open modules.builtin.modinfo' "$work/second.err"

# ---- the key: what makes a module parsed again ----------------------------------------
d=$(moddir t)
# warm: every module stored, then one change, settled, and the run looked at
warm() { settle t && run warm t; }
warm
touch "$d/kernel/d1/m1.ko"
settle t
both touched t
check "touch: the module is parsed again" stats_match touched '11 reused, 1 parsed'

# same size, same mtime, other contents: only the ctime tells
m=$d/kernel/d1/m1.ko
old_mtime=$(stat -c %Y.%N "$m" | cut -d. -f1)
old_ns=$(stat -c %y "$m")
warm
sed 's/m1-alias/m1-ALIAS/' "$m" >"$work/m1.new"
check "same-size rewrite: test module has the same size" \
	test "$(stat -c %s "$work/m1.new")" = "$(stat -c %s "$m")"
cat "$work/m1.new" >"$m"
touch -d "$old_ns" "$m"
settle t
check "same-size rewrite: mtime put back" test "$(stat -c %Y "$m")" = "$old_mtime"
both samesize t
check "same-size rewrite with the old mtime: parsed again" stats_match samesize '11 reused, 1 parsed'
check "same-size rewrite: the new alias is indexed" grep -q '^alias m1-ALIAS m1$' "$d/modules.alias"

warm
mv "$d/kernel/d2/m5.ko" "$d/kernel/d0/m5.ko"
settle t
both renamed t
check "moved to another directory: parsed again" stats_match renamed '11 reused, 1 parsed'
check "moved: modules.dep has the new path" grep -q '^kernel/d0/m5.ko:' "$d/modules.dep"

if have_feature zlib && have_feature xz; then
	warm
	gzip -dc "$d/kernel/d0/m3.ko.gz" | xz --check=crc32 >"$d/kernel/d0/m3.ko.xz"
	rm "$d/kernel/d0/m3.ko.gz"
	settle t
	both recompressed t
	check "recompressed (.ko.gz to .ko.xz): parsed again" stats_match recompressed '11 reused, 1 parsed'
	check "recompressed: modules.dep has the new suffix" grep -q '^kernel/d0/m3.ko.xz:' "$d/modules.dep"
else
	why=$(feature_off zlib)
	have_feature zlib && why=$(feature_off xz)
	for c in "recompressed: as without cache" "recompressed (.ko.gz to .ko.xz): parsed again" \
		"recompressed: modules.dep has the new suffix"; do
		skip "$c" "$why"
	done
fi

# the same name and contents, another compression under the same name
if have_feature zstd && have_feature zlib; then
	warm
	zstd -qdc "$d/kernel/d2/m2.ko.zst" | gzip -n >"$work/m2.gz"
	mv "$work/m2.gz" "$d/kernel/d2/m2.ko.zst"
	settle t
	both samename t
	check "other compression, same file name: parsed again" stats_match samename '11 reused, 1 parsed'
else
	why=$(feature_off zstd)
	have_feature zstd && why=$(feature_off zlib)
	skip "samename: as without cache" "$why"
	skip "other compression, same file name: parsed again" "$why"
fi

# ---- indexes kept only when intact --------------------------------------------------------
warm
echo "alias stale m1" >>"$d/modules.alias"
both edited t
check "an edited index is written again (the other groups kept)" \
	stats_match edited '; 9 indexes kept, resolve skipped$'
warm
sed -i 's/m2-alias/m2-aliaZ/' "$d/modules.alias"
check "same-size index change: made (by the test)" grep -q 'm2-aliaZ' "$d/modules.alias"
both same-size-index t
check "an index changed in place, same size: written again" \
	stats_match same-size-index '; 9 indexes kept, resolve skipped$'
cp "$d/modules.dep.bin" "$work/dep.bin.copy"
rm "$d/modules.dep.bin"
ln -s "$work/dep.bin.copy" "$d/modules.dep.bin"
both symlinked t
check "an index that became a symlink is not kept" stats_match symlinked '; 7 indexes kept$'
check "... and is a regular file again" test -f "$d/modules.dep.bin" -a ! -L "$d/modules.dep.bin"
rm "$d/modules.symbols"
both removed-index t
check "a removed index is written again" test -f "$d/modules.symbols"
touch -d '2001-01-01' "$d/modules.dep"
run kept-time t
check "kept: every index kept" stats_match kept-time '11 indexes kept, resolve skipped'
check "kept: modules.dep's time is now (as if written)" \
	test "$(stat -c %Y "$d/modules.dep")" -gt "$(date -d '2002-01-01' +%s)"
fingerprint "$d" >"$work/fp.before"
"$depmod" -A -b "$work/t" "$kver" 2>/dev/null
fingerprint "$d" >"$work/fp.after"
check_eq "kept: depmod -A then finds nothing to do" "$work/fp.before" "$work/fp.after"

# -E/-F: the kernel symbols are part of what the resolve stage reads
printf 'ffffffff81000000 T __ksymtab_s1_a\nffffffff81000010 T __ksymtab_kernel_fn\n' >"$work/System.map"
both map1 t -F "$work/System.map" -e
both map2 t -F "$work/System.map"
check "-F, same System.map: resolve skipped" stats_match map2 'resolve skipped'
printf 'ffffffff81000000 T __ksymtab_s2_a\n' >"$work/System.map"
both map3 t -F "$work/System.map"
check "-F, another System.map: resolved again" stats_match map3 '; 7 indexes kept$'
both map4 t -F "$work/System.map" -e
check "-e: resolved (its warnings)" stats_match map4 '; 7 indexes kept$'
both map5 t -P _
both map6 t
echo "kernel/fs/fat/fat.ko" >>"$d/modules.builtin"
both builtin-changed t
check "modules.builtin changed: the built-in indexes written again" \
	stats_match builtin-changed '; 9 indexes kept, resolve skipped$'
printf 'fat.alias=fs-fat\0' >"$d/modules.builtin.modinfo"
both builtin-modinfo t
check "modules.builtin.modinfo appeared: the built-in indexes written again" \
	stats_match builtin-modinfo '; 9 indexes kept, resolve skipped$'
both builtin-same t
check "... and kept the next time" stats_match builtin-same '; 11 indexes kept, resolve skipped$'
rm "$d/modules.builtin.modinfo"

# ---- a damaged cache is ignored and written anew -------------------------------------------
# damage NAME PYTHON: runs PYTHON on the cache bytes (variable b, a bytearray) of tree t
damage() {
	python3 - "$(cachefile t)" "$2" <<'EOF'
import sys
path, code = sys.argv[1], sys.argv[2]
b = bytearray(open(path, 'rb').read())
exec(code)
open(path, 'wb').write(b)
EOF
	both "$1" t
	check "$1: the cache was written anew" eval "run $1-after t && stats_match $1-after '^depmod: cache: read 12 records; 12 reused'"
}
warm
damage flip-record 'b[len(b) - 20] ^= 0x40'
check "flip-record: ignored, checksum" stats_match flip-record '^depmod: cache: ignored \(checksum mismatch\); 0 reused, 12 parsed'
damage flip-header 'b[30] ^= 1'
check "flip-header: ignored" stats_match flip-header '^depmod: cache: ignored \(header checksum mismatch\); 0 reused'
damage truncated 'del b[len(b) // 2:]'
check "truncated: ignored" stats_match truncated '^depmod: cache: ignored \(truncated\); 0 reused'
damage truncated-header 'del b[100:]'
check "truncated in the header: ignored" stats_match truncated-header '^depmod: cache: ignored \(truncated\); 0 reused'
damage empty 'del b[:]'
check "empty: ignored" stats_match empty '^depmod: cache: ignored \(truncated\); 0 reused'
damage byte-order 'b[8:12] = b[8:12][::-1]'
check "other byte order: ignored" stats_match byte-order '^depmod: cache: ignored \(other byte order\); 0 reused'
damage old-version 'b[12:16] = (int.from_bytes(b[12:16], sys.byteorder) - 1).to_bytes(4, sys.byteorder)'
check "old version: ignored" stats_match old-version '^depmod: cache: ignored \(version [0-9]+, not [0-9]+\); 0 reused'
damage not-a-cache 'b[0:8] = b"modkitXX"'
check "another magic: ignored" stats_match not-a-cache '^depmod: cache: ignored \(not a depmod cache\); 0 reused'

# Records that do not fit, behind valid checksums (computed here from the format's
# description in depmod-cache.c, not by depmod): never trusted either.
fix_sums='
M = (1 << 64) - 1
A, B, C = 0x9e3779b97f4a7c15, 0xc2b2ae3d27d4eb4f, 0x165667b19e3779f9
def rotl(v, r): return ((v << r) | (v >> (64 - r))) & M
def sum_words(data):
    lanes = [A, B, C, (A + C) & M]
    n = len(data) // 8
    for k in range(n):
        w = int.from_bytes(data[8 * k:8 * k + 8], sys.byteorder)
        h = lanes[k % 4] ^ ((w * B) & M)
        lanes[k % 4] = (rotl(h, 29) * A) & M
    h = (rotl(lanes[0], 1) + rotl(lanes[1], 7) + rotl(lanes[2], 12) + rotl(lanes[3], 18) + n * C) & M
    h ^= h >> 33; h = (h * B) & M; h ^= h >> 29; h = (h * C) & M; h ^= h >> 32
    return h
def u32(off): return int.from_bytes(b[off:off + 4], sys.byteorder)
def put64(off, v): b[off:off + 8] = v.to_bytes(8, sys.byteorder)
def put32(off, v): b[off:off + 4] = v.to_bytes(4, sys.byteorder)
HDR = 336
def fix():
    put64(96, sum_words(bytes(b[HDR:])))
    h = bytearray(b[:HDR]); h[HDR - 8:HDR] = bytes(8)
    put64(HDR - 8, sum_words(bytes(h)))
'
warm
damage fixed-sums "$fix_sums"'
fix()'
check "the test computes the checksums as depmod does" \
	stats_match fixed-sums '^depmod: cache: read 12 records; 12 reused'
damage producer "$fix_sums"'
b[16:22] = b"modkiX"; fix()'
check "another producer (another modkit build): ignored" \
	stats_match producer '^depmod: cache: ignored \(written by another modkit build\); 0 reused'
damage extra-record "$fix_sums"'
put64(80, int.from_bytes(b[80:88], sys.byteorder) + 1); fix()'
check "one record more than there are: ignored" \
	stats_match extra-record '^depmod: cache: ignored \(inconsistent records\); 0 reused'
damage record-size "$fix_sums"'
put32(HDR + 64, u32(HDR + 64) + 8); fix()'
check "a record size past the next: ignored" \
	stats_match record-size '^depmod: cache: ignored \(inconsistent records\); 0 reused'
# the first record: its last string loses its NUL (the record is not used)
damage unterminated "$fix_sums"'
r = HDR
nsym = u32(r + 76) + u32(r + 80)
end = r + 96 + 9 * nsym + u32(r + 84)
b[end - 1] = 0x41; fix()'
check "a string without its NUL: that module parsed again" \
	stats_match unterminated '^depmod: cache: read 12 records; 11 reused, 1 parsed'
damage bad-bind "$fix_sums"'
r = HDR
nsym = u32(r + 76) + u32(r + 80)
b[r + 96 + 8 * nsym] = 0x7f; fix()'
check "a binding of no kind: that module parsed again" \
	stats_match bad-bind '^depmod: cache: read 12 records; 11 reused, 1 parsed'

# the cache's name taken by something else
warm
rm "$(cachefile t)"
mkfifo "$(cachefile t)"
run fifo t
check "a FIFO in the cache's place: not opened for reading (no hang), the run fails as for any index" \
	test "$(cat "$work/fifo.rc")" = 1
rm "$(cachefile t)"

# ---- nothing written: -n, a failed run, --no-cache --------------------------------------
warm
fingerprint "$d" >"$work/fp.before"
run dry t -n
"$depmod" --no-cache -n -b "$work/t" "$kver" >"$work/dry.ref.out" 2>"$work/dry.ref.err"
fingerprint "$d" >"$work/fp.after"
check_eq "-n: nothing written, the cache included" "$work/fp.before" "$work/fp.after"
check_eq "-n: the same output as without cache" "$work/dry.ref.out" "$work/dry.out"
check "-n: the cache was read" stats_match dry '^depmod: cache: read 12 records; 12 reused, 0 parsed, 0 stored'

"$modgen" -x cyc1_fn -u cyc2_fn "$d/kernel/d0/cyc1.ko"
"$modgen" -x cyc2_fn -u cyc1_fn "$d/kernel/d0/cyc2.ko"
fingerprint "$d" >"$work/fp.before"
both cycle t
fingerprint "$d" >"$work/fp.after"
check "a failed run (dependency cycle): exit 1" test "$(cat "$work/cycle.rc")" = 1
check_eq "a failed run: nothing written, the cache included" "$work/fp.before" "$work/fp.after"
rm "$d/kernel/d0/cyc1.ko" "$d/kernel/d0/cyc2.ko"

warm
printf 'garbage' >"$(cachefile t)"
fingerprint "$d" >"$work/fp.before"
"$depmod" --no-cache -b "$work/t" "$kver" 2>"$work/nocache.err"
check "--no-cache: no cache line" eval '! grep -q "^depmod: cache:" "$work/nocache.err"' 
check "--no-cache: the cache file left alone" test "$(cat "$(cachefile t)")" = garbage
MODKIT_DEPMOD_NO_CACHE=1 "$depmod" -b "$work/t" "$kver" 2>"$work/noenv.err"
check "MODKIT_DEPMOD_NO_CACHE=1: no cache line" eval '! grep -q "^depmod: cache:" "$work/noenv.err"' 
check "MODKIT_DEPMOD_NO_CACHE=1: the cache file left alone" test "$(cat "$(cachefile t)")" = garbage
MODKIT_DEPMOD_NO_CACHE=0 "$depmod" -b "$work/t" "$kver" 2>"$work/env0.err"
check "MODKIT_DEPMOD_NO_CACHE=0: the cache is used" grep -q 'cache: ignored (truncated)' "$work/env0.err"
check "--help names --no-cache and the variable" \
	eval '"$depmod" --help | grep -q -- "--no-cache.*" && "$depmod" --help | grep -q MODKIT_DEPMOD_NO_CACHE'

# ---- -o: the cache goes with the indexes ---------------------------------------------------
# An output directory that exists gets the clock probe (a file created there), so every
# settled module is stored at once.
mkdir -p "$work/o/lib/modules/$kver"
run o1 t -o "$work/o"
run o2 t -o "$work/o"
check "-o: the cache is written in the output directory" \
	test -f "$work/o/lib/modules/$kver/modules.depmod-cache"
check "-o: every module stored in the first run" stats_match o1 '0 reused, 12 parsed, 12 stored'
check "-o: and used from there" stats_match o2 '12 reused, 0 parsed'
# One that does not exist yet has no probe: a module is stored only when its ctime is
# more than 3 s (DEPMOD_CACHE_SETTLE_SEC) older than the clock. Wait until the newest
# is 4 s old, so that the result does not depend on how fast the machine is.
age t 4
run o3 t -o "$work/o-new"
run o4 t -o "$work/o-new"
check "-o into a new directory: every module aged 4 s stored" \
	stats_match o3 '0 reused, 12 parsed, 12 stored'
check "-o into a new directory: and used from there" stats_match o4 '12 reused, 0 parsed'

# ---- a decompressor missing at run time: the run fails as without cache ---------------------
if [ "$xz_state" = dlopen ]; then
	warm
	fingerprint "$d" >"$work/fp.before"
	LD_PRELOAD="$nodlopen" MODKIT_NODLOPEN=liblzma.so.5 "$depmod" -b "$work/t" "$kver" \
		>"$work/noxz.out" 2>"$work/noxz.err.raw"
	echo $? >"$work/noxz.rc"
	LD_PRELOAD="$nodlopen" MODKIT_NODLOPEN=liblzma.so.5 "$depmod" --no-cache -b "$work/t" \
		-o "$work/ref-noxz" "$kver" >/dev/null 2>"$work/noxz.ref.err"
	grep -v '^depmod: cache: ' "$work/noxz.err.raw" >"$work/noxz.err"
	fingerprint "$d" >"$work/fp.after"
	check "liblzma missing: exit 1 although the cache has the .ko.xz modules" \
		test "$(cat "$work/noxz.rc")" = 1
	check_eq "liblzma missing: the same messages as without cache" "$work/noxz.ref.err" "$work/noxz.err"
	check_eq "liblzma missing: nothing written" "$work/fp.before" "$work/fp.after"
else
	ok "liblzma missing at run time: not applicable, this build has liblzma $xz_state"
fi

# ---- two at once -------------------------------------------------------------------------------
"$depmod" -b "$work/t" "$kver" 2>/dev/null &
p1=$!
"$depmod" -b "$work/t" "$kver" 2>/dev/null &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
check "two depmods at once: both succeed" test $r1 = 0 -a $r2 = 0
both after-two t
check "two depmods at once: a cache that the next run uses" stats_match after-two '12 reused'

# ============================================================================================
# random changes, each followed by both runs
seed=${MODKIT_TEST_SEED:-$(date +%s)}
echo "# random sequence: MODKIT_TEST_SEED=$seed"
RANDOM=$seed
make_tree r || not_ok "random tree built"
r=$(moddir r)
next=13
step_fail=0
exts=()
for e in .ko .ko.xz .ko.zst .ko.gz; do exts+=("$(readable_ext $e)"); done

# a random existing module file
pick() {
	local files
	mapfile -t files < <(cd "$r" && find kernel -name '*.ko*' | sort)
	[ ${#files[@]} -gt 0 ] || return 1
	echo "${files[RANDOM % ${#files[@]}]}"
}
modname_of() { local b=${1##*/}; echo "${b%%.ko*}"; }

for step in $(seq 1 60); do
	op=$((RANDOM % 13))
	f=$(pick) || op=0
	case $op in
	0 | 10 | 11)
		f=kernel/d$((RANDOM % 4))/m$next${exts[RANDOM % 4]}
		gen "$r/$f" "m$next" $RANDOM
		what="add $f"
		next=$((next + 1))
		;;
	1)
		rm "$r/$f"
		what="remove $f"
		;;
	2)
		gen "$work/new$(basename "$f")" "$(modname_of "$f")" $RANDOM
		cat "$work/new$(basename "$f")" >"$r/$f"
		rm "$work/new$(basename "$f")"
		what="rewrite in place $f"
		;;
	3)
		gen "$r/$f" "$(modname_of "$f")" $RANDOM
		what="replace $f"
		;;
	4)
		touch "$r/$f"
		what="touch $f"
		;;
	5)
		to=kernel/d$((RANDOM % 4))/$(basename "$f")
		mkdir -p "$r/${to%/*}"
		[ -e "$r/$to" ] || mv "$r/$f" "$r/$to"
		what="move $f to $to"
		;;
	6)
		b=$(modname_of "$f")
		e=${exts[RANDOM % 4]}
		case $f in
		*.xz) xz -dc "$r/$f" ;; *.zst) zstd -qdc "$r/$f" ;; *.gz) gzip -dc "$r/$f" ;; *) cat "$r/$f" ;;
		esac >"$work/plain.ko"
		rm "$r/$f"
		case $e in
		.ko.xz) xz --check=crc32 -c "$work/plain.ko" ;; .ko.zst) zstd -qc "$work/plain.ko" ;;
		.ko.gz) gzip -nc "$work/plain.ko" ;; *) cat "$work/plain.ko" ;;
		esac >"$r/${f%%.ko*}$e"
		what="recompress $f as $b$e"
		;;
	7)
		# same size, old times: only the ctime changes
		case $f in
		*.ko)
			t=$(stat -c %y "$r/$f")
			sed "s/-alias/-ALIAS/; s/-v\([0-9]\)/-w\1/" "$r/$f" >"$work/same.ko"
			cat "$work/same.ko" >"$r/$f"
			touch -d "$t" "$r/$f"
			what="same-size rewrite of $f, mtime kept"
			;;
		*)
			touch -d '2020-02-02' "$r/$f"
			what="old mtime on $f"
			;;
		esac
		;;
	8)
		find "$r/kernel" -name '*.ko*' | sed "s|^$r/||; s/\.ko\..*/.ko/" | sort -R \
			--random-source=<(yes $RANDOM) | head -5 >"$r/modules.order"
		what="new modules.order"
		;;
	12)
		b=$(modname_of "$f")
		to=${f%/*}/${b}r${f#*/"$b"}
		[ -e "$r/$to" ] || mv "$r/$f" "$r/$to"
		what="rename $f to $to (another module name)"
		;;
	9)
		case $((RANDOM % 4)) in
		0) echo "alias junk m1" >>"$r/modules.alias" ;;
		1) rm -f "$r/modules.dep.bin" ;;
		2) : >"$r/modules.symbols" ;;
		3) sed -i 's/kernel/KERNEL/' "$r/modules.dep" ;;
		esac
		what="an index damaged"
		;;
	esac
	run "step$step" r
	reference "step$step" r
	if same_as_reference "step$step" r; then
		ok "step $step: $what: as without cache ($(sed 's/^depmod: cache: //' "$work/step$step.stats"))"
	else
		not_ok "step $step: $what: as without cache (MODKIT_TEST_SEED=$seed)"
		step_fail=1
	fi
done
settle r
run final1 r
run final r
check "after the random steps, with nothing changed, every module is reused" \
	stats_match final ' 0 parsed.*11 indexes kept, resolve skipped$'

tap_finish
