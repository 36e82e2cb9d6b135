#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# modprobe --closure on small generated trees (modkit-mktree + our depmod): hard
# dependencies, softdep cycles, weakdeps, builtin modules, firmware found in each
# directory of the kernel's search list or missing, compressed firmware,
# firmware_class.path, aliases, module paths, unknown operands, a missing module
# file, -C configuration. The expected lists are written out below by hand. The
# tool runs behind the shim with an empty fixture, so that neither the machine's
# /proc/cmdline nor its modprobe.d leaks in. Prints TAP.
#
# usage: test-closure.sh BUILD_DIR MKTREE SHIM
set -uo pipefail
build=$(realpath "$1")
mktree=$(realpath "$2")
shim=$(realpath "$3")
source "$(dirname "$0")/tap.sh"
echo "TAP version 13"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/modkit-closure.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
kv=1.0
mkdir -p "$tmp/fx/proc" "$tmp/empty"
: >"$tmp/fx/proc/cmdline"

cat >"$tmp/tree.spec" <<'EOF'
kver 1.0
# a chain with firmware at every level
module kernel/base.ko
  modinfo firmware=base.fw
  export base_sym
module kernel/mid.ko
  modinfo depends=base
  modinfo firmware=vendor/mid.bin
  undef base_sym
  export mid_sym
module kernel/top.ko
  modinfo depends=mid
  modinfo softdep=pre: pre1 post: post1
  modinfo alias=pci:v00001234d*
  undef mid_sym
module kernel/pre1.ko
module kernel/post1.ko.xz
  modinfo weakdep=weak1
# a weak dependency with its own hard dependency and a missing firmware
module kernel/weak1.ko
  modinfo depends=wdep
  modinfo firmware=missing-weak.fw
  undef wdep_sym
module kernel/wdep.ko
  export wdep_sym
# a softdep cycle: cyc_a pre: cyc_b, cyc_b post: cyc_a
module kernel/cyc-a.ko
  modinfo softdep=pre: cyc_b
module kernel/cyc_b.ko
  modinfo softdep=post: cyc-a
# a softdep on a builtin module and on names that resolve to nothing
module kernel/usesbi.ko
  modinfo softdep=pre: bi nosuchmodule post: crypto-alias
module kernel/aliased.ko
  modinfo alias=crypto-alias
# firmware lookup order
module kernel/fwo.ko
  modinfo firmware=order1.bin
  modinfo firmware=order2.bin
  modinfo firmware=order3.bin
  modinfo firmware=order4.bin
  modinfo firmware=dir.bin
  modinfo firmware=order1.bin
# two modules for one alias
module kernel/two1.ko
  modinfo alias=twin
module kernel/two2.ko
  modinfo alias=twin
# its file disappears after depmod
module kernel/gone.ko
  export gone_sym
module kernel/needsgone.ko
  modinfo depends=gone
  undef gone_sym
module kernel/custom.ko
  modinfo firmware=custom.bin
file lib/modules/@KVER@/modules.builtin
kernel/bi.ko
kernel/crypto/bi2.ko
end
binfile lib/modules/@KVER@/modules.builtin.modinfo
bi.firmware=bi.fw\0bi2.alias=bialias\0
end
file lib/firmware/base.fw
end
file lib/firmware/vendor/mid.bin
end
file lib/firmware/bi.fw.xz
end
# order1: found in updates/<kver> although also in every later directory
file lib/firmware/updates/1.0/order1.bin
end
file lib/firmware/updates/order1.bin
end
file lib/firmware/order1.bin
end
# order2: the plain name anywhere beats a compressed one earlier in the list
file lib/firmware/updates/order2.bin.zst
end
file lib/firmware/order2.bin
end
# order3: .zst beats .xz
file lib/firmware/updates/1.0/order3.bin.xz
end
file lib/firmware/1.0/order3.bin.zst
end
# order4: only in updates (not the versioned one)
file lib/firmware/updates/order4.bin
end
# dir.bin is a directory: not firmware
mkdir lib/firmware/dir.bin
file custom/fw/custom.bin
end
file lib/firmware/custom.bin
end
EOF
# post1 is a plain .ko in a build without xz (whose depmod fails on .ko.xz by design)
readable_spec "$tmp/tree.spec" >"$tmp/tree1.spec"
"$mktree" "$tmp/tree1.spec" "$root" || bail "modkit-mktree failed"
"$build/src/depmod" -b "$root" "$kv" 2>/dev/null || bail "depmod failed"
rm "$root/lib/modules/$kv/kernel/gone.ko"

