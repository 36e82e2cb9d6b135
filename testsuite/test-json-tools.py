#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every --json form of the tools, on modkit-mktree fixtures under the shim (TAP).

Each document is parsed with Python's json module and checked against
testsuite/json/schema.json (json/jsoncheck.py), and then against the text output of
the same tool on the same fixture: the text is rebuilt from the document (or the
document's values are compared with what -F, -0, -R, -D, -c, ... print), so that a
value can only pass if both outputs agree. The fixture's own contents give the
expected values of a few members besides (non-UTF-8 bytes, parameters, a signed
module, builtin modules, holders, sort orders). Exit status and stderr of a --json run
must equal those of the text run.

lsmod's consistent snapshot is checked by unloading (and loading) modules while lsmod
is in the middle of reading: a module's refcnt is a FIFO, and the change is made
once lsmod has opened it, before it can read it (no timing involved).

usage: test-json-tools.py BUILD_DIR SHIM MKTREE
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback

build, shim, mktree = (os.path.abspath(a) for a in sys.argv[1:4])
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "json"))
import jsoncheck  # noqa: E402

KVER = "6.1.0-test"
SCHEMA = jsoncheck.load_schema()
TMP = tempfile.mkdtemp(prefix="modkit-json-")
print("TAP version 13", flush=True)

TREE = r"""
kver 6.1.0-test
module kernel/m.ko
  modinfo author=A. Author
  modinfo description=caf\xe9 au lait
  modinfo license=GPL
  modinfo parm=p1:first param
  modinfo parmtype=p1:int
  modinfo parm=p2:second \xff
  modinfo parmtype=p3:charp
  modinfo alias=foo-bar
  modinfo alias=char-major-10-200
  modinfo alias=devname:m-ctl
  modinfo author=Second Author
  modinfo softdep=pre: x_tables post: signed
  modinfo weakdep=multi1 multi2
  modinfo utf8=caf\xc3\xa9 \xe2\x82\xac
  modinfo depends=x_tables
  export m_sym 0x1234
  undef xt_register
module kernel/x_tables.ko
  export xt_register 0x11
  export-gpl xt_unregister 0x22
  version 0x1234abcd module_layout
  version 0xdeadbeef printk
module kernel/signed.ko
  modinfo license=GPL
  sign
module kernel/multi1.ko
  modinfo alias=multi:x
module kernel/multi2.ko
  modinfo alias=multi:*
module kernel/blk.ko.xz
  modinfo alias=block-major-259-7
  modinfo alias=devname:nvme-fabrics/ctl
module kernel/noexp.ko
modules-order
file lib/modules/@KVER@/modules.builtin
kernel/bi.ko
kernel/bi2.ko
end
binfile lib/modules/@KVER@/modules.builtin.modinfo
bi.license=GPL\0bi.description=Builtin thing\0bi.parm=bp:builtin param\0bi.parmtype=bp:int\0bi.alias=bi-alias\0bi2.license=GPL\0
end
file etc/modprobe.d/a.conf
blacklist bl-x
install inst /bin/true $CMDLINE_OPTS
remove rmc /bin/false
alias my-alias m
options m  p1=2 p3="a b"
softdep m pre: x_tables post: signed
weakdep m multi1
end
file proc/cmdline
x_tables.fromcmd=1 modprobe.blacklist=a-b
end
file proc/modules
end
file garbage.ko
This is not an ELF file, only text that is long enough to hold an ELF header.
end
"""
# blk is a plain .ko in a build without xz (whose depmod fails on .ko.xz by design);
# MODKIT_FEATURES is what meson configured
if "xz" not in os.environ.get("MODKIT_FEATURES", "xz").split():
    TREE = TREE.replace("module kernel/blk.ko.xz\n", "module kernel/blk.ko\n")

# lsmod: holders, every state, taint, parameters (one not UTF-8, one unreadable).
# name, size, refcnt, holders, initstate, taint
LOADED = [
    ("nf_b", 12288, 0, [], "live", "", {"debug": b"N"}),
    ("nf_a", 4096, 3, ["nf_b", "xt_c"], "live", "O", {}),
    ("xt_c", 4096, 0, [], "coming", None, {"name": b"caf\xe9", "opt": b"a b"}),
    ("x_tables", 53248, 2, ["nf_a"], "going", "OE", {}),
]


def lsmod_spec():
    lines = ["kver 6.1.0-test", "file proc/modules"]
    for name, size, refcnt, holders, *_ in LOADED:
        lines.append(f"{name} {size} {refcnt} {''.join(h + ',' for h in holders) or '-'}"
                     " Live 0x0")
    lines.append("end")
    for name, size, refcnt, holders, state, taint, params in LOADED:
        d = f"sys/module/{name}"
        lines += [f"file {d}/coresize", str(size), "end",
                  f"file {d}/refcnt", str(refcnt), "end", f"mkdir {d}/holders"]
        for h in holders:
            lines.append(f"symlink ../../{h} {d}/holders/{h}")
        if state != "coming":
            lines += [f"file {d}/initstate", state, "end"]
        if taint is not None:
            lines += [f"file {d}/taint", taint, "end"]
        for p, v in params.items():
            esc = "".join(chr(b) if 0x20 < b < 0x7f and b != 0x5c else f"\\x{b:02x}"
                          for b in v + b"\n")
            lines += [f"binfile {d}/parameters/{p}", esc, "end"]
    return "\n".join(lines) + "\n"


