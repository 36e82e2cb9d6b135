#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""modprobe -a --jobs=N against the sequential modprobe -a, behind the shim.

usage: test-jobs.py BUILD_DIR MKTREE SHIM

Each scenario starts from a fresh copy of one fixture (modkit-mktree + our depmod)
and runs `modprobe -a ARGS` once and `modprobe -a --jobs=N ARGS` for several N, each
on its own copy. Required: the same stdout, stderr (the library's context address
masked), exit status, and end state (the fixture's /proc/modules lines and
sys/module tree, the install commands' log, the multiset of module syscalls with
their parameters). Then the parallel run's calls.log order: each module that ended
loaded had its last insertion call after the last one of each dependency and pre
softdep that ended loaded, and before those of its post softdeps. Prints TAP.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

build, mktree, shim = (os.path.realpath(a) for a in sys.argv[1:4])
modprobe = os.path.join(build, "src", "modprobe")
depmod = os.path.join(build, "src", "depmod")
KVER = "1.0"

SPEC = """
kver 1.0
# a deep chain: c8 needs c7 ... needs c1
module kernel/chain/c1.ko
  export c1_fn
""" + "".join(f"""module kernel/chain/c{i}.ko
  modinfo depends=c{i - 1}
  undef c{i - 1}_fn
  export c{i}_fn
""" for i in range(2, 9)) + """
# one base shared by six users, two of them also sharing a middle module
module kernel/shared/base.ko
  export base_fn
module kernel/shared/middle.ko
  modinfo depends=base
  undef base_fn
  export middle_fn
""" + "".join(f"""module kernel/shared/user{i}.ko
  modinfo depends={'middle' if i <= 2 else 'base'}
  undef {'middle_fn' if i <= 2 else 'base_fn'}
""" for i in range(1, 7)) + """
# softdeps: sa pre: sp1 sp2, post: spost; sp2 itself needs base
module kernel/soft/sa.ko
  modinfo softdep=pre: sp1 sp2 post: spost
module kernel/soft/sp1.ko
module kernel/soft/sp2.ko
  modinfo depends=base
  undef base_fn
module kernel/soft/spost.ko
module kernel/soft/sb.ko
  modinfo softdep=pre: sp1
# install commands
module kernel/inst/inst1.ko
module kernel/inst/inst2.ko
  modinfo depends=base
  undef base_fn
module kernel/inst/after.ko
# failures
module kernel/fail/bad.ko
module kernel/fail/baddep.ko
  export baddep_fn
module kernel/fail/needsbad1.ko
  modinfo depends=baddep
  undef baddep_fn
module kernel/fail/needsbad2.ko
  modinfo depends=baddep
  undef baddep_fn
module kernel/fail/flaky.ko
  export flaky_fn
module kernel/fail/needsflaky1.ko
  modinfo depends=flaky
  undef flaky_fn
module kernel/fail/needsflaky2.ko
  modinfo depends=flaky
  undef flaky_fn
module kernel/fail/softbad.ko
  modinfo softdep=pre: bad
# blacklist and aliases
module kernel/bl/blk.ko
  modinfo alias=blkalias
module kernel/bl/twin1.ko
  modinfo alias=twins
module kernel/bl/twin2.ko
  modinfo alias=twins
  modinfo depends=base
  undef base_fn
module kernel/opt/withopt.ko
modules-order
file lib/modules/@KVER@/modules.builtin
kernel/bi.ko
end
file etc/modprobe.d/test.conf
options withopt p=1 q="a b"
options base basep=7
blacklist blk
install inst1 echo "inst1:$MODPROBE_MODULE:$CMDLINE_OPTS" >> install.log; echo inst1-stderr >&2
install inst2 echo "inst2" >> install.log && @MODPROBE@ --ignore-install inst2
install after echo after >> install.log; false
end
file .shim/errors
* bad EINVAL
* baddep ENOEXEC
* flaky EAGAIN 1
end
"""

