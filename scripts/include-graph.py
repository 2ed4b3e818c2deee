#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Print the #include graph of kvm-nest/ and its cycles; guard the KVM boundary.

Only quoted includes of kvm-nest's own headers are edges; kernel headers
(<...>) and generated ones (gen/...) are not. A unit is a source and its
header (doll.c + doll.h = doll): a unit that includes another unit's
header depends on it, so a cycle among units is a cycle of dependencies
even though no header includes itself.

Exit status: 1 if a file under kvm-nest/kvm/ includes a kvm-nest header
outside kvm/ (kvm/ is a leaf: it may include kernel headers and its own),
or if any cycle runs through kvm/; 0 otherwise.

usage: include-graph.py [--quiet] [SRC_DIR]   (default: kvm-nest/ beside
this script)
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
LEAF = "kvm/"


def sources(root):
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "gen")
        for name in sorted(files):
            if name.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(top, name), root)


def resolve(root, src, inc):
    """kvm-nest-relative path of a quoted include, or None if not ours."""
    for base in (os.path.dirname(src), ""):
        path = os.path.normpath(os.path.join(base, inc))
        if not path.startswith("..") and \
           os.path.isfile(os.path.join(root, path)):
            return path
    return None


def unit(path):
    return os.path.splitext(path)[0]


def sccs(nodes, edges):
    """Tarjan's strongly connected components, each sorted, larger than 1."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main(argv):
    quiet = "--quiet" in argv
    args = [a for a in argv if a != "--quiet"]
    here = os.path.dirname(os.path.abspath(__file__))
    root = args[0] if args else os.path.join(here, "..", "kvm-nest")
    root = os.path.normpath(root)

    files = {}
    for src in sources(root):
        with open(os.path.join(root, src), encoding="utf-8") as f:
            incs = INCLUDE.findall(f.read())
        files[src] = sorted({p for p in (resolve(root, src, i) for i in incs)
                             if p and p != src})

    units, uedges = set(), {}
    for src, deps in files.items():
        units.add(unit(src))
        for dep in deps:
            if unit(dep) != unit(src):
                uedges.setdefault(unit(src), set()).add(unit(dep))

    bad = [(src, dep) for src, deps in files.items() for dep in deps
           if src.startswith(LEAF) and not dep.startswith(LEAF)]
    cycles = sccs(units, uedges)
    leaf_cycles = [c for c in cycles if any(u.startswith(LEAF) for u in c)]

    if not quiet:
        print("# include graph of %s (file -> kvm-nest headers)" % root)
        for src in sorted(files):
            if files[src]:
                print("%s -> %s" % (src, " ".join(files[src])))
        print("# units (x.c + x.h) and their dependencies")
        for u in sorted(units):
            print("%s -> %s" % (u, " ".join(sorted(uedges.get(u, ())))))
        print("# cycles among units: %d" % len(cycles))
        for c in cycles:
            print("cycle (%d units): %s" % (len(c), " ".join(c)))
        print("# upward includes from %s: %d" % (LEAF, len(bad)))
    for src, dep in bad:
        print("include-graph: %s includes %s, outside %s; report through "
              "kvm/ops.h instead" % (src, dep, LEAF), file=sys.stderr)
    for c in leaf_cycles:
        print("include-graph: %s is in a cycle: %s" % (LEAF, " ".join(c)),
              file=sys.stderr)
    return 1 if bad or leaf_cycles else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