M=$root/lib/modules/$kv/kernel
post1=$M/post1.ko.xz
have_feature xz || post1=$M/post1.ko
F=$root/lib/firmware
# closure DESCRIPTION EXPECTED_STATUS EXPECTED_STDOUT EXPECTED_STDERR ARGS...
closure() {
	local d=$1 st=$2 out=$3 err=$4 rc
	shift 4
	printf '%s' "$out" >"$tmp/exp.out"
	printf '%s' "$err" >"$tmp/exp.err"
	env LD_PRELOAD="$shim" MODKIT_ROOT="$tmp/fx" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
		"$build/src/modprobe" -d "$root" -S "$kv" "$@" >"$tmp/out" 2>"$tmp/err.raw"
	rc=$?
	# the library names its context by address in one message
	sed 's/ctx=0x[0-9a-f]*/ctx=PTR/' "$tmp/err.raw" >"$tmp/err"
	if [ $rc -eq "$st" ] && cmp -s "$tmp/exp.out" "$tmp/out" && cmp -s "$tmp/exp.err" "$tmp/err"; then
		ok "$d"
	else
		not_ok "$d (exit $rc, expected $st)"
		diff -u "$tmp/exp.out" "$tmp/out" | sed 's/^/# /'
		diff -u "$tmp/exp.err" "$tmp/err" | sed 's/^/# /'
	fi
}

closure "dependencies, softdeps, weakdep and firmware, sorted" 0 "\
$F/base.fw
$F/vendor/mid.bin
$M/base.ko
$M/mid.ko
$post1
$M/pre1.ko
$M/top.ko
$M/wdep.ko
$M/weak1.ko
" "modprobe: WARNING: Module weak1: firmware missing-weak.fw not found
" -C "$tmp/empty" --closure top

closure "an alias resolves as modprobe resolves it" 0 "\
$F/base.fw
$F/vendor/mid.bin
$M/base.ko
$M/mid.ko
$post1
$M/pre1.ko
$M/top.ko
$M/wdep.ko
$M/weak1.ko
" "modprobe: WARNING: Module weak1: firmware missing-weak.fw not found
" -C "$tmp/empty" --closure pci:v00001234d00000001

closure "shared dependencies are listed once" 0 "\
$F/base.fw
$F/vendor/mid.bin
$M/base.ko
$M/mid.ko
" "" -C "$tmp/empty" --closure mid base mid

closure "a softdep cycle ends" 0 "\
$M/cyc-a.ko
$M/cyc_b.ko
" "" -C "$tmp/empty" --closure cyc_a

closure "builtin softdep: skipped, its firmware kept; unresolved names ignored" 0 "\
$F/bi.fw.xz
$M/aliased.ko
$M/usesbi.ko
" "" -C "$tmp/empty" --closure usesbi

closure "builtin modules are noted with -v" 0 "\
$F/bi.fw.xz
$M/aliased.ko
$M/usesbi.ko
" "modprobe: NOTICE: Module bi is builtin
" -v -C "$tmp/empty" --closure usesbi

closure "a builtin operand (and a builtin alias) gives no module file" 0 "\
$F/bi.fw.xz
" "" -C "$tmp/empty" --closure bi bialias

closure "firmware search order: updates/<kver>, updates, <kver>, plain; then .zst, then .xz" 0 "\
$F/$kv/order3.bin.zst
$F/order2.bin
$F/updates/$kv/order1.bin
$F/updates/order4.bin
$M/fwo.ko
" "modprobe: WARNING: Module fwo: firmware dir.bin not found
" -C "$tmp/empty" --closure fwo

closure "an alias naming two modules gives both" 0 "\
$M/two1.ko
$M/two2.ko
" "" -C "$tmp/empty" --closure twin

closure "a module path operand" 0 "\
$F/base.fw
$F/vendor/mid.bin
$M/base.ko
$M/mid.ko
" "" -C "$tmp/empty" --closure "$M/mid.ko"

closure "an unknown operand fails, the others are still listed" 1 "\
$M/pre1.ko
" "modprobe: ERROR: Module nosuch not found in directory $root/lib/modules/$kv
" -C "$tmp/empty" --closure nosuch pre1

# the library's message (none with -Dlogging=false: the exit status is the same)
gone_err=
have_feature logging && gone_err="modprobe: ERROR: ctx=PTR path=$M/gone.ko error=No such file or directory
modprobe: ERROR: ctx=PTR path=$M/gone.ko error=No such file or directory
"
closure "a dependency whose file is missing: the library's error, exit 1" 1 "\
$M/needsgone.ko
" "$gone_err" -C "$tmp/empty" --closure needsgone

closure "an operand whose own file is missing fails" 1 "" \
"modprobe: ERROR: Module gone: file $M/gone.ko not found
" -C "$tmp/empty" --closure gone

