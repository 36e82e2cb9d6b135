#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""hint: lines (modprobe(8), modinfo(8), insmod(8), depmod(8): HINTS). Each failing
tool runs twice under the shim: with stderr on a pseudo-terminal, where exactly one
'hint:' line follows kmod's messages, and with stderr on a pipe, where the bytes are
kmod's alone (the messages are spelled out here, from tools.md). Prints TAP.

usage: test-hints.py BUILD_DIR SHIM
"""
import os
import pty
import shutil
import subprocess
import sys
import tempfile

build, shim = (os.path.abspath(a) for a in sys.argv[1:3])
KVER = "6.1.0-test"
K = f"/lib/modules/{KVER}"

SPEC = f"""kver {KVER}
module kernel/base.ko
  export base_fn 0x1
module kernel/mid.ko
  modinfo depends=base
  export mid_fn 0x2
  undef base_fn
module kernel/top.ko
  modinfo depends=mid
  undef mid_fn
module kernel/post1.ko
module kernel/snd-hda-intel.ko
modules-order
file lib/modules/{KVER}/modules.builtin
kernel/bi.ko
end
file proc/modules
end
mkdir sys/module
"""


def make_root():
    root = tempfile.mkdtemp(prefix="hints-")
    spec = os.path.join(root, ".spec")
    with open(spec, "w") as f:
        f.write(SPEC)
    subprocess.run([os.path.join(build, "testsuite", "modkit-mktree"), spec, root],
                   check=True)
    subprocess.run([os.path.join(build, "src", "depmod"), "-b", root, KVER], check=True,
                   stderr=subprocess.DEVNULL)
    return root


def env_for(root):
    return dict(os.environ, LD_PRELOAD=shim, MODKIT_ROOT=root, MODKIT_UNAME_R=KVER,
                ASAN_OPTIONS="verify_asan_link_order=0")


def run_pipe(root, argv):
    p = subprocess.run(argv, cwd=root, env=env_for(root), stdin=subprocess.DEVNULL,
                       capture_output=True)
    return p.returncode, p.stdout, p.stderr


def run_pty(root, argv):
    """stderr on a pseudo-terminal (stdout on a pipe); the tty's \\r\\n undone."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, cwd=root, env=env_for(root), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    err = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO once the child has closed its side
            break
        if not chunk:
            break
        err += chunk
    os.close(master)
    out = p.stdout.read()
    p.stdout.close()
    return p.wait(), out, err.replace(b"\r\n", b"\n")


def tool(name):
    return os.path.join(build, "src", name)