# ---- TAP ---------------------------------------------------------------------------

n_cases = 0
n_failed = 0


class Fail(Exception):
    pass


def case(name):
    def wrap(fn):
        global n_cases, n_failed
        n_cases += 1
        try:
            fn()
            print(f"ok {n_cases} - {name}")
        except Exception as e:  # noqa: BLE001 - every failure is reported
            n_failed += 1
            print(f"not ok {n_cases} - {name}")
            text = str(e) if isinstance(e, Fail) else traceback.format_exc()
            for line in text.splitlines()[:60]:
                print(f"# {line}")
        sys.stdout.flush()
        return fn
    return wrap


def eq(got, exp, what):
    if got != exp:
        raise Fail(f"{what}:\n  got:      {got!r}\n  expected: {exp!r}")


def true(cond, what):
    if not cond:
        raise Fail(what)


# ---- fixtures and runs ---------------------------------------------------------------

def make_root(spec, name, index=True):
    root = os.path.join(TMP, name)
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run([mktree, "-", root], input=spec.encode(), check=True)
    if index:
        run(root, "depmod", "-b", ".", KVER, check=True)
    return root


def env_for(root, kver=KVER):
    env = dict(os.environ)
    env.update({"LD_PRELOAD": shim, "MODKIT_ROOT": root, "MODKIT_UNAME_R": kver,
                "LC_ALL": "C"})
    env.pop("MODPROBE_OPTIONS", None)
    return env


def run(root, tool, *args, kver=KVER, check=False):
    exe = os.path.join(build, "src", tool)
    p = subprocess.run([exe, *args], cwd=root, env=env_for(root, kver),
                       capture_output=True, stdin=subprocess.DEVNULL)
    if check and p.returncode != 0:
        raise Fail(f"{tool} {' '.join(args)} exited {p.returncode}: {p.stderr!r}")
    return p


def document(p, what):
    doc, problems = jsoncheck.check_text(p.stdout, SCHEMA)
    if problems:
        raise Fail(f"{what}: the document breaks the schema:\n" + "\n".join(problems[:20])
                   + f"\n{p.stdout[:600]!r}")
    return doc


def same_outcome(pj, pt, what):
    eq(pj.returncode, pt.returncode, f"{what}: exit status, --json vs text")
    eq(pj.stderr, pt.stderr, f"{what}: stderr, --json vs text")


def raw(obj, key, value=None):
    """The bytes behind a string member (or one of its array elements)."""
    s = obj[key] if value is None else value
    if s is None:
        return None
    if obj.get(key + "_invalid_utf8") is True:
        try:
            b = s.encode("latin-1")
            b.decode("utf-8")
        except UnicodeEncodeError:
            return s.encode()
        except UnicodeDecodeError:
            return b
    return s.encode()


def raws(obj, key):
    return [raw(obj, key, v) for v in obj[key]]


def lines(data):
    out = data.split(b"\n")
    if out and out[-1] == b"":
        out.pop()
    return out


def kernel_split(s):
    """Words of a module option string: blanks outside double quotes separate."""
    words, cur, quoted, started = [], b"", False, False
    for c in s:
        ch = bytes([c])
        if ch == b'"':
            quoted = not quoted
        if ch in b" \t\n" and not quoted:
            if started:
                words.append(cur)
            cur, started = b"", False
            continue
        cur += ch
        started = True
    if started:
        words.append(cur)
    return words


# ---- the checker itself can fail -------------------------------------------------------

@case("the schema checker rejects documents that break the schema or the flag rule")
def _():
    good = b'{"schema":1,"tool":"static-nodes","devices":[]}\n'
    eq(jsoncheck.check_text(good, SCHEMA)[1], [], "a good document")
    bad = [
        b'{"schema":2,"tool":"static-nodes","devices":[]}\n',
        b'{"schema":1,"tool":"static-nodes"}\n',
        b'{"schema":1,"tool":"static-nodes","devices":[],"x":1}\n',
        b'{"schema":1,"tool":"static-nodes","devices":[{"module":"m","devname":"d",'
        b'"type":"c","major":1,"minor":2}]}\n',
        b'{"schema":1,"tool":"lsmod","modules":[{"name":"m","size":"1","refcount":0,'
        b'"holders":[],"state":null,"taint":null,"parameters":{}}]}\n',
        b'{"schema":1,"tool":"lsmod","modules":[{"name":"m","size":1,"refcount":0,'
        b'"holders":"a,b","state":null,"taint":null,"parameters":{}}]}\n',
        # a flag without a Latin-1 string, and one that does not follow its member
        b'{"schema":1,"tool":"lsmod","modules":[{"name":"m","size":1,"refcount":0,'
        b'"holders":[],"state":null,"taint":"x","taint_invalid_utf8":true,"parameters":{}}]}\n',
        b'{"schema":1,"tool":"lsmod","modules":[{"name":"m","size":1,"refcount":0,'
        b'"holders":[],"state":null,"taint":"\\u00e9","parameters":{},'
        b'"taint_invalid_utf8":true}]}\n',
        b'{"schema":1,"tool":"static-nodes","devices":[]}',
        b'{"schema":1,"tool":"static-nodes",\n"devices":[]}\n',
        b'{"schema":1,"tool":"static-nodes","devices":[]\n',
        b'{"schema":1,"tool":"static-nodes","devices":["\xff"]}\n',
    ]
    for b in bad:
        true(jsoncheck.check_text(b, SCHEMA)[1], f"accepted: {b!r}")


