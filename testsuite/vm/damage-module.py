#!/usr/bin/env python3
"""Writes an unsigned copy of a 64-bit little-endian module with one thing broken,
for the --force-vermagic / --force-modversion scenarios:

  vermagic    a flag word of .modinfo's vermagic= is changed
  modversion  the CRC of module_layout in __versions is inverted

usage: damage-module.py vermagic|modversion IN OUT
"""
import struct
import sys


def sections(data):
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    hdrs = []
    for i in range(shnum):
        name, _type, _flags, _addr, off, size = struct.unpack_from(
            "<IIQQQQ", data, shoff + i * shentsize)
        hdrs.append((name, off, size))
    stroff = hdrs[shstrndx][1]
    out = {}
    for name, off, size in hdrs:
        end = data.index(b"\0", stroff + name)
        out.setdefault(data[stroff + name:end].decode(), (off, size))
    return out


MAGIC = b"~Module signature appended~\n"


def strip_signature(data):
    """A damaged module keeps no signature: the kernel refuses a bad signature
    even when signatures are not required, but loads an unsigned module."""
    if not data.endswith(MAGIC):
        return data
    info = len(data) - len(MAGIC) - 12
    sig_len, = struct.unpack_from(">I", data, info + 8)
    signer_len, key_id_len = data[info + 3], data[info + 4]
    return data[:info - sig_len - signer_len - key_id_len]


def main():
    what, src, dst = sys.argv[1:4]
    data = bytearray(strip_signature(open(src, "rb").read()))
    secs = sections(data)
    if what == "vermagic":
        off, size = secs[".modinfo"]
        at = data.index(b"vermagic=", off, off + size)
        end = data.index(b"\0", at)
        old = bytes(data[at:end])
        # With modversions the kernel ignores the release word of vermagic and
        # compares the flags after it: damage a flag.
        new = old.replace(b"mod_unload", b"mod_unl0ad")
        assert new != old and len(new) == len(old), old
        data[at:end] = new
    elif what == "modversion":
        off, size = secs["__versions"]
        for rec in range(off, off + size, 64):
            name = bytes(data[rec + 8:rec + 64]).split(b"\0")[0]
            if name == b"module_layout":
                crc, = struct.unpack_from("<Q", data, rec)
                struct.pack_into("<Q", data, rec, crc ^ 0xFFFFFFFF)
                break
        else:
            sys.exit("no module_layout record")
    else:
        sys.exit("unknown damage " + what)
    open(dst, "wb").write(data)


main()
