#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""kn-ibt-check: refuse a kvm-nest build that would reach a sealed kernel function indirectly.

On kernels with CONFIG_X86_KERNEL_IBT the loader poisons the ENDBR of every function listed in
an object's .ibt_endbr_seal section (functions whose address nothing takes); an indirect call to
one raises #CP and oopses the host. kvm-nest finds kernel symbols by name only through the KN_*
macros of kvm-nest/kvm/sym.h, which leave one record "HOW MOD:NAME" each in the .kn_reach
section. This check reads those records from the built object, the seal tables of the target's
KVM modules and the target's System.map, and fails, naming the symbol, when a function is taken
by address ("data"). Functions that are "call" or "hook" records are reached by static calls,
which x86 patches into direct calls, so their seal is reported but harmless.

It also fails when the sources look up a symbol by name outside sym.h's macros.

usage: kn-ibt-check.py --obj kvm-nest.ko [--kver KVER] [--kdir DIR] [--vmlinux FILE]
                       [--moddir DIR] [--src kvm-nest/] [--out REPORT]
"""
import argparse
import importlib.util
import lzma
import os
import re
import struct
import sys
from pathlib import Path

KO_SUFFIXES = (".ko", ".ko.xz")
STT_FUNC = 2


def die(msg):
    print(f"kn-ibt-check: error: {msg}", file=sys.stderr)
    sys.exit(1)


class Elf:
    """Just enough of ELF64 little-endian: sections, the symbol table, RELA entries."""

    def __init__(self, path):
        data = Path(path).read_bytes()
        if str(path).endswith(".xz"):
            data = lzma.decompress(data)
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            die(f"{path}: not a 64-bit little-endian ELF object")
        self.path, self.data = path, data
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        self.sections = []
        for i in range(shnum):
            name, stype, _, _, off, size, link, info, _, entsize = struct.unpack_from(
                "<IIQQQQIIQQ", data, shoff + i * shentsize)
            self.sections.append([name, stype, off, size, link, info, entsize])
        strtab = self.sections[shstrndx]
        for s in self.sections:
            s[0] = self._str(strtab[2], s[0])
        self.by_name = {s[0]: i for i, s in enumerate(self.sections)}

    def _str(self, base, off):
        end = self.data.index(b"\0", base + off)
        return self.data[base + off:end].decode()

    def section(self, name):
        i = self.by_name.get(name)
        if i is None:
            return None
        _, _, off, size, *_ = self.sections[i]
        return self.data[off:off + size]

    def symbols(self):
        """[(name, type, shndx, value)] of .symtab, in index order."""
        i = self.by_name.get(".symtab")
        if i is None:
            return []
        _, _, off, size, link, _, _ = self.sections[i]
        stroff = self.sections[link][2]
        out = []
        for o in range(off, off + size, 24):
            name, info, _, shndx, value, _ = struct.unpack_from("<IBBHQQ", self.data, o)
            out.append((self._str(stroff, name), info & 0xF, shndx, value))
        return out

    def relas(self, name):
        """[(symbol index, addend)] of section @name (a RELA section)."""
        i = self.by_name.get(name)
        if i is None:
            return []
        _, _, off, size, *_ = self.sections[i]
        out = []
        for o in range(off, off + size, 24):
            _, info, addend = struct.unpack_from("<QQq", self.data, o)
            out.append((info >> 32, addend))
        return out


class Module:
    """A target module's functions and which of them are sealed."""

    def __init__(self, path):
        elf = Elf(path)
        syms = elf.symbols()
        self.funcs = {n: (sh, v) for n, t, sh, v in syms if t == STT_FUNC and n}
        self.objects = {n for n, t, *_ in syms if t != STT_FUNC and n}
        # Each seal relocation points at an ENDBR: a section symbol plus an offset.
        sealed_at = set()
        for symidx, addend in elf.relas(".rela.ibt_endbr_seal"):
            _, _, shndx, value = syms[symidx]
            sealed_at.add((shndx, value + addend))
        self.sealed = {n for n, at in self.funcs.items() if at in sealed_at}
        self.has_seal_table = ".ibt_endbr_seal" in elf.by_name


def layout_lib():
    """kn-layout.py, beside this file, knows where a target's vmlinux and modules are."""
    spec = importlib.util.spec_from_file_location("kn_layout", Path(__file__).with_name("kn-layout.py"))
    mod = importlib.util.module_from_spec(spec)
    sys.modules["kn_layout"] = mod
    spec.loader.exec_module(mod)
    return mod


# Bytes that follow a BTF type record of each kind, for a vlen of 1 (x vlen where it repeats).
BTF_TAIL = {1: (4, 0), 3: (12, 0), 4: (0, 12), 5: (0, 12), 6: (0, 8), 13: (0, 8), 14: (4, 0),
            15: (0, 12), 17: (4, 0), 19: (0, 12)}