# ---- modinfo ---------------------------------------------------------------------------

tree = make_root(TREE, "tree")
MODINFO_ARGS = ["m", "signed", "bi", "multi:x", "nosuch", "garbage.ko", "bi2", "blk",
                "/lib/modules/6.1.0-test/kernel/x_tables.ko"]


def modinfo_param_text(p, f_mode):
    """The parm line kmod prints for one parameter (tools.md 7)."""
    name, desc, typ = raw(p, "name"), raw(p, "description"), raw(p, "type")
    if desc is not None and typ is not None:
        return name + b":" + desc + b" (" + typ + b")"
    if desc is not None:
        return name + b":" + desc
    return name + (b": (" + typ + b")" if f_mode else b":" + typ)


def modinfo_operand(mod):
    return ["-m", mod["name"]] if mod["builtin"] else [mod["filename"]]


@case("modinfo --json: schema, exit status and messages of the text run")
def _():
    pj = run(tree, "modinfo", "--json", *MODINFO_ARGS)
    pt = run(tree, "modinfo", *MODINFO_ARGS)
    doc = document(pj, "modinfo --json")
    same_outcome(pj, pt, "modinfo")
    eq(pj.returncode, 1, "exit status (nosuch, garbage.ko)")
    eq([r["argument"] for r in doc["results"]], MODINFO_ARGS, "one object per argument")


@case("modinfo --json: modules and file names are those of -F filename")
def _():
    doc = document(run(tree, "modinfo", "--json", *MODINFO_ARGS), "modinfo")
    for r in doc["results"]:
        t = run(tree, "modinfo", "-F", "filename", r["argument"])
        exp = lines(t.stdout)
        eq([m["filename"].encode() if m["filename"] else b"(builtin)" for m in r["modules"]],
           exp, f"modules of {r['argument']}")
        for m in r["modules"]:
            eq(m["builtin"], m["filename"] is None, f"builtin of {m['name']}")


@case("modinfo --json: every field and value equals modinfo -F of that field")
def _():
    doc = document(run(tree, "modinfo", "--json", *MODINFO_ARGS), "modinfo")
    checked = 0
    for r in doc["results"]:
        for m in r["modules"]:
            for key in m["fields"]:
                if key.endswith("_invalid_utf8"):
                    continue
                t = run(tree, "modinfo", "-F", key, *modinfo_operand(m))
                eq(raws(m["fields"], key), lines(t.stdout), f"{m['name']}: -F {key}")
                checked += 1
            t = run(tree, "modinfo", "-F", "parm", *modinfo_operand(m))
            eq([modinfo_param_text(p, True) for p in reversed(m["parameters"])],
               lines(t.stdout), f"{m['name']}: -F parm")
    true(checked >= 15, f"only {checked} fields compared")


@case("modinfo --json: the whole -0 listing is in the document, nothing more")
def _():
    doc = document(run(tree, "modinfo", "--json", *MODINFO_ARGS), "modinfo")
    for r in doc["results"]:
        for m in r["modules"]:
            if m["error"] is not None:
                continue
            t = run(tree, "modinfo", "-0", *modinfo_operand(m))
            items = t.stdout.split(b"\0")
            eq(items[-1], b"", "-0 output ends with NUL")
            fields, parms, sig = {}, [], {}
            for it in items[:-1]:
                if re.match(rb"(name|filename|parm): +", it):
                    k, v = it.split(b":", 1)
                    if k == b"parm":
                        parms.append(v[len(b"           "):])
                    elif k == b"filename":
                        eq(v.strip(), m["filename"].encode() if m["filename"]
                           else b"(builtin)", "filename")
                    continue
                k, _, v = it.partition(b"=")
                k = k.decode()
                if k in ("sig_id", "signer", "sig_key", "sig_hashalgo", "signature"):
                    sig[k] = re.sub(rb"\s", b"", v) if k in ("sig_key", "signature") else v
                else:
                    fields.setdefault(k, []).append(v)
            got = {k: raws(m["fields"], k) for k in m["fields"]
                   if not k.endswith("_invalid_utf8")}
            eq(got, fields, f"{m['name']}: fields vs -0")
            eq([modinfo_param_text(p, False) for p in reversed(m["parameters"])], parms,
               f"{m['name']}: parameters vs -0")
            js = {k: raw(m["signature"], k) for k in m["signature"]
                  if m["signature"][k] is not None and not k.endswith("_invalid_utf8")} \
                if m["signature"] else {}
            eq(js, sig, f"{m['name']}: signature vs -0")


@case("modinfo --json: non-UTF-8 bytes are given as Latin-1 and flagged")
def _():
    doc = document(run(tree, "modinfo", "--json", "m"), "modinfo m")
    m = doc["results"][0]["modules"][0]
    f = m["fields"]
    eq(f["description"], ["caf\u00e9 au lait"], "description as Latin-1")
    eq(f.get("description_invalid_utf8"), True, "description flagged")
    eq(raws(f, "description"), [b"caf\xe9 au lait"], "the bytes come back")
    eq(f["utf8"], ["caf\u00e9 \u20ac"], "valid UTF-8 is kept as it is")
    true("utf8_invalid_utf8" not in f, "valid UTF-8 is not flagged")
    eq(f["author"], ["A. Author", "Second Author"], "a repeated key is an array")
    eq(f["license"], ["GPL"], "a single key is an array too")
    eq(m["parameters"], [
        {"name": "p1", "type": "int", "description": "first param"},
        {"name": "p2", "type": None, "description": "second \u00ff",
         "description_invalid_utf8": True},
        {"name": "p3", "type": "charp", "description": None}], "parameters split")
    eq(m["signature"], None, "unsigned")
    eq(m["error"], None, "no error")


