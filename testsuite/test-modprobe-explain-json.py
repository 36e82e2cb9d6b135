#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""modprobe --explain --json: the document parses with Python's json module and holds
what modprobe(8) (EXPLAIN, JSON) documents. The fixture is the tree of
tools/modprobe-explain.t, indexed by our depmod, under the shim. Prints TAP.

usage: test-modprobe-explain-json.py BUILD_DIR SHIM SOURCE_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

build, shim, src = (os.path.abspath(a) for a in sys.argv[1:4])
KVER = "6.1.0-test"
K = f"/lib/modules/{KVER}"
kmod = os.path.join(build, "src", "kmod")

results = []


def case(name):
    def wrap(fn):
        results.append((name, fn))
        return fn
    return wrap


def make_root():
    root = tempfile.mkdtemp(prefix="explain-json-")
    with open(os.path.join(src, "testsuite", "tools", "modprobe-explain.t")) as f:
        text = f.read()
    spec = text[: text.index("\n---\n") + 1].replace("@KVER@", KVER)
    spec_path = os.path.join(root, ".spec")
    with open(spec_path, "w") as f:
        f.write(spec)
    subprocess.run([os.path.join(build, "testsuite", "modkit-mktree"), spec_path, root],
                   check=True)
    subprocess.run([os.path.join(build, "src", "depmod"), "-b", root, KVER], check=True,
                   stderr=subprocess.DEVNULL)
    return root


def run(root, *args):
    env = dict(os.environ, LD_PRELOAD=shim, MODKIT_ROOT=root, MODKIT_UNAME_R=KVER,
               ASAN_OPTIONS="verify_asan_link_order=0")
    p = subprocess.run([os.path.join(build, "src", "modprobe"), *args], cwd=root, env=env,
                       capture_output=True)
    return p.returncode, p.stdout, p.stderr


def explain(root, *args):
    code, out, err = run(root, "--json", "--explain", *args)
    doc = json.loads(out)  # raises on invalid JSON
    assert out.endswith(b"\n") and out.count(b"\n") == 1, out
    assert doc["schema"] == 1 and doc["tool"] == "modprobe" and doc["mode"] == "explain", doc
    return code, doc, err


@case("document header, shadowed file, config alias lookup with file:line")
def _(root):
    code, doc, err = explain(root, "my-top", "x=1")
    assert code == 0 and err == b"", (code, err)
    assert doc["remove"] is False
    assert doc["shadowed"] == [{"file": "/lib/modprobe.d/same.conf",
                                "by": "/etc/modprobe.d/same.conf"}], doc["shadowed"]
    (res,) = doc["results"]
    assert res["argument"] == "my-top" and res["name"] == "my_top"
    assert res["lookup"]["source"] == "config-alias"
    assert res["lookup"]["matches"] == [
        {"module": "top", "pattern": "my_top", "file": "/etc/modprobe.d/a.conf", "line": 1},
        {"module": "wk", "pattern": "my_*", "file": "/etc/modprobe.d/a.conf", "line": 2},
    ], res["lookup"]
    top = res["modules"][0]
    assert top["name"] == "top" and top["state"] == "not-loaded"
    assert top["softdep"] == {"pattern": "top", "pre": ["pre1"], "post": ["post1"],
                              "source": "file", "file": "/etc/modprobe.d/a.conf",
                              "line": 7}, top["softdep"]
    assert top["outcome"] == "load"
    order = [(s["action"], s["module"], s["role"]) for s in top["order"]]
    assert order == [("insmod", "base", "dependency"), ("insmod", "mid", "dependency"),
                     ("insmod", "pre1", "softdep"), ("insmod", "top", "operand"),
                     ("insmod", "post1", "softdep")], order
    assert top["order"][3]["options"] == "x=1"
    assert top["order"][0]["path"] == f"{K}/kernel/base.ko"
    wk = res["modules"][1]
    assert wk["weakdep"]["modules"] == ["base", "mid"] and wk["weakdep"]["line"] == 8