SCENARIOS = [
    ("deep chain, every level named, deepest last", "c8 c3 c5 c1 c7 c2 c6 c4".split()),
    ("shared dependencies", "user1 user2 user3 user4 user5 user6 middle base".split()),
    ("softdeps pre and post", "sa sb sp2 spost user3".split()),
    ("install commands (one loading through modprobe) between loads",
     "user1 inst1 c4 inst2 user5 after c6 inst1".split()),
    ("failures: a module, a shared dependency, a transient EAGAIN, a softdep",
     "bad needsbad1 c3 needsbad2 needsflaky1 needsflaky2 softbad user2".split()),
    ("blacklist through an alias, an alias for two modules, not found, builtin, options",
     "blkalias twins nosuchmod bi withopt c2 blk".split()),
    ("everything at once",
     ("c8 user1 sa inst1 bad needsbad1 user2 needsflaky1 blkalias twins c4 inst2 "
      "needsbad2 needsflaky2 sb after user6 withopt softbad nosuchmod c1").split()),
]
# extra options per variant: the runs are compared within each variant
VARIANTS = [
    ("", []),
    ("-v", ["-v"]),
    ("--first-time", ["--first-time"]),
    ("-b -v", ["-b", "-v"]),
    ("-n -v", ["-n", "-v"]),
    ("-i", ["-i"]),
]
JOBS = ["--jobs=1", "--jobs=2", "--jobs=3", "--jobs=8", "--jobs"]
# loaded before the run in the "preloaded" copies
PRELOAD = ["c2", "middle"]


def make_fixture(tmp):
    root = os.path.join(tmp, "fixture")
    spec = SPEC.replace("@MODPROBE@", modprobe)
    r = subprocess.run([mktree, "-", root], input=spec, text=True, capture_output=True)
    if r.returncode != 0:
        raise SystemExit(f"Bail out! modkit-mktree: {r.stderr.strip()}")
    r = subprocess.run([depmod, "-b", root, KVER], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"Bail out! depmod: {r.stderr.strip()}")
    os.makedirs(os.path.join(root, "proc"), exist_ok=True)
    open(os.path.join(root, "proc", "cmdline"), "w").close()
    return root


def env_for(root):
    env = {k: v for k, v in os.environ.items() if k != "MODPROBE_OPTIONS"}
    env.update({"LD_PRELOAD": shim, "MODKIT_ROOT": root, "MODKIT_UNAME_R": KVER,
                "LC_ALL": "C"})
    return env


def run(root, argv):
    # stdout line-buffered, as on a terminal, in both runs: with a pipe the
    # sequential run's own lines come out at exit, after those of the install
    # commands it ran (tools.md 6.4), and the parallel run keeps them per operand
    p = subprocess.run(["stdbuf", "-oL", modprobe] + argv, cwd=root, env=env_for(root),
                       capture_output=True, stdin=subprocess.DEVNULL, timeout=300)
    err = re.sub(rb"ctx=0x[0-9a-f]+", b"ctx=PTR", p.stderr)
    return p.stdout, err, p.returncode


def end_state(root):
    state = {}
    pm = os.path.join(root, "proc", "modules")
    # holders are listed in the order they were loaded: compared as a set
    lines = open(pm).read().splitlines() if os.path.exists(pm) else []
    state["proc/modules"] = sorted(
        " ".join(w[:3] + [",".join(sorted(w[3].split(",")))] + w[4:])
        for w in (line.split() for line in lines))
    tree = []
    sysmod = os.path.join(root, "sys", "module")
    for d, dirs, files in os.walk(sysmod):
        for f in files:
            p = os.path.join(d, f)
            rel = os.path.relpath(p, sysmod)
            tree.append(rel + "=" + open(p, errors="replace").read())
        for x in dirs:
            tree.append(os.path.relpath(os.path.join(d, x), sysmod) + "/")
    state["sys/module"] = sorted(tree)
    il = os.path.join(root, "install.log")
    state["install.log"] = sorted(open(il).read().splitlines()) if os.path.exists(il) else []
    state["calls"] = sorted(calls(root))
    return state


def calls(root):
    log = os.path.join(root, ".shim", "calls.log")
    return open(log).read().splitlines() if os.path.exists(log) else []


def modules_dep(root):
    deps = {}
    for line in open(os.path.join(root, "lib", "modules", KVER, "modules.dep")):
        path, rest = line.split(":", 1)
        name = lambda p: os.path.basename(p).split(".")[0]
        deps[name(path)] = [name(p) for p in rest.split()]
    return deps


def softdeps(root):
    pre, post = {}, {}
    for line in open(os.path.join(root, "lib", "modules", KVER, "modules.softdep")):
        w = line.split()
        if len(w) < 2 or w[0] != "softdep":
            continue
        cur = None
        for t in w[2:]:
            if t in ("pre:", "post:"):
                cur = pre if t == "pre:" else post
            elif cur is not None:
                cur.setdefault(w[1], []).append(t)
    return pre, post