class Vmlinux:
    """vmlinux: its seal table is not in the shipped image, so any unexported function may be
    sealed; its BTF still tells functions (FUNC) from the rest."""

    def __init__(self, btf):
        magic, _, _, hdr_len, type_off, type_len, str_off, _ = struct.unpack_from("<HBBIIIII", btf)
        if magic != 0xEB9F:
            die("vmlinux BTF has a bad magic")
        types, strs = hdr_len + type_off, hdr_len + str_off
        self.funcs = set()
        o = types
        while o < types + type_len:
            name_off, info, _ = struct.unpack_from("<III", btf, o)
            kind, vlen = (info >> 24) & 0x1F, info & 0xFFFF
            if kind == 12:
                end = btf.index(b"\0", strs + name_off)
                self.funcs.add(btf[strs + name_off:end].decode())
            fixed, per = BTF_TAIL.get(kind, (0, 0))
            o += 12 + fixed + per * vlen


def records(obj):
    raw = Elf(obj).section(".kn_reach")
    if raw is None:
        die(f"{obj} has no .kn_reach section: was it built from kvm-nest's sources?")
    out = []
    for rec in raw.split(b"\0"):
        if not rec:
            continue
        m = re.fullmatch(r"(call|hook|data) ([\w]+):([\w.]+)", rec.decode())
        if not m:
            die(f"{obj}: malformed .kn_reach record {rec!r}")
        out.append(m.groups())
    return sorted(set(out), key=lambda r: (r[1], r[2], r[0]))


def lint_sources(src):
    """kn_sym() may be called only by sym.c and sym.h's macros, which record what they find."""
    bad = []
    for p in sorted(Path(src).rglob("*.[ch]")):
        if p.parent.name == "kvm" and p.name in ("sym.c", "sym.h"):
            continue
        for n, line in enumerate(p.read_text().splitlines(), 1):
            if re.search(r"\bkn_sym\s*\(|kallsyms_lookup_name|\bsymbol_get\s*\(", line):
                bad.append(f"{p}:{n}: looks a symbol up by name outside kvm/sym.h's KN_* macros")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--obj", required=True, help="the built kvm-nest.o or kvm-nest.ko")
    ap.add_argument("--kver", default=os.uname().release)
    ap.add_argument("--kdir", default="", help="the target's headers (Debian 6.12 ships vmlinux BTF)")
    ap.add_argument("--vmlinux", default="", help="vmlinuz, vmlinux or raw BTF (as KN_BTF_VMLINUX)")
    ap.add_argument("--moddir", default="", help="/lib/modules/<kver> or a dir with kvm.ko")
    ap.add_argument("--src", default="", help="kvm-nest/ sources to lint")
    ap.add_argument("--out", default="", help="write the report here on success")
    a = ap.parse_args()

    kl = layout_lib()
    try:
        moddir = kl.find_moddir(a.kver, a.moddir)
    except kl.LayoutError as e:
        die(str(e))
    mods, errors, lines = {}, [], []
    vmlinux = None
    recs = records(a.obj)
    for how, mod, name in recs:
        if mod == "vmlinux":
            if vmlinux is None:
                try:
                    src = kl.find_vmlinux(a.kver, a.vmlinux, a.kdir)
                    data = src.read_bytes()
                    vmlinux = Vmlinux(data if data[:2] == kl.BTF_MAGIC else kl.raw_btf(data, src, "vmlinux"))
                except kl.LayoutError as e:
                    die(str(e))
            is_func = name in vmlinux.funcs
            sealed, known = "may be sealed: vmlinux's table is not shipped", True
        else:
            if mod not in mods:
                p = kl.find_module(moddir, mod.replace("_", "-"))
                mods[mod] = Module(p) if p else None
            m = mods[mod]
            if m is None:
                lines.append(f"{how} {mod}:{name}: {mod}.ko not in {moddir}, not checked")
                continue
            is_func = name in m.funcs
            known = is_func or name in m.objects
            sealed = "sealed" if name in m.sealed else "not sealed"
            if not m.has_seal_table:
                sealed = "no seal table (kernel without IBT)"
        if not known:
            lines.append(f"{how} {mod}:{name}: not in {a.kver}; the module will refuse to load")
            continue
        if how == "data" and is_func:
            errors.append(f"{mod}:{name} is a function ({sealed} on {a.kver}) but kvm-nest looks it "
                          f"up as data, to call it through a pointer; on IBT kernels that oopses "
                          f"the host. Reach it with KN_CALL_DEFINE()/KN_CALL() (kvm-nest/kvm/sym.h)")
            continue
        if how != "data" and not is_func:
            errors.append(f"{mod}:{name} is recorded as '{how}' but is not a function on {a.kver}")
            continue
        lines.append(f"{how} {mod}:{name}: " +
                     (f"function, {sealed}, reached by a direct call" if is_func else "object"))
    if a.src:
        errors += lint_sources(a.src)

    report = "\n".join(lines) + "\n"
    if errors:
        sys.stderr.write(report)
        for e in errors:
            print(f"kn-ibt-check: error: {e}", file=sys.stderr)
        if a.out and os.path.exists(a.out):
            os.unlink(a.out)
        return 1
    nsealed = sum(1 for ln in lines if ", sealed," in ln)
    summary = (f"kn-ibt-check: {len(recs)} symbols found by name, {nsealed} of them sealed on "
               f"{a.kver}, none reached indirectly")
    if a.out:
        Path(a.out).write_text(report + summary + "\n")
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
