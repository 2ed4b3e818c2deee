#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check every hand-written attribute type table against the YNL spec.

The kernel's nla_policy tables (kvm-nest/) and nestctl's mnl type
tables (userspace/nestctl/), and any in selftests/, restate the types of
the spec (Documentation/netlink/specs/kvm_nest.yaml). This finds each entry
"[KVM_NEST_A_<SET>_<ATTR>] = <type>" in those trees, names its set and
attribute from the spec, and exits 1 with every entry whose type the
spec does not allow, or whose attribute the spec does not have.
usage: attr-type-check.py [TOP]
"""
import os
import re
import sys

import yaml

# spec type -> what a table may say for it (kernel NLA_*, libmnl MNL_TYPE_*)
ALLOWED = {
    "u8": {"NLA_U8", "MNL_TYPE_U8"},
    "u16": {"NLA_U16", "MNL_TYPE_U16"},
    "u32": {"NLA_U32", "MNL_TYPE_U32"},
    "u64": {"NLA_U64", "NLA_UINT", "MNL_TYPE_U64"},
    "s32": {"NLA_S32"},
    "s64": {"NLA_S64"},
    "string": {"NLA_NUL_STRING", "NLA_STRING", "MNL_TYPE_NUL_STRING",
               "MNL_TYPE_STRING"},
    "flag": {"NLA_FLAG", "MNL_TYPE_FLAG"},
    "nest": {"NLA_NESTED", "NLA_NESTED_ARRAY", "MNL_TYPE_NESTED"},
    "binary": {"NLA_BINARY", "MNL_TYPE_BINARY", "MNL_TYPE_UNSPEC"},
    "pad": {"NLA_UNSPEC", "MNL_TYPE_UNSPEC"},
}
ENTRY = re.compile(r"\[\s*(KVM_NEST_A_[A-Z0-9_]+)\s*\]\s*=\s*"
                   r"(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*(?:\([^;\n]*?\))?)")
TYPE = re.compile(r"\b(NLA_[A-Z0-9_]+|MNL_TYPE_[A-Z0-9_]+)\b")
# Policy helpers whose first argument is the type, or which imply one.
IMPLIED = {"NLA_POLICY_NESTED": "NLA_NESTED",
           "NLA_POLICY_NESTED_ARRAY": "NLA_NESTED_ARRAY",
           "NLA_POLICY_EXACT_LEN": "NLA_BINARY",
           "NLA_POLICY_MIN_LEN": "NLA_BINARY",
           "NLA_POLICY_MAX_LEN": "NLA_BINARY"}
TREES = ("kvm-nest", "userspace/nestctl", "selftests")


def c_name(*parts):
    return "_".join(p.upper().replace("-", "_") for p in parts)


def spec_attrs(spec):
    """{C name: (set, attribute, type)} for every attribute of the spec."""
    out = {}
    for aset in spec["attribute-sets"]:
        for a in aset["attributes"]:
            out[c_name("KVM_NEST", "A", aset["name"], a["name"])] = \
                (aset["name"], a["name"], a["type"])
    return out


def table_type(expr):
    """The NLA_*/MNL_TYPE_* a table entry gives, or None (not a type table)."""
    m = re.match(r"(NLA_POLICY_[A-Z_]+)\s*\(", expr)
    if m and m.group(1) in IMPLIED:
        return IMPLIED[m.group(1)]
    m = TYPE.search(expr)
    return m.group(1) if m and not m.group(1).startswith("NLA_POLICY") else None


def sources(top):
    for tree in TREES:
        for root, _, files in os.walk(os.path.join(top, tree)):
            for f in files:
                if f.endswith((".c", ".h")):
                    yield os.path.join(root, f)


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else "."
    with open(os.path.join(top, "Documentation/netlink/specs/kvm_nest.yaml")) as f:
        attrs = spec_attrs(yaml.safe_load(f))
    bad = seen = 0
    for path in sorted(sources(top)):
        with open(path, errors="replace") as f:
            text = f.read()
        rel = os.path.relpath(path, top)
        for m in ENTRY.finditer(text):
            name, expr = m.group(1), " ".join(m.group(2).split())
            typ = table_type(expr)
            if typ is None:
                continue	# an initializer of something else
            seen += 1
            line = text.count("\n", 0, m.start()) + 1
            if name not in attrs:
                print(f"attr-type-check: {rel}:{line}: {name} is not in the spec")
                bad += 1
                continue
            aset, attr, want = attrs[name]
            if typ not in ALLOWED.get(want, set()):
                print(f"attr-type-check: {rel}:{line}: {name} ({aset}.{attr}) is "
                      f"{want} in the spec, {typ} here")
                bad += 1
    if bad:
        print(f"attr-type-check: {bad} of {seen} table entries disagree with the "
              "spec; the spec is the truth")
        return 1
    print(f"attr-type-check: {seen} table entries match the spec")
    return 0


if __name__ == "__main__":
    sys.exit(main())