@case("modinfo --json: signed module, builtin modules, alias with several modules")
def _():
    doc = document(run(tree, "modinfo", "--json", "signed", "bi", "bi2", "multi:x",
                       "garbage.ko"), "modinfo")
    sig = doc["results"][0]["modules"][0]["signature"]
    if "openssl" in os.environ.get("MODKIT_FEATURES", "openssl").split():
        eq((sig["sig_id"], sig["signer"], sig["sig_hashalgo"]),
           ("PKCS#7", "Throwaway test signing key", "sha256"), "signature fields")
        for k in ("sig_key", "signature"):
            true(re.fullmatch(r"([0-9A-F]{2}:)+[0-9A-F]{2}", sig[k]), f"{k} is hex: {sig[k]!r}")
    else:
        # without libcrypto the PKCS#7 blob is not decoded (README, Dependencies): no
        # key id nor signature bytes, so those two fields are left out (null)
        eq((sig["sig_id"], sig["signer"], sig["sig_hashalgo"], sig["sig_key"], sig["signature"]),
           ("PKCS#7", "", "unknown", None, None), "signature fields without openssl")
    bi = doc["results"][1]["modules"][0]
    eq((bi["name"], bi["filename"], bi["builtin"]), ("bi", None, True), "builtin bi")
    eq(bi["fields"], {"license": ["GPL"], "description": ["Builtin thing"],
                      "alias": ["bi-alias"]}, "builtin fields")
    eq(bi["parameters"], [{"name": "bp", "type": "int", "description": "builtin param"}],
       "builtin parameters")
    eq(doc["results"][2]["modules"][0]["fields"], {"license": ["GPL"]}, "bi2")
    eq([m["name"] for m in doc["results"][3]["modules"]], ["multi1", "multi2"], "multi:x")
    g = doc["results"][4]["modules"][0]
    eq((g["error"], g["fields"], g["parameters"]), ("Exec format error", {}, []), "garbage")


@case("modinfo --json: refused with -F, -a, -0; nothing on stdout")
def _():
    for opt in (["-F", "license"], ["-a"], ["-0"], ["-n"]):
        p = run(tree, "modinfo", "--json", *opt, "m")
        eq((p.returncode, p.stdout), (1, b""), f"--json {opt}")
        eq(p.stderr, b"modinfo: ERROR: --json cannot be combined with -0 or a field "
           b"option.\n", "message")


# ---- modprobe -R / -D ------------------------------------------------------------------

RESOLVE = ["my-alias", "multi:x", "bi-alias", "m", "symbol:xt_register", "nosuch"]


@case("modprobe -R --json: each argument's modules are those of modprobe -R")
def _():
    for a in RESOLVE:
        pj, pt = run(tree, "modprobe", "-R", "--json", a), run(tree, "modprobe", "-R", a)
        doc = document(pj, f"-R {a}")
        same_outcome(pj, pt, f"-R {a}")
        eq(doc["mode"], "resolve-alias", "mode")
        eq([r["argument"] for r in doc["results"]], [a], "argument")
        eq([x.encode() for x in doc["results"][0]["modules"]], lines(pt.stdout), f"-R {a}")
    doc = document(run(tree, "modprobe", "-R", "--json", "multi:x"), "multi:x")
    eq(doc["results"][0]["modules"], ["multi1", "multi2"], "multi:x resolves to two")


@case("modprobe -a -R --json: one object per argument, status and messages of the text run")
def _():
    pj, pt = run(tree, "modprobe", "-a", "-R", "--json", *RESOLVE), \
        run(tree, "modprobe", "-a", "-R", *RESOLVE)
    doc = document(pj, "-a -R")
    same_outcome(pj, pt, "-a -R")
    eq(pj.returncode, 1, "nosuch fails")
    eq([r["argument"] for r in doc["results"]], RESOLVE, "arguments")
    eq(b"".join(x.encode() + b"\n" for r in doc["results"] for x in r["modules"]),
       pt.stdout, "all modules")


DEPENDS = [["m", "p9=1", 'p8="x y"'], ["bi"], ["inst"], ["my-alias"], ["signed"], ["nosuch"]]