def order_problems(root, deps, pre, post):
    """Load-order violations in root's calls.log (pre/post None: not checked)."""
    loaded = {line.split()[0] for line in open(os.path.join(root, "proc", "modules"))} \
        if os.path.exists(os.path.join(root, "proc", "modules")) else set()
    last = {}
    for i, c in enumerate(calls(root)):
        m = re.match(r"(?:f?init_module) name=(\S+)", c)
        if m:
            last[m.group(1)] = i
    problems = []
    for m in loaded:
        if m not in last:
            continue
        before = deps.get(m, []) + (pre.get(m, []) if pre is not None else [])
        for d in before:
            if d in loaded and d in last and last[d] > last[m]:
                problems.append(f"{m} inserted before its dependency or pre softdep {d}")
        for p in post.get(m, []) if post is not None else []:
            if p in loaded and p in last and last[p] < last[m]:
                problems.append(f"post softdep {p} inserted before {m}")
    return problems


def main():
    print("TAP version 13")
    tmp = tempfile.mkdtemp(prefix="modkit-jobs-")
    n = failed = 0
    try:
        fixture = make_fixture(tmp)
        deps = modules_dep(fixture)
        pre, post = softdeps(fixture)
        for preload in (False, True):
            for vname, vopts in VARIANTS:
                for sname, args in SCENARIOS:
                    if preload and vname not in ("", "--first-time"):
                        continue
                    n += 1
                    label = (f"{sname} [{vname or 'no options'}"
                             f"{', ' + '/'.join(PRELOAD) + ' loaded before' if preload else ''}]")
                    results = {}
                    problems = []
                    for mode in ["sequential"] + JOBS:
                        root = os.path.join(tmp, f"run-{n}-{mode.strip('-').replace('=', '')}")
                        shutil.copytree(fixture, root, symlinks=True)
                        if preload:
                            for m in PRELOAD:
                                r = run(root, [m])
                                if r[2] != 0:
                                    problems.append(f"preloading {m} failed: {r[1]!r}")
                            os.remove(os.path.join(root, ".shim", "calls.log"))
                        argv = ["-a"] + vopts + ([] if mode == "sequential" else [mode]) + args
                        out, err, rc = run(root, argv)
                        results[mode] = (out, err, rc, end_state(root))
                        # with -i the named modules' softdeps are not loaded first
                        soft = (None, None) if "-i" in vopts else (pre, post)
                        problems += [f"{mode}: {p}" for p in
                                     order_problems(root, deps, *soft)]
                        if not os.environ.get("MODKIT_TEST_KEEP"):
                            shutil.rmtree(root)
                    seq = results["sequential"]
                    for mode in JOBS:
                        got = results[mode]
                        for what, a, b in (("stdout", seq[0], got[0]), ("stderr", seq[1], got[1]),
                                           ("exit status", seq[2], got[2])):
                            if a != b:
                                problems.append(f"{mode}: {what} differs:\n  sequential {a!r}\n"
                                                f"  parallel   {b!r}")
                        for k in seq[3]:
                            if seq[3][k] != got[3][k]:
                                problems.append(f"{mode}: end state {k} differs:\n"
                                                f"  sequential {seq[3][k]!r}\n"
                                                f"  parallel   {got[3][k]!r}")
                    # the scenario must do something: a run that loads nothing proves little
                    if not seq[3]["calls"] and "-n" not in vopts:
                        problems.append("the sequential run made no module syscall")
                    if problems:
                        failed += 1
                        print(f"not ok {n} - {label}")
                        for p in problems[:10]:
                            for line in p.splitlines():
                                print("# " + line)
                    else:
                        print(f"ok {n} - {label}")
        # refused uses, each expected message written out here
        for argv, msg in (
                (["--jobs=2", "c1"], "--jobs goes with -a, for loading only."),
                (["-r", "-a", "--jobs=2", "c1"], "--jobs goes with -a, for loading only."),
                (["-D", "-a", "--jobs", "c1"], "--jobs goes with -a, for loading only."),
                (["-a", "--jobs=0", "c1"], "unexpected jobs value '0' (1 to 1024)."),
                (["-a", "--jobs=2x", "c1"], "unexpected jobs value '2x' (1 to 1024)."),
                (["-a", "--jobs=1025", "c1"], "unexpected jobs value '1025' (1 to 1024).")):
            n += 1
            root = os.path.join(tmp, f"refused-{n}")
            shutil.copytree(fixture, root, symlinks=True)
            got = run(root, argv)
            want = (b"", f"modprobe: ERROR: {msg}\n".encode(), 1)
            if got == want and not calls(root):
                print(f"ok {n} - refused: {' '.join(argv)}")
            else:
                failed += 1
                print(f"not ok {n} - refused: {' '.join(argv)}")
                print(f"# got {got!r}, calls {calls(root)!r}")
    finally:
        if not os.environ.get("MODKIT_TEST_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
