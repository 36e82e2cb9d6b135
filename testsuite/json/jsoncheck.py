#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks modkit --json documents against testsuite/json/schema.json.

The validator below implements the part of JSON Schema (draft 2020-12) that the
schema uses: type, const, enum, minimum, properties, required, patternProperties,
additionalProperties, items, oneOf and local $ref. Anything else in the schema is an
error, so that the schema cannot silently say more than is checked.

On top of the schema, flags() checks the rule for strings that are not UTF-8: a member
"<name>_invalid_utf8" is true, follows its member <name> directly, and <name> (or its
value) holds a string in the Latin-1 form (a character from U+0080 to U+00FF, none
above).

usage: jsoncheck.py [FILE...]     (standard input without FILE); exit 1 on a problem
"""
import json
import os
import re
import sys

KNOWN = {"$schema", "title", "description", "$defs", "$ref", "type", "const", "enum",
         "minimum", "properties", "required", "patternProperties",
         "additionalProperties", "items", "oneOf"}

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def load_schema(path=None):
    path = path or os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _walk_keywords(node, where="#"):
    if isinstance(node, dict):
        for k, v in node.items():
            if k not in KNOWN:
                raise ValueError(f"{where}: schema keyword {k!r} is not supported")
            if k in ("properties", "patternProperties", "$defs"):
                for name, sub in v.items():
                    _walk_keywords(sub, f"{where}/{k}/{name}")
            elif k in ("items", "additionalProperties") and isinstance(v, dict):
                _walk_keywords(v, f"{where}/{k}")
            elif k == "oneOf":
                for i, sub in enumerate(v):
                    _walk_keywords(sub, f"{where}/oneOf/{i}")


def validate(doc, schema):
    """Returns a list of problems (empty: the document is valid)."""
    _walk_keywords(schema)
    problems = []
    _check(doc, schema, schema, "$", problems)
    return problems


def _resolve(ref, root):
    if not ref.startswith("#/"):
        raise ValueError(f"only local $ref is supported: {ref}")
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _check(v, s, root, path, out):
    if "$ref" in s:
        _check(v, _resolve(s["$ref"], root), root, path, out)
    if "type" in s:
        types = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(TYPES[t](v) for t in types):
            out.append(f"{path}: {json.dumps(v)[:60]} is not of type {types}")
            return
    if "const" in s and not (v == s["const"] and type(v) is type(s["const"])):
        out.append(f"{path}: {json.dumps(v)[:60]} is not {json.dumps(s['const'])}")
    if "enum" in s and not any(v == e and type(v) is type(e) for e in s["enum"]):
        out.append(f"{path}: {json.dumps(v)[:60]} is not one of {s['enum']}")
    if "minimum" in s and TYPES["integer"](v) and v < s["minimum"]:
        out.append(f"{path}: {v} is below {s['minimum']}")
    if "oneOf" in s:
        matches = [sub for sub in s["oneOf"] if not _sub(v, sub, root, path)]
        if len(matches) != 1:
            out.append(f"{path}: matches {len(matches)} of the oneOf alternatives, not 1")
            if len(matches) == 0:
                # the alternative with the fewest problems says most
                best = min((_sub(v, sub, root, path) for sub in s["oneOf"]), key=len)
                out.extend("  " + p for p in best[:10])
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                out.append(f"{path}: member {k!r} is missing")
        props = s.get("properties", {})
        pats = s.get("patternProperties", {})
        for k, sub in v.items():
            matched = False
            if k in props:
                _check(sub, props[k], root, f"{path}.{k}", out)
                matched = True
            for pat, psch in pats.items():
                if re.search(pat, k):
                    _check(sub, psch, root, f"{path}.{k}", out)
                    matched = True
            if not matched and "additionalProperties" in s:
                ap = s["additionalProperties"]
                if ap is False:
                    out.append(f"{path}: member {k!r} is not allowed")
                elif isinstance(ap, dict):
                    _check(sub, ap, root, f"{path}.{k}", out)
    if isinstance(v, list) and "items" in s:
        for i, item in enumerate(v):
            _check(item, s["items"], root, f"{path}[{i}]", out)


def _sub(v, s, root, path):
    out = []
    _check(v, s, root, path, out)
    return out


def _latin1_form(s):
    return any(0x80 <= ord(c) <= 0xFF for c in s) and all(ord(c) <= 0xFF for c in s)


def _strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, list):
        for x in v:
            if isinstance(x, str):
                yield x


def flags(doc, pairs_hook_doc=None, path="$"):
    """Problems with "_invalid_utf8" members. pairs_hook_doc: the same document parsed
    with object_pairs_hook=list, to see the order of members."""
    out = []
    _flags(pairs_hook_doc if pairs_hook_doc is not None else doc, path, out)
    return out


def _flags(node, path, out):
    if isinstance(node, list) and all(isinstance(x, tuple) and len(x) == 2 for x in node) \
            and node and isinstance(node[0][0], str):
        names = [k for k, _ in node]
        if len(set(names)) != len(names):
            out.append(f"{path}: duplicate member names")
        for i, (k, v) in enumerate(node):
            if k.endswith("_invalid_utf8") and k[:-len("_invalid_utf8")] in names[:i]:
                base = k[:-len("_invalid_utf8")]
                if v is not True:
                    out.append(f"{path}.{k}: is {v!r}, not true")
                if i == 0 or names[i - 1] != base:
                    out.append(f"{path}.{k}: does not follow {base!r}")
                else:
                    value = node[i - 1][1]
                    if not (_latin1_form(base) or any(_latin1_form(s) for s in _strings(value))):
                        out.append(f"{path}.{k}: {base!r} holds no string in Latin-1 form")
            _flags(v, f"{path}.{k}", out)
    elif isinstance(node, list):
        for i, x in enumerate(node):
            _flags(x, f"{path}[{i}]", out)


def check_text(text, schema=None):
    """Parses one document (bytes or str) and returns (doc, problems)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            return None, [f"the document is not UTF-8: {e}"]
    if not text.endswith("\n") or text.count("\n") != 1:
        return None, ["a document is one line ending in a newline"]
    try:
        doc = json.loads(text)
        pairs = json.loads(text, object_pairs_hook=list)
    except ValueError as e:
        return None, [f"not JSON: {e}"]
    problems = validate(doc, schema or load_schema())
    problems += flags(doc, pairs)
    return doc, problems


def main():
    schema = load_schema()
    bad = False
    inputs = sys.argv[1:] or ["-"]
    for name in inputs:
        data = sys.stdin.buffer.read() if name == "-" else open(name, "rb").read()
        _, problems = check_text(data, schema)
        for p in problems:
            print(f"{name}: {p}", file=sys.stderr)
        bad |= bool(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