@case("modprobe -D --json: each action is a line of modprobe -D")
def _():
    for args in DEPENDS:
        pj, pt = run(tree, "modprobe", "-D", "--json", *args), run(tree, "modprobe", "-D", *args)
        doc = document(pj, f"-D {args}")
        same_outcome(pj, pt, f"-D {args}")
        eq(doc["mode"], "show-depends", "mode")
        eq([r["argument"] for r in doc["results"]], [args[0]], "argument")
        acts, text = doc["results"][0]["actions"], lines(pt.stdout)
        eq(len(acts), len(text), f"-D {args}: number of actions\n{text}")
        for a, t in zip(acts, text):
            opts = [o.encode() for o in a["options"]]
            if a["action"] == "builtin":
                eq(t, b"builtin " + a["module"].encode(), "builtin line")
                eq((a["path"], a["command"], opts), (None, None, []), "builtin members")
            elif a["action"] == "insmod":
                head = b"insmod " + a["path"].encode() + b" "
                true(t.startswith(head), f"{t!r} starts with {head!r}")
                eq(opts, kernel_split(t[len(head):]), "options")
                eq(a["command"], None, "no command")
                eq(os.path.basename(a["path"]).split(".")[0], a["module"], "module")
            else:
                head = b"install " + a["command"].encode() + b" "
                true(t.startswith(head), f"{t!r} starts with {head!r}")
                eq(opts, kernel_split(t[len(head):]), "options")
                eq(a["path"], None, "no path")
    doc = document(run(tree, "modprobe", "-D", "--json", "m", "p9=1", 'p8="x y"'), "-D m")
    m = [a for a in doc["results"][0]["actions"] if a["module"] == "m"]
    eq(m[0]["options"], ["p1=2", 'p3="a b"', "p9=1", 'p8="x y"'], "options of m")
    doc = document(run(tree, "modprobe", "-D", "--json", "bi"), "-D bi")
    eq(doc["results"][0]["actions"], [{"action": "builtin", "module": "bi", "path": None,
                                       "command": None, "options": []}], "-D bi")


@case("modprobe -a -D --json: several arguments")
def _():
    args = ["m", "bi", "signed"]
    pj, pt = run(tree, "modprobe", "-a", "-D", "--json", *args), \
        run(tree, "modprobe", "-a", "-D", *args)
    doc = document(pj, "-a -D")
    same_outcome(pj, pt, "-a -D")
    eq([r["argument"] for r in doc["results"]], args, "arguments")
    n = sum(len(r["actions"]) for r in doc["results"])
    eq(n, len(lines(pt.stdout)), "number of actions")


# ---- modprobe -c -----------------------------------------------------------------------

def showconfig_text(doc):
    """modprobe -c's text, rebuilt from the document (tools.md 6.6)."""
    c, out = doc["config"], []
    out += [b"blacklist " + raw({"b": b}, "b") for b in c["blacklist"]]
    out += [b"install " + raw(e, "module") + b" " + raw(e, "command") for e in c["install"]]
    out += [b"remove " + raw(e, "module") + b" " + raw(e, "command") for e in c["remove"]]
    out += [b"alias " + raw(e, "alias") + b" " + raw(e, "module") for e in c["alias"]]
    out += [("options", e) for e in c["options"]]
    for e in c["softdep"]:
        v = b""
        if e["pre"]:
            v += b"pre: " + b" ".join(raws(e, "pre"))
        if e["post"]:
            v += b"post: " + b" ".join(raws(e, "post"))
        out.append(b"softdep " + raw(e, "module") + b" " + v)
    out += [b"weakdep " + raw(e, "module") + b" " + b" ".join(raws(e, "modules"))
            for e in c["weakdep"]]
    return out


@case("modprobe -c --json: configuration and indexes equal modprobe -c")
def _():
    pj, pt = run(tree, "modprobe", "-c", "--json"), run(tree, "modprobe", "-c")
    doc = document(pj, "-c")
    same_outcome(pj, pt, "-c")
    eq(doc["mode"], "showconfig", "mode")
    marker = b"\n# End of configuration files. Dumping indexes now:\n\n"
    true(marker in pt.stdout, "the text has the marker")
    conf, idx = pt.stdout.split(marker)
    exp = showconfig_text(doc)
    got = lines(conf)
    eq(len(got), len(exp), f"number of configuration lines\n{got}")
    for g, e in zip(got, exp):
        if isinstance(e, tuple):
            words = g.split(b" ", 2)
            eq(words[:2], [b"options", e[1]["module"].encode()], "options line")
            eq(kernel_split(words[2] if len(words) > 2 else b""),
               raws(e[1], "options"), "options words")
        else:
            eq(g, e, "configuration line")
    ix = doc["indexes"]
    exp_idx = [b"alias " + raw(e, "alias") + b" " + raw(e, "module") for e in ix["alias"]] + \
        [b"alias symbol:" + raw(e, "symbol") + b" " + raw(e, "module") for e in ix["symbols"]]
    eq(lines(idx), exp_idx, "index dump")
    c = doc["config"]
    # a.conf first, then modules.softdep / modules.weakdep (depmod's, from m's .modinfo)
    eq(c["softdep"], [{"module": "m", "pre": ["x_tables"], "post": ["signed"]}] * 2,
       "softdep")
    eq(c["weakdep"], [{"module": "m", "modules": ["multi1"]},
                      {"module": "m", "modules": ["multi1", "multi2"]}], "weakdep")
    true({"module": "m", "options": ["p1=2", 'p3="a b"']} in c["options"], "options of m")
    true({"alias": "foo_bar", "module": "m"} in ix["alias"], "alias index")
    true({"symbol": "xt_register", "module": "x_tables"} in ix["symbols"], "symbols index")


# ---- modprobe --show-exports / --show-modversions --------------------------------------

XT = "lib/modules/6.1.0-test/kernel/x_tables.ko"


