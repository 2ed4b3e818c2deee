#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check that include/uapi/linux/kvm_nest.h matches the YNL spec.

The spec (Documentation/netlink/specs/kvm_nest.yaml) is the source of
truth; the header is written by hand for its documentation. This compares
every attribute set, the operations, the multicast groups and the enums,
names and values, and exits 1 with what differs.
usage: spec-check.py [SPEC [HEADER]]
"""
import re
import sys

import yaml


def c_name(*parts):
    return "_".join(p.upper().replace("-", "_") for p in parts)


def header_enums(text):
    """Every enum in the header, as {first name: [(name, value)]}."""
    enums = []
    for body in re.findall(r"enum\s*\w*\s*\{(.*?)\};", text, re.S):
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        items, value = [], -1
        for entry in filter(None, (e.strip() for e in body.split(","))):
            name, _, init = (x.strip() for x in entry.partition("="))
            if name.startswith("__") or init.startswith("("):
                continue
            value = int(init, 0) if init else value + 1
            items.append((name, value))
        enums.append(items)
    return enums


def expected(spec):
    """(what, [(name, value)]) for every enum the spec defines."""
    fam = "KVM_NEST"
    for d in spec.get("definitions", []):
        if d["type"] == "enum":
            v = d.get("value-start", 0)
            items = []
            for e in d["entries"]:
                items.append((c_name(fam, d["name"].split("-")[0], e["name"]), v))
                v += 1
            yield "enum " + d["name"], items
    for aset in spec["attribute-sets"]:
        v, items = 0, []
        for a in aset["attributes"]:
            v = a.get("value", v + 1)
            items.append((c_name(fam, "A", aset["name"], a["name"]), v))
        yield "attribute set " + aset["name"], items
    v, items = 0, []
    for op in spec["operations"]["list"]:
        v = op.get("value", v + 1)
        items.append((c_name(fam, "CMD", op["name"]), v))
    yield "operations", items


def main():
    spec_path = sys.argv[1] if len(sys.argv) > 1 else \
        "Documentation/netlink/specs/kvm_nest.yaml"
    hdr_path = sys.argv[2] if len(sys.argv) > 2 else \
        "include/uapi/linux/kvm_nest.h"
    with open(spec_path) as f:
        spec = yaml.safe_load(f)
    with open(hdr_path) as f:
        text = f.read()
    got = {}
    for items in header_enums(text):
        got.update(dict(items))
    bad = 0
    for what, items in expected(spec):
        for name, value in items:
            if got.get(name) != value:
                print(f"spec-check: {what}: {name} is {value} in the spec, "
                      f"{got.get(name, 'missing')} in {hdr_path}")
                bad += 1
    for g in spec.get("mcast-groups", {}).get("list", []):
        macro = c_name("KVM_NEST_MCGRP", g["name"])
        if not re.search(rf'#define\s+{macro}\s+"{g["name"]}"', text):
            print(f"spec-check: multicast group {g['name']}: no "
                  f'#define {macro} "{g["name"]}" in {hdr_path}')
            bad += 1
    if bad:
        print(f"spec-check: {bad} difference(s); the spec is the truth, "
              "fix the header (or the spec, if the change was meant)")
        return 1
    print(f"spec-check: {hdr_path} matches {spec_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
