#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Compression libraries as the build options chose them, and what happens when a
# decompressor is absent. Prints TAP.
#
#  - .note.dlopen of libkmod.so.2 and of kmod: well-formed FDO dlopen notes listing
#    exactly the libraries this build dlopen()s; DT_NEEDED lists exactly the
#    compression libraries it links.
#  - per compression format: when its library is dlopen()ed, modkit-nodlopen.so
#    makes it missing at run time; when compiled out it is missing anyway. depmod
#    must name the file and the library, exit 1 and leave every index file as it
#    was (also with -n: nothing on stdout); other unreadable modules stay a
#    tolerated error. modinfo, modprobe and insmod name the library and fail
#    without a syscall; a kernel that decompresses the format itself still gets
#    the module. When the library is linked, refusing dlopen() changes nothing.
#
# Usage: test-nodecomp.sh BUILD MKTREE SHIM NODLOPEN FORMATS
#   FORMATS: comma-separated NAME:SONAME:STATE from the build options
#   (testsuite/meson.build), STATE being dlopen, linked or off.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=testsuite/tap.sh
source "$here/tap.sh"

build=$1
mktree=$2
shim=$3
nodlopen=$4
formats=$5
kmod=$build/src/kmod
libkmod=$build/lib/libkmod.so.2
kver=1.0.0-nodecomp
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "TAP version 13"

# ---- the ELF files: .note.dlopen and DT_NEEDED -------------------------------------

# dlopen_notes FILE: the sonames of FILE's FDO dlopen notes, one per line, sorted;
# fails (with the reason on stderr) on a malformed note or section.
dlopen_notes() {
	python3 - "$1" <<'EOF'
import json, struct, sys

path = sys.argv[1]
data = open(path, "rb").read()
def die(msg):
    sys.exit("%s: %s" % (path, msg))
if data[:4] != b"\x7fELF":
    die("not ELF")
elf64 = data[4] == 2
e = "<" if data[5] == 1 else ">"
if elf64:
    shoff, = struct.unpack_from(e + "Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from(e + "HHH", data, 0x3a)
else:
    shoff, = struct.unpack_from(e + "I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from(e + "HHH", data, 0x2e)
def section(i):
    fmt = e + ("IIQQQQ" if elf64 else "IIIIII")
    return struct.unpack_from(fmt, data, shoff + i * shentsize)
strtab = section(shstrndx)
def name(off):
    start = strtab[4] + off
    return data[start:data.index(b"\0", start)].decode()
found = [s for s in map(section, range(shnum)) if name(s[0]) == ".note.dlopen"]
sonames = []
for sh_name, sh_type, flags, addr, off, size in found:
    if sh_type != 7 or not flags & 2 or flags & 1:
        die("section type %d flags %#x: not an allocated read-only SHT_NOTE" % (sh_type, flags))
    pos, end = off, off + size
    while pos < end:
        namesz, descsz, ntype = struct.unpack_from(e + "III", data, pos)
        pos += 12
        owner = data[pos:pos + namesz]
        pos += (namesz + 3) // 4 * 4
        desc = data[pos:pos + descsz]
        pos += (descsz + 3) // 4 * 4
        if owner != b"FDO\0" or ntype != 0x407c0c0a:
            die("note owner %r type %#x" % (owner, ntype))
        if not desc.endswith(b"\0"):
            die("descriptor not NUL-terminated")
        payload = json.loads(desc[:-1].decode())
        if not isinstance(payload, list) or not payload:
            die("payload is not a non-empty array: %r" % payload)
        for obj in payload:
            if (not isinstance(obj.get("feature"), str) or
                    not isinstance(obj.get("description"), str) or
                    obj.get("priority") not in ("required", "recommended", "suggested") or
                    not isinstance(obj.get("soname"), list) or not obj["soname"] or
                    not all(isinstance(s, str) for s in obj["soname"])):
                die("bad object %r" % obj)
            sonames += obj["soname"]
    if pos != end:
        die("notes overrun their section")
# no note at all (nothing dlopen()ed) is an empty list: no line
for s in sorted(sonames):
    print(s)
EOF
}

# needed FILE: DT_NEEDED sonames among the optional libraries, sorted
needed() {
	readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' |
		grep -Fx -e libzstd.so.1 -e liblzma.so.5 -e libz.so.1 -e libcrypto.so.3 | sort
}

: >"$work/exp-dlopen"
: >"$work/exp-linked"
IFS=, read -r -a entries <<<"$formats"
for e in "${entries[@]}"; do
	IFS=: read -r fmt soname state <<<"$e"
	case $state in
	dlopen) echo "$soname" >>"$work/exp-dlopen" ;;
	linked) echo "$soname" >>"$work/exp-linked" ;;
	off) ;;
	*) not_ok "format list: bad entry '$e'" ;;
	esac
done
sort -o "$work/exp-dlopen" "$work/exp-dlopen"
sort -o "$work/exp-linked" "$work/exp-linked"