@case("modprobe --show-exports/--show-modversions --json equal the text lines")
def _():
    for opt, exp in (("--show-exports", {"xt_register": 0x11, "xt_unregister": 0x22}),
                     ("--show-modversions", {"module_layout": 0x1234abcd,
                                             "printk": 0xdeadbeef}),
                     ("--dump-modversions", {"module_layout": 0x1234abcd,
                                             "printk": 0xdeadbeef})):
        pj, pt = run(tree, "modprobe", opt, "--json", XT), run(tree, "modprobe", opt, XT)
        doc = document(pj, opt)
        same_outcome(pj, pt, opt)
        eq(doc["mode"], "show-exports" if opt == "--show-exports" else "show-modversions",
           "mode")
        syms = doc["results"][0]["symbols"]
        eq([f"0x{s['crc']:08x}\t{s['symbol']}".encode() for s in syms], lines(pt.stdout),
           f"{opt} lines")
        eq({s["symbol"]: s["crc"] for s in syms}, exp, f"{opt} values")
        eq(doc["results"][0]["argument"], XT, "argument")


@case("modprobe --show-exports --json: a FATAL error still leaves a whole document")
def _():
    for args in (["--show-exports", "lib/modules/6.1.0-test/kernel/noexp.ko"],
                 ["--show-modversions", "garbage.ko"], ["--show-exports", "nosuch.ko"]):
        pj, pt = run(tree, "modprobe", "--json", *args), run(tree, "modprobe", *args)
        doc = document(pj, str(args))
        same_outcome(pj, pt, str(args))
        eq(pj.returncode, 1, "exit status")
        eq(doc["results"], [{"argument": args[1], "symbols": []}], "results")


@case("modprobe --json without a query mode is refused")
def _():
    for args in (["m"], ["-r", "m"], ["-r", "-D", "m"], ["-a", "m", "bi"]):
        p = run(tree, "modprobe", "--json", *args)
        eq((p.returncode, p.stdout), (1, b""), f"--json {args}")
        eq(p.stderr, b"modprobe: ERROR: --json goes with -R, -D, -c, --show-exports or "
           b"--show-modversions.\n", "message")


# ---- depmod -n ---------------------------------------------------------------------------

def depmod_text(doc):
    """depmod -n's text, rebuilt from the document (tools.md 8.4)."""
    out = b""
    for m in doc["modules"]:
        out += raw(m, "path") + b":" + b"".join(b" " + d for d in raws(m, "dependencies")) \
            + b"\n"
    out += b"# Aliases extracted from modules themselves.\n"
    out += b"".join(b"alias " + raw(a, "alias") + b" " + raw(a, "module") + b"\n"
                    for a in doc["aliases"])
    out += b"# Soft dependencies extracted from modules themselves.\n"
    for s in doc["softdeps"]:
        parts = ([b"pre: " + b" ".join(raws(s, "pre"))] if s["pre"] else []) + \
            ([b"post: " + b" ".join(raws(s, "post"))] if s["post"] else [])
        out += b"softdep " + raw(s, "module") + b" " + b" ".join(parts) + b"\n"
    out += b"# Weak dependencies extracted from modules themselves.\n"
    out += b"".join(b"weakdep " + raw(w, "module") + b" " + b" ".join(raws(w, "modules"))
                    + b"\n" for w in doc["weakdeps"])
    out += b"# Aliases for symbols, used by symbol_request().\n"
    out += b"".join(b"alias symbol:" + raw(s, "symbol") + b" " + raw(s, "module") + b"\n"
                    for s in doc["symbols"])
    if doc["devices"]:
        out += b"# Device nodes to trigger on-demand module loading.\n"
        out += b"".join(devname_line(d) for d in doc["devices"])
    return out


def devname_line(d):
    t = b"c" if d["type"] == "character" else b"b"
    return raw(d, "module") + b" " + raw(d, "devname") + b" " + t + \
        f"{d['major']}:{d['minor']}".encode() + b"\n"


@case("depmod -n --json: the document holds exactly what depmod -n prints")
def _():
    pj, pt = run(tree, "depmod", "-n", "--json", KVER), run(tree, "depmod", "-n", KVER)
    doc = document(pj, "depmod -n --json")
    same_outcome(pj, pt, "depmod -n")
    eq(depmod_text(doc), pt.stdout, "text rebuilt from the document")
    eq(doc["kernel"], KVER, "kernel")
    true({"name": "m", "path": "kernel/m.ko", "dependencies": ["kernel/x_tables.ko"]}
         in doc["modules"], "m's dependencies")
    eq(doc["softdeps"], [{"module": "m", "pre": ["x_tables"], "post": ["signed"]}], "softdeps")
    eq(doc["weakdeps"], [{"module": "m", "modules": ["multi1", "multi2"]}], "weakdeps")
    eq(doc["devices"], [
        {"module": "m", "devname": "m-ctl", "type": "character", "major": 10, "minor": 200},
        {"module": "blk", "devname": "nvme-fabrics/ctl", "type": "block", "major": 259,
         "minor": 7}], "devices")


@case("depmod -n -v --json: the dependency lines go to stderr, stdout is the document")
def _():
    pj, pt = run(tree, "depmod", "-n", "-v", "--json", KVER), run(tree, "depmod", "-n", "-v", KVER)
    doc = document(pj, "depmod -n -v --json")
    needs = [x for x in lines(pj.stderr) if b" needs " in x]
    true(needs, "some dependency line")
    true(pt.stdout.startswith(b"".join(x + b"\n" for x in needs)), "the same lines as text")
    eq(depmod_text(doc), pt.stdout[sum(len(x) + 1 for x in needs):], "the rest")


