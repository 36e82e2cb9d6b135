#!/usr/bin/env python3
"""Runs tool transcripts (testsuite/tools/*.t) and prints TAP.

A transcript starts with a modkit-mktree spec (up to a line '---') that builds the
fixture root; then come cases:

    ### name                 a case
    % shell command          setup, run by sh in ROOT before the tool (env ROOT, KVER,
                             BUILD; not under the shim)
    $ tool args...           the command (shell words); tool = a name built in src/,
                             or a path relative to ROOT, run as typed (a link to kmod)
    = NAME=VALUE             extra environment for the command
    > text                   expected stdout line ('>' alone: empty line)
    >? text                  stdout must contain this text (stdout not compared otherwise)
    >*                       stdout is not compared (e.g. our own --help wording)
    >| text                  expected stdout ending without a newline
    >e text                  expected stdout bytes with C-like escapes (\0, \t, \n, \\),
                             no newline added; such lines are concatenated
    ! text                   expected stderr line; '!|' without newline; '!*' ignore
    !~ regex                 expected stderr line matched as a regular expression
    !L text, !L~ regex       expected stderr line that the library logs: with
                             -Dlogging=false (no library messages) it is not expected,
                             and a differential case then leaves stderr out of the
                             comparison with kmod 30
    - close-stderr           run the tool with file descriptor 2 closed
    ? N                      expected exit status (default 0)
    c text                   expected line appended to the shim's calls.log
    c~ regex                 same, matched as a regular expression
    c+ regex                 one or more consecutive calls matching the regex
    c-                       expect no call at all
    @ differential           also run Debian's kmod 30 tool on a copy of the fixture
                             made before our run: same stdout, stderr, exit status and
                             shim calls (ROOT in its output stands for the copy's path)
    f PATH                   expected content of ROOT/PATH follows as 'f> text' lines
    needs FEATURE            the case needs an optional library of the build (zstd, xz,
                             zlib, openssl): without it, TAP SKIP "built with
                             -DFEATURE=disabled"; 'needs logging': the library's
                             messages (TAP SKIP "built with -Dlogging=false")

Lines '% command' between '---' and the first case run once, in ROOT, after the tree
is built (e.g. '% "$BUILD/src/depmod" -b . @KVER@' to index it with our depmod: fixtures
never depend on the host's kmod).

Without Debian's kmod (package kmod, /sbin/<tool>) a differential case still runs and
checks everything it expects of our tool, then reports TAP "ok ... # SKIP" naming the
missing oracle (a failure of its own checks is still "not ok").

@ROOT@ and @KVER@ are substituted everywhere; @LONGNAME@ is 5000 'a' characters;
@FEATURES@ is the build's feature line of --version ("+ZSTD +XZ +ZLIB +OPENSSL" when
all are built), made from the options meson configured ($MODKIT_FEATURES). Every command runs under the shim with
MODKIT_ROOT=ROOT and MODKIT_UNAME_R=KVER, so /lib/modules, /etc/modprobe.d, /proc and
/sys are the fixture's. Stdout, stderr and exit status are compared byte for byte.

usage: run-transcripts.py BUILD_DIR SHIM FILE.t...
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

build, shim = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
files = sys.argv[3:]
mktree = os.path.join(build, "testsuite", "modkit-mktree")
TOOLS = {"insmod", "rmmod", "lsmod", "modprobe", "modinfo", "depmod", "kmod"}


def build_features():
    """The optional libraries meson configured, and 'logging' when the library has
    its messages: $MODKIT_FEATURES, else config.h."""
    if "MODKIT_FEATURES" in os.environ:
        return set(os.environ["MODKIT_FEATURES"].split())
    with open(os.path.join(build, "config.h"), encoding="utf-8") as f:
        return {m.group(1).lower() for m in re.finditer(
            r"^#define ENABLE_(ZSTD|XZ|ZLIB|OPENSSL|LOGGING) 1$", f.read(), re.M)}


FEATURES = build_features()
# setup lines may test it too (e.g. to leave out modules the build cannot read)
os.environ["MODKIT_FEATURES"] = " ".join(sorted(FEATURES))
FEATURE_LINE = " ".join(("+" if f in FEATURES else "-") + f.upper()
                        for f in ("zstd", "xz", "zlib", "openssl"))


class Case:
    def __init__(self, name, lineno):
        self.name, self.lineno = name, lineno
        self.setup, self.cmd, self.env = [], None, {}
        self.out, self.err, self.status = [], [], 0
        self.calls, self.no_calls, self.differential = [], False, False
        self.files = {}
        self.out_nl = self.err_nl = True
        self.ignore_out = self.ignore_err = False
        self.out_raw = None
        self.err_re = False
        self.close_stderr = False
        self.out_has = []
        self.needs = []
        self.lib_err = False  # has '!L' lines


def parse(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    try:
        sep = lines.index("---")
    except ValueError:
        raise SystemExit(f"{path}: no '---' after the spec")
    spec, cases, cur, curfile = lines[:sep], [], None, None
    global_setup = []
    for n, line in enumerate(lines[sep + 1:], start=sep + 2):
        if line.startswith("### "):
            cur = Case(line[4:].strip(), n)
            cases.append(cur)
            curfile = None
            continue
        if line == "" or line.startswith("#"):
            continue
        if cur is None and line.startswith("% "):
            global_setup.append(line[2:])
            continue
        if cur is None:
            raise SystemExit(f"{path}:{n}: directive outside a case")
        tag, _, rest = line.partition(" ")
        if tag == "%":
            cur.setup.append(rest)
        elif tag == "$":
            cur.cmd = rest
        elif tag == "=":
            k, _, v = rest.partition("=")
            cur.env[k] = v
        elif tag == ">?":
            cur.out_has.append(rest)
            cur.ignore_out = True
        elif tag == ">*":
            cur.ignore_out = True
        elif tag == "!*":
            cur.ignore_err = True
        elif tag == ">e":
            raw = rest.encode().decode("unicode_escape").encode("latin-1")
            cur.out_raw = (cur.out_raw or b"") + raw
        elif tag in (">", ">|"):
            cur.out.append(rest)
            cur.out_nl = tag == ">"
        elif tag in ("!L", "!L~"):
            cur.lib_err = True
            if "logging" in FEATURES:
                cur.err.append(("re", rest) if tag == "!L~" else rest)
                cur.err_re = cur.err_re or tag == "!L~"
                cur.err_nl = True
        elif tag == "!~":
            cur.err.append(("re", rest))
            cur.err_re = True
        elif tag == "-" and rest == "close-stderr":
            cur.close_stderr = True
        elif tag in ("!", "!|"):
            cur.err.append(rest)
            cur.err_nl = tag == "!"
        elif tag == "?":
            cur.status = int(rest)
        elif tag == "c":
            cur.calls.append(rest)
        elif tag == "c~":
            cur.calls.append(("re", rest))
        elif tag == "c+":
            cur.calls.append(("re+", rest))
        elif tag == "c-":
            cur.no_calls = True
        elif tag == "@":
            cur.differential = True
        elif tag == "needs":
            cur.needs.append(rest)
        elif tag == "f":
            curfile = rest
            cur.files[curfile] = []
        elif tag == "f>":
            cur.files[curfile].append(rest)
        else:
            raise SystemExit(f"{path}:{n}: unknown directive '{tag}'")
    for c in cases:
        if c.cmd is None:
            raise SystemExit(f"{path}:{c.lineno}: case '{c.name}' has no '$' command")
    return spec, global_setup, cases


def joined(lines, nl):
    if not lines:
        return b""
    text = "\n".join(lines) + ("\n" if nl else "")
    return text.encode()


def subst(s, root, kver):
    return (s.replace("@ROOT@", root).replace("@KVER@", kver)
            .replace("@LONGNAME@", "a" * 5000).replace("@FEATURES@", FEATURE_LINE))


def calls_match(calls, exp):
    i = 0
    for e in exp:
        if isinstance(e, tuple) and e[0] == "re+":
            if i >= len(calls) or not re.fullmatch(e[1], calls[i]):
                return False
            while i < len(calls) and re.fullmatch(e[1], calls[i]):
                i += 1
            continue
        if i >= len(calls):
            return False
        if not (re.fullmatch(e[1], calls[i]) if isinstance(e, tuple) else calls[i] == e):
            return False
        i += 1
    return i == len(calls)


def run_case(case, root, kver, n):
    missing = [f for f in case.needs if f not in FEATURES]
    if missing:
        value = "false" if missing[0] == "logging" else "disabled"
        print(f"ok {n} - {case.name} # SKIP built with -D{missing[0]}={value}")
        return True
    env = dict(os.environ)
    case.err = [e if isinstance(e, tuple) else e.replace("@BUILD@", build) for e in case.err]
    env.update({"LD_PRELOAD": shim, "MODKIT_ROOT": root, "MODKIT_UNAME_R": kver,
                "ROOT": root, "KVER": kver, "BUILD": build, "LC_ALL": "C"})
    env.pop("MODPROBE_OPTIONS", None)
    for k, v in case.env.items():
        env[k] = subst(v, root, kver)
    for s in case.setup:
        subprocess.run(["sh", "-c", subst(s, root, kver)], cwd=root, check=True,
                       env={k: v for k, v in env.items() if k != "LD_PRELOAD"})
    argv = shlex.split(subst(case.cmd, root, kver))
    if "/" in argv[0]:
        # a link made by the case's setup (e.g. ./frob -> $BUILD/src/kmod), run as typed
        exe = argv[0]
    elif argv[0] in TOOLS:
        exe = os.path.join(build, "src", argv[0])
    else:
        raise SystemExit(f"case {case.name}: unknown tool {argv[0]}")
    log = os.path.join(root, ".shim", "calls.log")
    before = open(log, "rb").read() if os.path.exists(log) else b""
    snap = None
    if case.differential:
        snap = root + ".snap"
        shutil.rmtree(snap, ignore_errors=True)
        shutil.copytree(root, snap, symlinks=True)
    ours = subprocess.run([exe] + argv[1:], cwd=root, env=env, capture_output=True,
                          stdin=subprocess.DEVNULL,
                          preexec_fn=(lambda: os.close(2)) if case.close_stderr else None)
    after = open(log, "rb").read() if os.path.exists(log) else b""
    problems = []
    exp_out = subst(joined(case.out, case.out_nl).decode(), root, kver).encode()
    if case.out_raw is not None:
        exp_out = case.out_raw.replace(b"@ROOT@", root.encode()).replace(
            b"@KVER@", kver.encode())
    if case.err_re:
        got = ours.stderr.decode(errors="replace").split("\n")
        if got and got[-1] == "":
            got.pop()
        exps = [e if isinstance(e, tuple) else ("lit", subst(e, root, kver)) for e in case.err]
        ok = len(got) == len(exps) and all(
            re.fullmatch(subst(e[1], root, kver), g) if e[0] == "re" else g == e[1]
            for g, e in zip(got, exps))
        exp_err = ours.stderr if ok else "\n".join(e[1] for e in exps).encode()
    else:
        exp_err = subst(joined(case.err, case.err_nl).decode(), root, kver).encode()
    if ours.stdout != exp_out and not case.ignore_out:
        problems.append(("stdout", ours.stdout, exp_out))
    for text in case.out_has:
        if subst(text, root, kver).encode() not in ours.stdout:
            problems.append(("stdout (missing text)", ours.stdout, text.encode()))
    if ours.stderr != exp_err and not case.ignore_err:
        problems.append(("stderr", ours.stderr, exp_err))
    if ours.returncode != case.status:
        problems.append(("exit status", str(ours.returncode), str(case.status)))
    calls = after[len(before):].decode(errors="replace").splitlines()
    if case.calls or case.no_calls:
        exp_calls = [c if isinstance(c, tuple) else subst(c, root, kver) for c in case.calls]
        ok = calls_match(calls, exp_calls)
        if not ok:
            problems.append(("calls", "\n".join(calls),
                             "\n".join(e[1] if isinstance(e, tuple) else e for e in exp_calls)))
    for path, content in case.files.items():
        full = os.path.join(root, subst(path, root, kver))
        got = open(full, "rb").read() if os.path.exists(full) else b"(missing)"
        exp = subst(joined(content, True).decode(), root, kver).encode()
        if content == ["(missing)"]:
            exp = b"(missing)"
        if got != exp:
            problems.append((path, got, exp))
    skip = None
    if case.differential and oracle_missing(argv[0]):
        skip = oracle_missing(argv[0])
        shutil.rmtree(snap, ignore_errors=True)
    elif case.differential:
        tool = shutil.which(argv[0], path="/sbin:/usr/sbin:/bin:/usr/bin")
        env30 = dict(env)
        # Debian's tools with the system library: never ours
        env30.pop("LD_LIBRARY_PATH", None)
        env30.update({"MODKIT_ROOT": snap, "ROOT": snap})
        for k, v in case.env.items():
            env30[k] = subst(v, snap, kver)
        argv30 = shlex.split(subst(case.cmd, snap, kver))
        slog = os.path.join(snap, ".shim", "calls.log")
        sbefore = open(slog, "rb").read() if os.path.exists(slog) else b""
        theirs = subprocess.run([tool] + argv30[1:], cwd=snap, env=env30,
                                capture_output=True, stdin=subprocess.DEVNULL)
        safter = open(slog, "rb").read() if os.path.exists(slog) else b""
        shutil.rmtree(snap, ignore_errors=True)
        unsnap = lambda b: b.replace(snap.encode(), root.encode())
        compared = [("stdout vs kmod 30", ours.stdout, unsnap(theirs.stdout)),
                    ("stderr vs kmod 30", ours.stderr, unsnap(theirs.stderr)),
                    ("status vs kmod 30", str(ours.returncode), str(theirs.returncode)),
                    ("calls vs kmod 30", after[len(before):], unsnap(safter[len(sbefore):]))]
        if case.lib_err and "logging" not in FEATURES:
            # without the library's messages our stderr lacks what kmod 30's library logs
            del compared[1]
        for what, a, b in compared:
            if a != b:
                problems.append((what, a, b))
    if problems:
        print(f"not ok {n} - {case.name}")
        print(f"# $ {subst(case.cmd, root, kver)}")
        for what, got, exp in problems:
            print(f"# {what} differs:")
            for label, v in (("got", got), ("expected", exp)):
                text = v if isinstance(v, str) else v.decode(errors="replace")
                print(f"#   {label}:")
                for l in text.split("\n"):
                    print(f"#     |{l}")
        return False
    if skip:
        print(f"ok {n} - {case.name} # SKIP {skip}")
    else:
        print(f"ok {n} - {case.name}")
    return True


def oracle_missing(tool):
    """Why Debian's kmod 30 cannot serve as the oracle for TOOL, or None."""
    path = shutil.which(tool, path="/sbin:/usr/sbin:/bin:/usr/bin")
    if path is None or not os.path.realpath(path).endswith("/kmod"):
        return f"differential part: Debian's kmod (package kmod) not installed ({tool})"
    r = subprocess.run([os.path.realpath(path), "--version"], capture_output=True, text=True,
                       env={k: v for k, v in os.environ.items()
                            if k not in ("LD_PRELOAD", "LD_LIBRARY_PATH")})
    if r.returncode != 0 or "modkit" in r.stdout or not r.stdout.startswith("kmod version"):
        return f"differential part: {path} is not Debian's kmod"
    return None


def main():
    print("TAP version 13")
    n = failed = 0
    for path in files:
        spec, global_setup, cases = parse(path)
        tmp = tempfile.mkdtemp(prefix="modkit-tools-")
        root = os.path.join(tmp, "root")
        try:
            kver = "6.1.0-test"
            for line in spec:
                if line.strip().startswith("kver "):
                    kver = line.split()[1]
                    break
            r = subprocess.run([mktree, "-", root], input="\n".join(spec) + "\n",
                               text=True, capture_output=True)
            if r.returncode != 0:
                n += 1
                failed += 1
                print(f"not ok {n} - {os.path.basename(path)}: fixture: {r.stderr.strip()}")
                continue
            env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
            env.update({"ROOT": root, "KVER": kver, "BUILD": build})
            for s in global_setup:
                subprocess.run(["sh", "-c", subst(s, root, kver)], cwd=root, check=True,
                               env=env)
            for case in cases:
                n += 1
                case.name = f"{os.path.basename(path)[:-2]}: {case.name}"
                if not run_case(case, root, kver, n):
                    failed += 1
        finally:
            if not os.environ.get("MODKIT_TEST_KEEP"):
                shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{n}")
    return 1 if failed else 0


sys.exit(main())