for f in "$libkmod" "$kmod"; do
	b=$(basename "$f")
	if dlopen_notes "$f" >"$work/notes" 2>"$work/notes.err"; then
		check_eq "$b: .note.dlopen lists the dlopen()ed libraries" \
			"$work/exp-dlopen" "$work/notes"
	else
		not_ok "$b: .note.dlopen is well-formed"
		sed 's/^/# /' "$work/notes.err"
	fi
	needed "$f" >"$work/needed"
	check_eq "$b: DT_NEEDED lists the linked libraries" "$work/exp-linked" "$work/needed"
done

# ---- a decompressor missing --------------------------------------------------------

# run PREFIX CMD...: stdout, stderr and status into $work/PREFIX.{out,err,rc}
run() {
	local p=$1
	shift
	"$@" >"$work/$p.out" 2>"$work/$p.err"
	echo $? >"$work/$p.rc"
}
# check_rc LABEL PREFIX STATUS
check_rc() {
	if [ "$(cat "$work/$2.rc")" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# exit status $(cat "$work/$2.rc"), expected $3"
		sed 's/^/# stderr: /' "$work/$2.err" | head -10
	fi
}
# has_line LABEL FILE LINE: FILE has LINE as one whole line
has_line() {
	if grep -qxF -- "$3" "$2"; then
		ok "$1"
	else
		not_ok "$1"
		echo "# expected the line: $3"
		sed 's/^/# got: /' "$2" | head -10
	fi
}
# in_root ROOT CMD...: a tool inside a fixture root under the shim (and the
# refusal library, which only acts when MODKIT_NODLOPEN is set)
in_root() {
	local root=$1
	shift
	(cd "$root" && LD_PRELOAD="$shim $nodlopen" MODKIT_ROOT=$root MODKIT_UNAME_R=$kver "$@")
}

for e in "${entries[@]}"; do
	IFS=: read -r fmt soname state <<<"$e"
	case $fmt in
	zstd) ext=zst kword=zstd ;;
	xz) ext=xz kword=xz ;;
	zlib) ext=gz kword=gzip ;;
	*) continue ;;
	esac
	t="$fmt ($state)"
	case $state in
	dlopen) why="$soname is not available" ;;
	off) why="$fmt support was not built in ($soname)" ;;
	linked) why= ;;
	esac

	# a.ko needs x's symbol; x is compressed; bad.ko is not a module at all
	cat >"$work/$fmt.spec" <<EOF
kver $kver
module kernel/a.ko
  modinfo license=GPL
  undef x_fn
module kernel/x.ko.$ext
  modinfo license=GPL
  modinfo alias=x-alias
  export x_fn