@case("depmod --json without -n is refused and writes nothing")
def _():
    d = os.path.join(tree, "lib/modules", KVER)
    before = {f: os.stat(os.path.join(d, f)).st_mtime_ns for f in os.listdir(d)}
    p = run(tree, "depmod", "--json", KVER)
    eq((p.returncode, p.stdout, p.stderr), (1, b"", b"depmod: ERROR: --json goes with -n.\n"),
       "depmod --json")
    eq({f: os.stat(os.path.join(d, f)).st_mtime_ns for f in os.listdir(d)}, before,
       "the module directory is untouched")


# ---- kmod static-nodes ---------------------------------------------------------------------

@case("kmod static-nodes --json: the entries of -f devname")
def _():
    pj, pt = run(tree, "kmod", "static-nodes", "--json"), \
        run(tree, "kmod", "static-nodes", "-f", "devname")
    doc = document(pj, "static-nodes --json")
    same_outcome(pj, pt, "static-nodes")
    eq(b"".join(devname_line(d) for d in doc["devices"]), pt.stdout, "devname lines")
    eq(len(doc["devices"]), 2, "two devices")
    p2 = run(tree, "kmod", "static-nodes", "--format=json")
    eq(p2.stdout, pj.stdout, "--format=json is --json")


@case("kmod static-nodes --json -o FILE writes the document there")
def _():
    pj = run(tree, "kmod", "static-nodes", "--json")
    p = run(tree, "kmod", "static-nodes", "--json", "-o", os.path.join(tree, "run/sn/x.json"))
    eq((p.returncode, p.stdout, p.stderr), (0, b"", b""), "static-nodes -o")
    with open(os.path.join(tree, "run/sn/x.json"), "rb") as f:
        eq(f.read(), pj.stdout, "file content")


@case("kmod static-nodes --json without modules.devname: an empty document, the warning")
def _():
    pj = run(tree, "kmod", "static-nodes", "--json", kver="9.9.9")
    pt = run(tree, "kmod", "static-nodes", kver="9.9.9")
    doc = document(pj, "static-nodes --json")
    same_outcome(pj, pt, "static-nodes without modules.devname")
    eq(doc["devices"], [], "no devices")


# ---- lsmod ---------------------------------------------------------------------------------

loaded = make_root(lsmod_spec(), "loaded", index=False)


def lsmod_row_text(r, cols=()):
    holders = b"".join((b" " if i == 0 else b",") + h for i, h in enumerate(raws(r, "holders"))) \
        if r["holders"] is not None else b""
    line = ("%-19s %8d  " % (r["name"], r["size"])).encode()
    for c, w in cols:
        line += c(r).ljust(w) + b"  "
    return line + str(r["refcount"]).encode() + holders + b"\n"


def col_state(r):
    return (r["state"] or "-").encode()


def col_taint(r):
    return raw(r, "taint") or b"-"


def col_params(r):
    p = r["parameters"]
    s = b",".join(k.encode() + b"=" + raw(p, k) for k in p
                  if not k.endswith("_invalid_utf8") and p[k] is not None)
    return s or b"-"


COLS = {"state": (b"State", col_state), "taint": (b"Taint", col_taint),
        "parameters": (b"Parameters", col_params)}


def lsmod_text(doc, columns=()):
    """The table lsmod prints, rebuilt from the document (lsmod(8))."""
    cols = []
    for name in columns:
        head, fn = COLS[name]
        cols.append((fn, max([len(head)] + [len(fn(r)) for r in doc["modules"]])))
    out = b"Module                  Size  "
    for (fn, w), name in zip(cols, columns):
        out += COLS[name][0].ljust(w) + b"  "
    out += b"Used by\n"
    return out + b"".join(lsmod_row_text(r, cols) for r in doc["modules"])


@case("lsmod --json: rows are those of lsmod, with the fixture's values")
def _():
    pj, pt = run(loaded, "lsmod", "--json"), run(loaded, "lsmod")
    doc = document(pj, "lsmod --json")
    same_outcome(pj, pt, "lsmod")
    eq(lsmod_text(doc), pt.stdout, "table rebuilt from the document")
    exp = []
    for name, size, refcnt, holders, state, taint, params in LOADED:
        exp.append({"name": name, "size": size, "refcount": refcnt,
                    "holders": sorted(holders), "state": state,
                    "taint": taint, "params": {k: v for k, v in sorted(params.items())}})
    got = [{"name": r["name"], "size": r["size"], "refcount": r["refcount"],
            "holders": sorted(r["holders"]), "state": r["state"], "taint": r["taint"],
            "params": {k: raw(r["parameters"], k) for k in r["parameters"]
                       if not k.endswith("_invalid_utf8")}} for r in doc["modules"]]
    eq(got, exp, "rows")
    xt_c = doc["modules"][2]["parameters"]
    eq(xt_c, {"name": "caf\u00e9", "name_invalid_utf8": True, "opt": "a b"}, "xt_c parameters")


@case("kmod list --json is lsmod --json")
def _():
    eq(run(loaded, "kmod", "list", "--json").stdout, run(loaded, "lsmod", "--json").stdout,
       "kmod list --json")


@case("lsmod --sort: text and document in the same order, the fixture's order")
def _():
    keys = {"name": lambda x: x[0], "size": lambda x: x[1], "refcount": lambda x: x[2]}
    for key, fn in keys.items():
        pj, pt = run(loaded, "lsmod", "--json", f"--sort={key}"), \
            run(loaded, "lsmod", f"--sort={key}")
        doc = document(pj, f"--sort={key}")
        same_outcome(pj, pt, f"--sort={key}")
        eq(lsmod_text(doc), pt.stdout, f"--sort={key} table")
        # sorted() is stable: equal keys keep the /proc/modules order
        eq([r["name"] for r in doc["modules"]], [x[0] for x in sorted(LOADED, key=fn)],
           f"--sort={key} order")


