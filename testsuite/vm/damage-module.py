#!/usr/bin/env python3
"""Writes a copy of a 64-bit little-endian module with one thing broken, for the
--force-vermagic / --force-modversion scenarios:

  vermagic    the kernel release inside .modinfo's vermagic= becomes another one
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


def main():
    what, src, dst = sys.argv[1:4]
    data = bytearray(open(src, "rb").read())
    secs = sections(data)
    if what == "vermagic":
        off, size = secs[".modinfo"]
        at = data.index(b"vermagic=", off, off + size)
        release = data.index(b" ", at)
        old = bytes(data[at + 9:release])
        new = old.replace(b"-50-", b"-99-")
        assert new != old and len(new) == len(old), old
        data[at + 9:release] = new
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