# (name, setup(root) or None, argv (paths relative to the root), kmod's stderr, hint)
CASES = [
    ("modprobe: a near name (did you mean)", None, ["modprobe", "topp"],
     f"modprobe: FATAL: Module topp not found in directory {K}\n",
     "did you mean top?"),
    ("modprobe: '-' and '_' are equal, a swap is one edit", None,
     ["modprobe", "snd_hda_itnel"],
     f"modprobe: FATAL: Module snd_hda_itnel not found in directory {K}\n",
     "did you mean snd_hda_intel?"),
    ("modprobe -r: did you mean", None, ["modprobe", "-r", "pst1"],
     "modprobe: FATAL: Module pst1 not found.\n", "did you mean post1?"),
    ("modinfo: did you mean, builtin names too", None, ["modinfo", "bj"],
     "modinfo: ERROR: Module bj not found.\n", "did you mean bi?"),
    ("modprobe: nothing close, no hint", None, ["modprobe", "zzzzzz"],
     f"modprobe: FATAL: Module zzzzzz not found in directory {K}\n", None),
    ("modprobe: modules.dep.bin missing: run depmod",
     lambda r: os.unlink(f"{r}{K}/modules.dep.bin"), ["modprobe", "top"],
     f"modprobe: FATAL: Module top not found in directory {K}\n",
     f"{K} has no modules.dep.bin: run depmod"),
    ("modprobe -d: a root that does not exist", None,
     ["modprobe", "-d", "/no/such/root", "top"],
     f"modprobe: FATAL: Module top not found in directory /no/such/root{K}\n",
     "the directory /no/such/root given with -d does not exist"),
    ("modprobe -C: a configuration path that does not exist", None,
     ["modprobe", "-C", "/etc/no-such.d", "topp"],
     f"modprobe: FATAL: Module topp not found in directory {K}\n",
     "the configuration path /etc/no-such.d given with -C does not exist"),
    ("modprobe -S: no module directory for the release", None,
     ["modprobe", "-S", "9.9.9", "top"],
     "modprobe: FATAL: Module top not found in directory /lib/modules/9.9.9\n",
     "/lib/modules/9.9.9 does not exist: no modules for this kernel release (-S chooses another)"),
    ("insmod: a text file", lambda r: open(f"{r}/t.ko", "w").write("hello\n"),
     ["insmod", "t.ko"],
     "insmod: ERROR: could not insert module t.ko: Invalid module format\n",
     "t.ko is a text file, not a kernel module"),
    ("insmod: bzip2, a compression modules cannot have",
     lambda r: open(f"{r}/b.ko", "wb").write(b"BZh91AY&SY" + bytes(20)),
     ["insmod", "b.ko"],
     "insmod: ERROR: could not insert module b.ko: Invalid module format\n",
     "b.ko is compressed with bzip2, which modules cannot be (gzip, xz or zstd)"),
    ("insmod: a truncated ELF file",
     lambda r: open(f"{r}/e.ko", "wb").write(b"\x7fELF\x02\x01\x01" + bytes(9)),
     ["insmod", "e.ko"],
     "insmod: ERROR: could not insert module e.ko: Invalid module format\n",
     "e.ko is an ELF file cut short (16 bytes)"),
    ("insmod: unknown symbol, the exporting module named", None,
     ["insmod", f"lib/modules/{KVER}/kernel/top.ko"],
     f"insmod: ERROR: could not insert module lib/modules/{KVER}/kernel/top.ko: Unknown symbol in module\n",
     "unknown symbols: mid_fn (exported by mid, not loaded); modprobe loads the module with its dependencies (see dmesg)"),
    ("modprobe: the kernel rejects the signature",
     lambda r: open(f"{r}/.shim/errors", "w").write("finit_module top EKEYREJECTED\n"),
     ["modprobe", "top"],
     "modprobe: ERROR: could not insert 'top': Key was rejected by service\n",
     "the kernel refused the module's signature (unsigned, or signed with a key it does not trust): see dmesg"),
    ("insmod: the kernel rejects the format (vermagic)",
     lambda r: open(f"{r}/.shim/errors", "w").write("finit_module base ENOEXEC\n"),
     ["insmod", f"lib/modules/{KVER}/kernel/base.ko"],
     f"insmod: ERROR: could not insert module lib/modules/{KVER}/kernel/base.ko: Invalid module format\n",
     "the kernel refused the format: a module built for another kernel (vermagic), architecture or configuration; see dmesg"),
    ("depmod -b: a base directory that does not exist", None,
     ["depmod", "-b", "/no/such/base", KVER],
     f"depmod: ERROR: could not open directory /no/such/base{K}: No such file or directory\n"
     "depmod: FATAL: could not search modules: No such file or directory\n",
     "the directory /no/such/base given with -b does not exist"),
]


def main():
    print("TAP version 13")
    failed = 0
    for i, (name, setup, argv, kmod_err, hint) in enumerate(CASES, 1):
        problems = []
        results = []
        for runner in (run_pipe, run_pty):
            root = make_root()
            try:
                os.makedirs(f"{root}/.shim", exist_ok=True)
                if setup is not None:
                    setup(root)
                results.append(runner(root, [tool(argv[0])] + argv[1:]))
            finally:
                shutil.rmtree(root, ignore_errors=True)
        (pcode, pout, perr), (tcode, tout, terr) = results
        want_tty = kmod_err + (f"hint: {hint}\n" if hint else "")
        if perr != kmod_err.encode():
            problems.append(f"without a terminal: stderr {perr!r}, want {kmod_err!r}")
        if terr != want_tty.encode():
            problems.append(f"on a terminal: stderr {terr!r}, want {want_tty!r}")
        if pcode != tcode or pcode == 0:
            problems.append(f"exit status {pcode} / {tcode}, want the same non-zero")
        if pout != tout:
            problems.append(f"stdout differs: {pout!r} / {tout!r}")
        if terr.count(b"hint:") > 1:
            problems.append("more than one hint line")
        if problems:
            failed += 1
            print(f"not ok {i} - {name}")
            for p in problems:
                print(f"# {p}")
        else:
            print(f"ok {i} - {name}")
    print(f"1..{len(CASES)}")
    return 1 if failed else 0


sys.exit(main())