mkdir -p "$tmp/conf"
cat >"$tmp/conf/a.conf" <<'EOF'
softdep pre1 pre: cyc_b
weakdep two1 fwo
alias myalias two2
EOF
closure "-C configuration: softdep, weakdep and alias lines" 0 "\
$F/$kv/order3.bin.zst
$F/order2.bin
$F/updates/$kv/order1.bin
$F/updates/order4.bin
$M/cyc-a.ko
$M/cyc_b.ko
$M/fwo.ko
$M/pre1.ko
$M/two1.ko
$M/two2.ko
" "modprobe: WARNING: Module fwo: firmware dir.bin not found
" -C "$tmp/conf" --closure pre1 two1 myalias

closure "-q silences the firmware warnings" 0 "\
$M/wdep.ko
$M/weak1.ko
" "" -q -C "$tmp/empty" --closure weak1

echo "options firmware_class path=/custom/fw" >"$tmp/conf2.conf"
closure "firmware_class path= (modprobe.d) is searched first" 0 "\
$root/custom/fw/custom.bin
$M/custom.ko
" "" -C "$tmp/conf2.conf" --closure custom

echo "quiet firmware_class.path=/custom/fw" >"$tmp/fx/proc/cmdline"
closure "firmware_class.path= on the kernel command line too" 0 "\
$root/custom/fw/custom.bin
$M/custom.ko
" "" -C "$tmp/empty" --closure custom
: >"$tmp/fx/proc/cmdline"

closure "without it, /lib/firmware" 0 "\
$F/custom.bin
$M/custom.ko
" "" -C "$tmp/empty" --closure custom

# --json: the document read back with Python's json module and compared with the
# structure written out here
env LD_PRELOAD="$shim" MODKIT_ROOT="$tmp/fx" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
	"$build/src/modprobe" -d "$root" -S "$kv" -C "$tmp/empty" --json --closure mid nosuch bi \
	>"$tmp/json.out" 2>"$tmp/json.err"
rc=$?
if python3 - "$tmp/json.out" "$M" "$F" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
M, F = sys.argv[2], sys.argv[3]
mid_files = [f"{F}/base.fw", f"{F}/vendor/mid.bin", f"{M}/base.ko", f"{M}/mid.ko"]
expected = {
    "schema": 1, "tool": "modprobe", "mode": "closure",
    "results": [
        {"argument": "mid", "found": True,
         "modules": [{"name": "base", "path": f"{M}/base.ko", "builtin": False},
                     {"name": "mid", "path": f"{M}/mid.ko", "builtin": False}],
         "firmware": [{"name": "base.fw", "module": "base", "path": f"{F}/base.fw"},
                      {"name": "vendor/mid.bin", "module": "mid", "path": f"{F}/vendor/mid.bin"}],
         "files": mid_files},
        {"argument": "nosuch", "found": False, "modules": [], "firmware": [], "files": []},
        {"argument": "bi", "found": True,
         "modules": [{"name": "bi", "path": None, "builtin": True}],
         "firmware": [{"name": "bi.fw", "module": "bi", "path": f"{F}/bi.fw.xz"}],
         "files": [f"{F}/bi.fw.xz"]},
    ],
    "files": [f"{F}/base.fw", f"{F}/bi.fw.xz", f"{F}/vendor/mid.bin", f"{M}/base.ko",
              f"{M}/mid.ko"],
}
if doc != expected:
    print("# got " + json.dumps(doc))
    sys.exit(1)
PY
then
	if [ $rc -eq 1 ] && [ "$(cat "$tmp/json.err")" = "modprobe: ERROR: Module nosuch not found in directory $root/lib/modules/$kv" ]; then
		ok "--json: each operand's closure and the whole list"
	else
		not_ok "--json: exit $rc, stderr $(cat "$tmp/json.err")"
	fi
else
	not_ok "--json: each operand's closure and the whole list"
fi

env LD_PRELOAD="$shim" MODKIT_ROOT="$tmp/fx" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
	"$build/src/modprobe" -d "$root" -S "$kv" -C "$tmp/empty" --json --closure weak1 \
	>"$tmp/json.out" 2>"$tmp/json.err"
rc=$?
if [ $rc -eq 0 ] && python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
fw = doc["results"][0]["firmware"]
sys.exit(0 if fw == [{"name": "missing-weak.fw", "module": "weak1", "path": None}] else 1)
' "$tmp/json.out" && [ "$(cat "$tmp/json.err")" = "modprobe: WARNING: Module weak1: firmware missing-weak.fw not found" ]; then
	ok "--json: missing firmware has a null path, and the warning"
else
	not_ok "--json: missing firmware (exit $rc)"
	sed 's/^/# /' "$tmp/json.out" "$tmp/json.err"
fi

tap_finish