@case("lsmod --columns: the extra columns hold the document's values")
def _():
    doc = document(run(loaded, "lsmod", "--json"), "lsmod --json")
    for cols in (["state"], ["taint"], ["parameters"], ["state", "taint", "parameters"],
                 ["parameters", "state"]):
        pt = run(loaded, "lsmod", "--columns=" + ",".join(cols))
        eq((pt.returncode, pt.stderr), (0, b""), f"--columns={cols}")
        eq(lsmod_text(doc, cols), pt.stdout, f"--columns={','.join(cols)}")


# ---- lsmod: modules coming and going while it reads -----------------------------------------

SNAP = """kver 6.1.0-test
file proc/modules
y 4096 0 - Live 0x0
x 8192 1 y, Live 0x0
end
file sys/module/y/coresize
4096
end
file sys/module/y/refcnt
0
end
mkdir sys/module/y/holders
file sys/module/y/initstate
live
end
file sys/module/x/coresize
8192
end
mkdir sys/module/x/holders
symlink ../../y sys/module/x/holders/y
file sys/module/x/initstate
live
end
"""


def lsmod_while_changing(args, change):
    """Runs lsmod with x's refcnt a FIFO; once lsmod has opened it, change(root) runs,
    the FIFO is replaced by a regular file, and lsmod gets its "0"."""
    root = make_root(SNAP, "snap", index=False)
    fifo = os.path.join(root, "sys/module/x/refcnt")
    os.mkfifo(fifo)
    proc = subprocess.Popen([os.path.join(build, "src", "lsmod"), *args], cwd=root,
                            env=env_for(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    served = []

    def serve():
        fd = None
        while fd is None and proc.poll() is None:
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: lsmod has not opened it yet
                time.sleep(0.005)
        if fd is None:
            return
        try:
            change(root)
            if os.path.isdir(os.path.dirname(fifo)):
                with open(fifo + ".new", "w") as f:
                    f.write("0\n")
                os.rename(fifo + ".new", fifo)
            served.append(True)
        finally:
            os.write(fd, b"0\n")
            os.close(fd)

    t = threading.Thread(target=serve)
    t.start()
    try:
        out, err = proc.communicate(timeout=120)  # only a guard against a hang
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    t.join()
    true(served, "lsmod opened x's refcnt")
    return proc.returncode, out, err


def unload_y(root):
    with open(os.path.join(root, "proc/modules"), "w") as f:
        f.write("x 8192 0 - Live 0x0\n")
    shutil.rmtree(os.path.join(root, "sys/module/y"))
    os.remove(os.path.join(root, "sys/module/x/holders/y"))


def unload_y_load_z(root):
    unload_y(root)
    with open(os.path.join(root, "proc/modules"), "w") as f:
        f.write("z 2048 0 - Live 0x0\nx 8192 0 - Live 0x0\n")
    z = os.path.join(root, "sys/module/z")
    os.makedirs(os.path.join(z, "holders"))
    for name, text in (("coresize", "2048\n"), ("refcnt", "0\n"), ("initstate", "live\n")):
        with open(os.path.join(z, name), "w") as f:
            f.write(text)


@case("lsmod: a module unloaded while lsmod reads is not listed, nor its stale row")
def _():
    rc, out, err = lsmod_while_changing([], unload_y)
    eq((rc, err), (0, b""), "status and stderr")
    # y was read before the change: a table made of one pass would still show it
    eq(out, b"Module                  Size  Used by\n"
       b"x                       8192  0\n", "table")


@case("lsmod --json: the same, as a document")
def _():
    rc, out, err = lsmod_while_changing(["--json"], unload_y)
    eq((rc, err), (0, b""), "status and stderr")
    doc = document(subprocess.CompletedProcess([], rc, out, err), "lsmod --json")
    eq(doc["modules"], [{"name": "x", "size": 8192, "refcount": 0, "holders": [],
                         "state": "live", "taint": None, "parameters": {}}], "modules")


def remove_x_sysfs(root):
    # /proc/modules still names x: only the module's own reading can notice
    shutil.rmtree(os.path.join(root, "sys/module/x"))


@case("lsmod: a module whose /sys directory goes while it is read is left out, silently")
def _():
    for args, exp in (([], b"Module                  Size  Used by\n"
                           b"y                       4096  0\n"),
                      (["--json"], b'{"schema":1,"tool":"lsmod","modules":[{"name":"y",'
                       b'"size":4096,"refcount":0,"holders":[],"state":"live",'
                       b'"taint":null,"parameters":{}}]}\n')):
        rc, out, err = lsmod_while_changing(args, remove_x_sysfs)
        eq((rc, out, err), (0, exp, b""), f"lsmod {args}")


@case("lsmod: a module loaded while lsmod reads makes it read again: one state shown")
def _():
    rc, out, err = lsmod_while_changing(["--sort=name"], unload_y_load_z)
    eq((rc, err), (0, b""), "status and stderr")
    eq(out, b"Module                  Size  Used by\n"
       b"x                       8192  0\n"
       b"z                       2048  0\n", "table")


print(f"1..{n_cases}")
if not os.environ.get("MODKIT_TEST_KEEP"):
    shutil.rmtree(TMP, ignore_errors=True)
sys.exit(1 if n_failed else 0)