@case("options with their sources; wildcard pattern of modules.alias.bin")
def _(root):
    code, doc, _ = explain(root, "opt-alias", "p=1")
    res = doc["results"][0]
    assert res["lookup"] == {"source": "modules.alias.bin",
                             "matches": [{"module": "opt", "pattern": "opt_alias"}]}, res
    opts = [(o["options"], o["source"], o["file"], o["line"], o["alias"])
            for o in res["modules"][0]["options"]]
    assert opts == [
        ("a=1", "file", "/etc/modprobe.d/a.conf", 4, None),
        ("via=alias", "file", "/etc/modprobe.d/a.conf", 5, "opt_alias"),
        ("  from=only-lib", "file", "/lib/modprobe.d/only-lib.conf", 1, None),
        ("from=etc", "file", "/etc/modprobe.d/same.conf", 1, None),
        ("k=2", "kernel-command-line", None, None, None),
        ("p=1", "command-line", None, None, None),
    ], opts


@case("blacklist applied through an alias and not applied to a name")
def _(root):
    _, doc, _ = explain(root, "-C", "/etc/modprobe.d/a.conf", "-a", "bl-alias", "bl")
    assert doc["shadowed"] == []
    a, b = doc["results"]
    bla = a["modules"][0]["blacklist"]
    assert len(bla) == 1 and bla[0]["applies"] is True and bla[0]["line"] == 3, bla
    assert a["modules"][0]["outcome"] == "blacklisted"
    blb = b["modules"][0]["blacklist"]
    assert len(blb) == 1 and blb[0]["applies"] is False, blb
    assert b["modules"][0]["outcome"] == "load"


@case("install command, softdep from modinfo, builtin")
def _(root):
    _, doc, _ = explain(root, "-C", "/etc/modprobe.d/a.conf", "-a", "inst", "sdm", "bi")
    inst, sdm, bi = (r["modules"][0] for r in doc["results"])
    assert inst["install"]["command"] == "/bin/true $CMDLINE_OPTS"
    assert inst["install"]["runs"] is True and inst["install"]["line"] == 6
    assert inst["order"][0]["action"] == "install"
    assert inst["order"][0]["command"] == "/bin/true "
    assert sdm["softdep"]["source"] == "modinfo"
    assert sdm["softdep"]["file"] == f"{K}/modules.softdep"
    assert bi["state"] == "builtin" and bi["outcome"] == "loaded" and bi["path"] is None
    assert doc["results"][2]["lookup"]["source"] == "modules.builtin.bin"


@case("-r: removal order; not found gives exit 1 and an empty module list")
def _(root):
    env = dict(os.environ, LD_PRELOAD=shim, MODKIT_ROOT=root)
    for m in ("base", "mid", "top"):
        subprocess.run([os.path.join(build, "src", "insmod"), f"{root}{K}/kernel/{m}.ko"],
                       env=env, check=True)
    code, doc, _ = explain(root, "-C", "/etc/modprobe.d/a.conf", "-r", "top")
    assert code == 0 and doc["remove"] is True
    top = doc["results"][0]["modules"][0]
    assert top["state"] == "live"
    steps = [(s["action"], s["module"]) for s in top["order"]]
    assert steps == [("rmmod", "top"), ("keep", "base"), ("rmmod", "mid")], steps
    code, doc, _ = explain(root, "-C", "/etc/modprobe.d/a.conf", "nosuch")
    assert code == 1
    assert doc["results"][0]["lookup"]["source"] is None
    assert doc["results"][0]["modules"] == []


def main():
    print("TAP version 13")
    failed = 0
    for i, (name, fn) in enumerate(results, 1):
        root = make_root()
        try:
            fn(root)
            print(f"ok {i} - {name}")
        except Exception as e:  # report and go on
            failed += 1
            print(f"not ok {i} - {name}")
            for line in repr(e).splitlines():
                print(f"# {line}")
        finally:
            shutil.rmtree(root, ignore_errors=True)
    print(f"1..{len(results)}")
    return 1 if failed else 0


sys.exit(main())