file lib/modules/@KVER@/kernel/bad.ko
this is not an ELF module
end
file lib/modules/@KVER@/modules.builtin
end
file lib/modules/@KVER@/modules.builtin.modinfo
end
modules-order
EOF
	base=$work/$fmt-base
	if ! "$mktree" "$work/$fmt.spec" "$base" 2>"$work/mktree.err"; then
		not_ok "$t: fixture tree built"
		sed 's/^/# /' "$work/mktree.err"
		continue
	fi
	moddir=$base/lib/modules/$kver
	x=$moddir/kernel/x.ko.$ext

	if [ "$state" = linked ]; then
		# nothing is dlopen()ed, so refusing it changes nothing
		run dep env LD_PRELOAD="$nodlopen" MODKIT_NODLOPEN="$soname" \
			"$build/src/depmod" -b "$base" "$kver"
		check_rc "$t: depmod reads the module without dlopen()" dep 0
		has_line "$t: modules.dep has the dependency" "$moddir/modules.dep" \
			"kernel/a.ko: kernel/x.ko.$ext"
		r=$work/$fmt-root-modinfo
		cp -a "$base" "$r"
		run mi in_root "$r" env MODKIT_NODLOPEN="$soname" "$build/src/modinfo" -F alias x
		check_rc "$t: modinfo reads the module without dlopen()" mi 0
		has_line "$t: modinfo prints the alias" "$work/mi.out" "x-alias"
		continue
	fi

	# Previous indexes, which a failing depmod must leave alone and the tools
	# below read. With the library dlopen()ed this build makes them itself, from
	# the whole tree. Compiled out, a scan does not even count x.ko.$ext as a
	# module (only the suffixes of built-in formats name modules, formats.md
	# 1.10.1, as in kmod), so depmod gets the modules as operands; the index comes
	# from a twin tree whose x.ko.$ext holds the uncompressed image.
	if [ "$state" = dlopen ]; then
		depmod_args=(-b "$base" "$kver")
		run good "$build/src/depmod" "${depmod_args[@]}"
		check_rc "$t: depmod with the library succeeds" good 0
		has_line "$t: ... despite bad.ko" "$work/good.err" \
			"depmod: ERROR: failed to load symbols from $moddir/kernel/bad.ko: Exec format error"
		has_line "$t: ... and indexes x as a's dependency" "$moddir/modules.dep" \
			"kernel/a.ko: kernel/x.ko.$ext"
		# errors come in module order: modules.order's (a, x), then bad.ko; the
		# unreadable bad.ko stays the tolerated error it always was
		{
			printf 'depmod: ERROR: %s: cannot decompress: %s\n' "$x" "$why"
			printf 'depmod: ERROR: failed to load symbols from %s: Exec format error\n' \
				"$moddir/kernel/bad.ko"
		} >"$work/exp.err"
	else
		depmod_args=(-b "$base" "$kver" "$moddir/kernel/a.ko" "$x")
		twin=$work/$fmt-twin
		sed 's/^  export x_fn$/&\n  compress none/' "$work/$fmt.spec" >"$work/$fmt-twin.spec"
		"$mktree" "$work/$fmt-twin.spec" "$twin" || not_ok "$t: twin tree built"
		run good "$build/src/depmod" -b "$twin" "$kver" "$twin/lib/modules/$kver/kernel/a.ko" \
			"$twin/lib/modules/$kver/kernel/x.ko.$ext"
		check_rc "$t: depmod indexes the twin tree" good 0
		has_line "$t: ... with x as a's dependency" "$twin/lib/modules/$kver/modules.dep" \
			"kernel/a.ko: kernel/x.ko.$ext"
		cp "$twin/lib/modules/$kver"/modules.* "$moddir/"
		printf 'depmod: ERROR: %s: cannot decompress: %s\n' "$x" "$why" >"$work/exp.err"
	fi
	cp -a "$moddir" "$work/$fmt-before"

	for opt in "" -n; do
		tt="$t: depmod${opt:+ $opt}"
		run dep env LD_PRELOAD="$nodlopen" MODKIT_NODLOPEN="$soname" \
			"$build/src/depmod" $opt "${depmod_args[@]}"
		check_rc "$tt fails" dep 1
		check_eq "$tt names the file and the library" "$work/exp.err" \
			"$work/dep.err"
		check "$tt prints nothing on stdout" test ! -s "$work/dep.out"
		if diff -r "$work/$fmt-before" "$moddir" >"$work/diff"; then
			ok "$tt leaves every index file as it was"
		else
			not_ok "$tt leaves every index file as it was"
			sed 's/^/# /' "$work/diff" | head -10
		fi
	done

	# modinfo: the library's error names the file and the library
	r=$work/$fmt-root-modinfo
	cp -a "$base" "$r"
	run mi in_root "$r" env MODKIT_NODLOPEN="$soname" "$build/src/modinfo" x
	check_rc "$t: modinfo fails" mi 1
	if ! have_feature logging; then
		skip "$t: modinfo names the library" "$(feature_off logging)"
	elif grep -q ": /lib/modules/$kver/kernel/x.ko.$ext: cannot decompress: $why\$" \
		"$work/mi.err"; then
		ok "$t: modinfo names the library"
	else
		not_ok "$t: modinfo names the library"
		sed 's/^/# /' "$work/mi.err"
	fi

	# modprobe: the kernel cannot decompress the format, so userspace must
	r=$work/$fmt-root-modprobe
	cp -a "$base" "$r"
	run mp in_root "$r" env MODKIT_NODLOPEN="$soname" "$build/src/modprobe" x
	check_rc "$t: modprobe fails" mp 1
	if have_feature logging; then
		has_line "$t: modprobe names the library" "$work/mp.err" \
			"modprobe: ERROR: /lib/modules/$kver/kernel/x.ko.$ext: cannot decompress: $why"
	else
		skip "$t: modprobe names the library" "$(feature_off logging)"
	fi
	check "$t: modprobe made no module syscall" \
		sh -c "! grep -q 'init_module' '$r/.shim/calls.log' 2>/dev/null"

	# insmod likewise
	r=$work/$fmt-root-insmod
	cp -a "$base" "$r"
	run im in_root "$r" env MODKIT_NODLOPEN="$soname" "$build/src/insmod" \
		"lib/modules/$kver/kernel/x.ko.$ext"
	check_rc "$t: insmod fails" im 1
	if ! have_feature logging; then
		skip "$t: insmod names the library" "$(feature_off logging)"
	elif grep -q "^insmod: ERROR: .*/lib/modules/$kver/kernel/x.ko.$ext: cannot decompress: $why\$" \
		"$work/im.err"; then
		ok "$t: insmod names the library"
	else
		not_ok "$t: insmod names the library"
		sed 's/^/# /' "$work/im.err"
	fi
	check "$t: insmod made no module syscall" \
		sh -c "! grep -q 'init_module' '$r/.shim/calls.log' 2>/dev/null"

	# a kernel that decompresses this format itself needs no library
	r=$work/$fmt-root-kernel
	cp -a "$base" "$r"
	mkdir -p "$r/sys/module"
	echo "$kword" >"$r/sys/module/compression"
	run mk in_root "$r" env MODKIT_NODLOPEN="$soname" "$build/src/modprobe" x
	check_rc "$t: modprobe lets the kernel decompress" mk 0
	has_line "$t: ... through finit_module flag 4" "$r/.shim/calls.log" \
		"finit_module name=x flags=4 args="
done

tap_finish
