#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks `modprobe --closure` against a computation of its own, from the text files.

usage: closure-check.py ROOT KVER [--names FILE] [--aliases FILE] -- MODPROBE-COMMAND...

ROOT/lib/modules/KVER must hold modules.dep, modules.softdep, modules.weakdep,
modules.alias, modules.builtin and modules.builtin.modinfo. The expected closure of
an operand is worked out here from those text files and from the .modinfo section
of each module file (read with a small ELF reader below), never from modkit's
library: hard dependencies, the first matching softdep line's pre and post names
and the first matching weakdep line's names, each resolved as modprobe resolves a
name (modules.dep name, then modules.alias patterns, then builtin names and
builtin aliases), followed again; the module files, and the firmware each module
names, looked up under ROOT/lib/firmware the way the kernel does. The expected
stdout is the sorted file list; the expected stderr, one WARNING per firmware not
found. No modprobe.d configuration may be in effect (give the command -C EMPTYDIR).

Every module named in modules.dep is checked (or those of --names FILE), one
modprobe run each, then all of them in one run (the union), then the aliases of
--aliases FILE. Prints TAP.
"""
import fnmatch
import gzip
import lzma
import os
import struct
import subprocess
import sys


def read_lines(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read().splitlines()


def modinfo_section(path):
    """The .modinfo entries of a module file (ELF64/32, either byte order)."""
    if path.endswith(".xz"):
        with lzma.open(path) as f:
            data = f.read()
    elif path.endswith(".gz"):
        with gzip.open(path) as f:
            data = f.read()
    elif path.endswith(".zst"):
        data = subprocess.run(["zstd", "-dcq", path], check=True,
                              stdout=subprocess.PIPE).stdout
    else:
        with open(path, "rb") as f:
            data = f.read()
    if data[:4] != b"\x7fELF":
        raise ValueError(f"{path}: not ELF")
    is64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if is64:
        shoff, = struct.unpack_from(end + "Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", data, 0x3A)
        fmt, off_at = end + "IIQQQQ", 4
    else:
        shoff, = struct.unpack_from(end + "I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", data, 0x2E)
        fmt, off_at = end + "IIIIII", 4
    sections = []
    for i in range(shnum):
        fields = struct.unpack_from(fmt, data, shoff + i * shentsize)
        sections.append((fields[0], fields[off_at], fields[off_at + 1]))
    _, stroff, _ = sections[shstrndx]
    for name_off, off, size in sections:
        name_end = data.index(b"\0", stroff + name_off)
        if data[stroff + name_off:name_end] == b".modinfo":
            raw = data[off:off + size]
            return [e.decode("utf-8", "surrogateescape") for e in raw.split(b"\0") if e]
    return []


class Tree:
    def __init__(self, root, kver):
        self.root = root
        self.kver = kver
        self.moddir = f"{root}/lib/modules/{kver}"
        self.dep = {}  # name -> (path, [dependency names])
        for line in read_lines(f"{self.moddir}/modules.dep"):
            if ":" not in line:
                continue
            path, deps = line.split(":", 1)
            self.dep[self.modname(path)] = (path, [self.modname(d) for d in deps.split()])
        self.softdep = self.directives("modules.softdep", "softdep")
        self.weakdep = self.directives("modules.weakdep", "weakdep")
        self.aliases = []
        for line in read_lines(f"{self.moddir}/modules.alias"):
            w = line.split()
            if len(w) >= 3 and w[0] == "alias":
                self.aliases.append((self.underscores(w[1]), w[2]))
        self.builtin = set()
        for line in read_lines(f"{self.moddir}/modules.builtin"):
            if line:
                self.builtin.add(self.modname(line))
        self.builtin_info = {}
        with open(f"{self.moddir}/modules.builtin.modinfo", "rb") as f:
            for rec in f.read().split(b"\0"):
                rec = rec.decode("utf-8", "surrogateescape")
                if "." not in rec or "=" not in rec:
                    continue
                key, value = rec.split("=", 1)
                mod, field = key.split(".", 1)
                self.builtin_info.setdefault(mod, []).append((field, value))
        self.fwdirs = [f"{root}/lib/firmware/updates/{kver}", f"{root}/lib/firmware/updates",
                       f"{root}/lib/firmware/{kver}", f"{root}/lib/firmware"]
        self.fw_cache = {}
        self.info_cache = {}

    @staticmethod
    def modname(path):
        base = os.path.basename(path)
        return base.split(".", 1)[0].replace("-", "_")

    @staticmethod
    def underscores(s):
        out, bracket = [], False
        for c in s:
            if c == "[":
                bracket = True
            elif c == "]":
                bracket = False
            out.append("_" if c == "-" and not bracket else c)
        return "".join(out)

    def directives(self, fname, word):
        """[(pattern, {'pre': [...], 'post': [...]})] or [(pattern, [names])]."""
        out = []
        path = f"{self.moddir}/{fname}"
        if not os.path.exists(path):
            return out
        for line in read_lines(path):
            w = line.split()
            if len(w) < 2 or w[0] != word:
                continue
            if word == "weakdep":
                out.append((self.underscores(w[1]), w[2:]))
                continue
            lists, cur = {"pre": [], "post": []}, None
            for tok in w[2:]:
                if tok in ("pre:", "post:"):
                    cur = tok[:-1]
                elif cur is not None:
                    lists[cur].append(tok)
            out.append((self.underscores(w[1]), lists))
        return out

    def resolve(self, name):
        """The module names modprobe resolves name to (formats.md 7.4)."""
        name = self.underscores(name)
        if name in self.dep:
            return [name]
        found = [m for pat, m in self.aliases if fnmatch.fnmatchcase(name, pat)]
        if found:
            return found
        if name in self.builtin:
            return [name]
        return [mod for mod, info in self.builtin_info.items()
                if any(f == "alias" and fnmatch.fnmatchcase(name, v) for f, v in info)]

    def first_match(self, table, name):
        for pat, value in table:
            if fnmatch.fnmatchcase(name, pat):
                return value
        return None

    def firmware(self, name):
        """Firmware names of a module, modinfo order."""
        if name not in self.info_cache:
            if name in self.dep:
                entries = modinfo_section(f"{self.moddir}/{self.dep[name][0]}")
                fw = [e.split("=", 1)[1] for e in entries if e.startswith("firmware=")]
            else:
                fw = [v for f, v in self.builtin_info.get(name, []) if f == "firmware"]
            self.info_cache[name] = fw
        return self.info_cache[name]

    def find_firmware(self, fw):
        if fw not in self.fw_cache:
            self.fw_cache[fw] = None
            for suffix in ("", ".zst", ".xz"):
                for d in self.fwdirs:
                    p = f"{d}/{fw}{suffix}"
                    if os.path.isfile(p):
                        self.fw_cache[fw] = p
                        break
                if self.fw_cache[fw]:
                    break
        return self.fw_cache[fw]

    def closure(self, names):
        seen, todo = set(), list(names)
        while todo:
            m = todo.pop()
            if m in seen:
                continue
            seen.add(m)
            if m in self.dep:
                todo.extend(self.dep[m][1])
            soft = self.first_match(self.softdep, m)
            if soft:
                for n in soft["pre"] + soft["post"]:
                    todo.extend(self.resolve(n))
            weak = self.first_match(self.weakdep, m)
            if weak:
                for n in weak:
                    todo.extend(self.resolve(n))
        return seen

    def expected(self, names):
        mods = self.closure(names)
        files, err = set(), []
        for m in sorted(mods):
            if m in self.dep:
                files.add(f"{self.moddir}/{self.dep[m][0]}")
            for fw in self.firmware(m):
                p = self.find_firmware(fw)
                if p:
                    files.add(p)
                else:
                    err.append(f"modprobe: WARNING: Module {m}: firmware {fw} not found\n")
        return "".join(f + "\n" for f in sorted(files)), "".join(err)


def main():
    argv = sys.argv[1:]
    sep = argv.index("--")
    opts, cmd = argv[:sep], argv[sep + 1:]
    root, kver = opts[0], opts[1]
    names_file = aliases_file = None
    i = 2
    while i < len(opts):
        if opts[i] == "--names":
            names_file = opts[i + 1]
        elif opts[i] == "--aliases":
            aliases_file = opts[i + 1]
        i += 2
    tree = Tree(root, kver)
    names = read_lines(names_file) if names_file else sorted(tree.dep)
    aliases = read_lines(aliases_file) if aliases_file else []

    def run(operands):
        p = subprocess.run(cmd + ["--closure"] + operands, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        return (p.stdout.decode("utf-8", "surrogateescape"),
                p.stderr.decode("utf-8", "surrogateescape"), p.returncode)

    def check(label, operands, resolved):
        out, err, rc = run(operands)
        exp_out, exp_err = tree.expected(resolved)
        if (out, err, rc) == (exp_out, exp_err, 0):
            return None
        lines = [f"{label}: exit {rc}"]
        got, want = set(out.splitlines()), set(exp_out.splitlines())
        lines += [f"  unexpected {x}" for x in sorted(got - want)[:5]]
        lines += [f"  missing {x}" for x in sorted(want - got)[:5]]
        if err != exp_err:
            lines.append(f"  stderr {err[:300]!r} expected {exp_err[:300]!r}")
        return lines

    print("TAP version 13")
    print("1..3")
    failures = []
    for n in names:
        f = check(n, [n], tree.resolve(n))
        if f:
            failures.append(f)
    print(("not ok" if failures else "ok") +
          f" 1 - closure of each of {len(names)} modules matches the text files")
    for f in failures[:20]:
        for line in f:
            print("# " + line)
    f = check("all at once", names, [r for n in names for r in tree.resolve(n)])
    print(("not ok" if f else "ok") + " 2 - closure of all of them at once (the union)")
    for line in f or []:
        print("# " + line)
    failures = []
    for a in aliases:
        resolved = tree.resolve(a)
        if not resolved:
            continue
        f = check(a, [a], resolved)
        if f:
            failures.append(f)
    print(("not ok" if failures else "ok") + f" 3 - closure of {len(aliases)} aliases")
    for f in failures[:20]:
        for line in f:
            print("# " + line)


if __name__ == "__main__":
    main()
