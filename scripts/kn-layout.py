#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate kvm-nest's gen/layout.h from the target kernel's BTF.

Reads kvm-nest/layout.spec, finds the BTF of the target's vmlinux and of kvm.ko, kvm-amd.ko and
kvm-intel.ko, lets bpftool dump it as JSON and writes offsets, sizes and tracepoint probe prototypes
as #defines. Standard library and bpftool only; see Documentation/layout.rst.
"""
from __future__ import annotations

import argparse
import bz2
import hashlib
import json
import lzma
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

BTF_MAGIC = b"\x9f\xeb"
KO_SUFFIXES = (".ko", ".ko.xz", ".ko.zst", ".ko.gz")
QUALIFIERS = ("TYPEDEF", "VOLATILE", "CONST", "RESTRICT", "TYPE_TAG")


class LayoutError(Exception):
    """A reason to stop the build; the message is printed after 'kvm-nest: '."""


def die(msg: str) -> NoReturn:
    raise LayoutError(msg)


# ---------------------------------------------------------------------------------------------------
# The spec

@dataclass
class Member:
    struct: str
    path: str
    want: str


@dataclass
class Module:
    vendor: str
    file: str
    structs: list[str] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    tracepoints: list[tuple[str, bool]] = field(default_factory=list)


def parse_spec(path: Path) -> list[Module]:
    mods: list[Module] = []
    cur_struct = ""
    for n, raw in enumerate(path.read_text().splitlines(), 1):
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        where = f"{path}:{n}"
        kw, args = words[0], words[1:]
        if kw == "module" and len(args) == 2:
            mods.append(Module(args[0].upper(), args[1]))
            cur_struct = ""
        elif not mods:
            die(f"{where}: '{kw}' before any 'module' line")
        elif kw == "struct" and len(args) == 1:
            cur_struct = args[0]
            mods[-1].structs.append(cur_struct)
        elif kw == "member" and len(args) >= 2 and cur_struct:
            mods[-1].members.append(Member(cur_struct, args[0], " ".join(args[1:])))
        elif kw == "tracepoint" and len(args) in (1, 2) and args[1:] in ([], ["vcpu"]):
            mods[-1].tracepoints.append((args[0], len(args) == 2))
        else:
            die(f"{where}: cannot parse: {raw.strip()}")
    if not mods or mods[0].vendor != "KVM":
        die(f"{path}: the first module must be 'module KVM kvm'")
    return mods


# ---------------------------------------------------------------------------------------------------
# Getting raw BTF out of vmlinuz, vmlinux, .ko, .ko.xz, /sys/kernel/btf/*

def elf_section(data: bytes, name: str) -> bytes | None:
    """Contents of a section of a 64-bit little-endian ELF file."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)

    def header(i: int) -> tuple[int, int, int]:
        sh = struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
        return sh[0], sh[4], sh[5]  # name offset, file offset, size

    strtab = header(shstrndx)[1]
    want = name.encode() + b"\0"
    for i in range(shnum):
        name_off, off, size = header(i)
        if data[strtab + name_off:strtab + name_off + len(want)] == want:
            return data[off:off + size]
    return None


def run_tool(argv: list[str], data: bytes, package: str) -> bytes:
    if not shutil.which(argv[0]):
        die(f"{argv[0]} not found; install {package}")
    res = subprocess.run(argv, input=data, capture_output=True, check=False)
    if res.returncode:
        die(f"{' '.join(argv)} failed: {res.stderr.decode(errors='replace').strip()}")
    return res.stdout


def decompress(data: bytes) -> bytes | None:
    """Decompress one stream, ignoring what follows it (bzImage payloads end with a 4-byte size)."""
    if data[:6] == b"\xfd7zXZ\x00":
        return lzma.LZMADecompressor(lzma.FORMAT_XZ).decompress(data)
    if data[:3] == b"\x5d\x00\x00":
        return lzma.LZMADecompressor(lzma.FORMAT_ALONE).decompress(data)
    if data[:2] == b"\x1f\x8b":
        return zlib.decompressobj(31).decompress(data)
    if data[:3] == b"BZh":
        return bz2.BZ2Decompressor().decompress(data)
    if data[:4] == b"\x28\xb5\x2f\xfd":
        return run_tool(["zstd", "-dcq"], data, "zstd")
    return None


def bzimage_payload(data: bytes) -> bytes:
    setup_sects = data[0x1F1] or 4
    offset, length = struct.unpack_from("<II", data, 0x248)
    start = (setup_sects + 1) * 512 + offset
    return data[start:start + length]


def zstd_payload(payload: bytes) -> bytes:
    # the kernel appends the decompressed size, which zstd(1) rejects as trailing garbage
    return payload[:-4] if payload[:4] == b"\x28\xb5\x2f\xfd" else payload


def build_id(elf: bytes, src: Path) -> str:
    """The GNU build-id note of an ELF file, in hex, as readelf -n and /sys/module/*/notes show it."""
    notes = elf_section(elf, ".note.gnu.build-id")
    pos = 0
    while notes is not None and pos + 12 <= len(notes):
        namesz, descsz, ntype = struct.unpack_from("<III", notes, pos)
        name_end = pos + 12 + namesz
        desc = pos + 12 + (namesz + 3) // 4 * 4
        if ntype == 3 and notes[pos + 12:name_end] == b"GNU\0" and descsz:  # NT_GNU_BUILD_ID
            return notes[desc:desc + descsz].hex()
        pos = desc + (descsz + 3) // 4 * 4
    die(f"{src} has no GNU build-id note; kvm-nest needs it to check, at load, "
        "that the running module is this one")


def plain_elf(data: bytes, src: Path) -> bytes:
    """The ELF file itself, from a vmlinuz, a compressed module or a plain ELF."""
    if data[0x202:0x206] == b"HdrS":  # bzImage
        elf = decompress(zstd_payload(bzimage_payload(data)))
        if elf is None:
            die(f"{src}: unsupported kernel image compression; pass KN_BTF_VMLINUX=<vmlinux ELF>")
        data = elf
    elif data[:4] != b"\x7fELF":
        plain = decompress(data)
        if plain is None:
            die(f"{src}: neither BTF, ELF, bzImage nor a known compressed file")
        data = plain
    if data[:6] != b"\x7fELF\x02\x01":
        die(f"{src}: not a 64-bit little-endian ELF file")
    return data


def raw_btf(data: bytes, src: Path, what: str) -> bytes:
    """The .BTF of vmlinux or a module, from any of the forms a distribution ships."""
    btf = elf_section(plain_elf(data, src), ".BTF")
    if btf is None:
        config = "CONFIG_DEBUG_INFO_BTF" if what == "vmlinux" else "CONFIG_DEBUG_INFO_BTF_MODULES"
        die(f"{src} has no .BTF section: kernel built without {config}")
    return btf


@dataclass
class Input:
    name: str          # vmlinux, kvm, kvm-amd, ...
    src: Path          # what we were given
    sha256: str
    btf: Path          # raw BTF that bpftool reads (src itself or a cached extract)
    btf_size: int
    build_id: str = ""  # GNU build-id in hex (modules only)


def materialize(name: str, src: Path, cache: Path, want_id: bool = False) -> Input:
    """Raw BTF of src, cached in cache/<name>.btf keyed by src's sha256 (rebuilds skip the XZ),
    and with want_id its build-id, cached the same way in cache/<name>.build-id."""
    try:
        data = src.read_bytes()
    except OSError as e:
        die(f"cannot read {src}: {e.strerror}")
    sha = hashlib.sha256(data).hexdigest()
    if data[:2] == BTF_MAGIC:
        if want_id:
            die(f"{src} is raw BTF; kvm-nest needs the module file for its build-id")
        return Input(name, src, sha, src, len(data))
    out, key, bid = cache / f"{name}.btf", cache / f"{name}.btf.sha256", cache / f"{name}.build-id"
    if not (out.is_file() and key.is_file() and key.read_text().strip() == sha and
            (not want_id or bid.is_file())):
        try:
            elf = plain_elf(data, src)
            btf = raw_btf(elf, src, name)
            ident = build_id(elf, src) if want_id else ""
        except (lzma.LZMAError, zlib.error, OSError, EOFError, struct.error, IndexError) as e:
            die(f"{src}: cannot extract its BTF: {e}")
        cache.mkdir(parents=True, exist_ok=True)
        write_atomic(out, btf)
        if want_id:
            write_atomic(bid, ident + "\n")
        key.write_text(sha + "\n")
    ident = bid.read_text().strip() if want_id else ""
    return Input(name, src, sha, out, out.stat().st_size, ident)


# ---------------------------------------------------------------------------------------------------
# Finding the inputs

def find_vmlinux(kver: str, given: str, kdir: str) -> Path:
    """1. KN_BTF_VMLINUX, 2. /sys/kernel/btf/vmlinux if the target runs, 3. <kdir>/vmlinux, the
    BTF-only ELF that Debian's 6.12 headers ship for module BTF, 4. /boot/vmlinuz-<kver>."""
    if given:
        p = Path(os.path.abspath(given))
        if not p.is_file():
            die(f"KN_BTF_VMLINUX={given} does not exist")
        return p
    sysfs = Path("/sys/kernel/btf/vmlinux")
    if os.uname().release == kver and sysfs.is_file():
        return sysfs
    headers = Path(kdir, "vmlinux")
    if kdir and headers.is_file():
        return headers
    boot = Path(f"/boot/vmlinuz-{kver}")
    if boot.is_file():
        return boot
    die(f"no vmlinux BTF for {kver}: not running it, no {headers}, no {boot}; "
        "pass KN_BTF_VMLINUX=<vmlinuz|vmlinux|BTF>")


def find_moddir(kver: str, given: str) -> Path:
    """1. KN_KVM_MODDIR (the kvm/ directory or a /lib/modules/<kver> root), 2. /lib/modules/<kver>."""
    d = Path(os.path.abspath(given or f"/lib/modules/{kver}"))
    sub = d / "kernel/arch/x86/kvm"
    if sub.is_dir():
        return sub
    if given and d.is_dir():
        return d
    die(f"no KVM modules in {d}; pass KN_KVM_MODDIR=<dir with kvm.ko>")


def find_module(moddir: Path, name: str) -> Path | None:
    for suffix in KO_SUFFIXES:
        p = moddir / (name + suffix)
        if p.is_file():
            return p
    return None


# ---------------------------------------------------------------------------------------------------
# BTF as dumped by bpftool

class Btf:
    def __init__(self, types: list[dict[str, Any]], base: Btf | None, inp: Input) -> None:
        self.base = base
        self.first = base.first + len(base.types) if base else 1
        self.types = types
        self.btf = inp.btf
        self.src = inp.src

    @classmethod
    def load(cls, bpftool: str, inp: Input, base: Btf | None) -> Btf:
        argv = [bpftool, "-j", *(["-B", str(base.btf)] if base else []), "btf", "dump", "file", str(inp.btf)]
        res = subprocess.run(argv, capture_output=True, text=True, check=False)
        try:
            out = json.loads(res.stdout)
        except json.JSONDecodeError:
            out = {"error": res.stderr.strip() or "no JSON output"}
        if res.returncode or "error" in out:
            hint = "; does the vmlinux BTF belong to the same kernel build?" if base else ""
            die(f"bpftool cannot read the BTF of {inp.src}: {out.get('error')}{hint}")
        # split BTF names its types by offsets into base+split strings: another base shows as garbage
        if base and any(t["name"] == "(invalid)" for t in out["types"]):
            die(f"the BTF of {inp.src} does not fit the vmlinux BTF of {base.src}: "
                "they come from different kernel builds")
        return cls(out["types"], base, inp)

    def __getitem__(self, tid: int) -> dict[str, Any]:
        if tid < self.first:
            assert self.base is not None
            return self.base[tid]
        return self.types[tid - self.first]

    def find(self, kind: str, name: str) -> int | None:
        """Id of the named type, preferring this module's own types over the base."""
        for t in self.types:
            if t["kind"] == kind and t["name"] == name:
                return int(t["id"])
        return self.base.find(kind, name) if self.base else None

    def strip(self, tid: int) -> int:
        while tid and self[tid]["kind"] in QUALIFIERS:
            tid = self[tid]["type_id"]
        return tid

    def sizeof(self, tid: int) -> int:
        t = self[self.strip(tid)]
        if t["kind"] == "PTR":
            return 8
        if t["kind"] == "ARRAY":
            return int(t["nr_elems"]) * self.sizeof(t["type_id"])
        return int(t["size"])

    def render(self, tid: int) -> str | None:
        """C type of tid as kvm-nest writes it (u32, bool, struct X, const struct X *), None if other."""
        tid = self.strip(tid)
        if tid == 0:
            return "void"
        t = self[tid]
        kind = t["kind"]
        if kind == "INT":
            if t["encoding"] == "BOOL":
                return "bool"
            if t["size"] not in (1, 2, 4, 8):
                return None
            return ("s" if t["encoding"] == "SIGNED" else "u") + str(8 * t["size"])
        if kind in ("STRUCT", "UNION") and t["name"] != "(anon)":
            return f"{kind.lower()} {t['name']}"
        if kind == "PTR":
            inner, const = t["type_id"], ""
            while inner and self[inner]["kind"] in QUALIFIERS:
                const = const or ("const " if self[inner]["kind"] == "CONST" else "")
                inner = self[inner]["type_id"]
            pointee = self.render(inner)
            return f"{const}{pointee} *" if pointee else None
        if kind == "ARRAY":
            elem = self.render(t["type_id"])
            return f"{elem}[{t['nr_elems']}]" if elem else None
        return None

    def describe(self, tid: int) -> str:
        t = self[self.strip(tid)] if tid else {"kind": "VOID", "name": ""}
        return f"BTF kind {t['kind']} '{t.get('name', '')}'"


# ---------------------------------------------------------------------------------------------------
# Resolving the spec

@dataclass
class Resolved:
    bit_offset: int     # from the start of the struct
    parent_bits: int    # bit offset of the enclosing member of the path's last element
    type_id: int
    bitfield: int       # width, 0 if not a bitfield


def find_member(btf: Btf, sid: int, name: str) -> tuple[int, dict[str, Any]] | None:
    for m in btf[sid]["members"]:
        if m["name"] == name:
            return int(m["bits_offset"]), m
        inner = btf.strip(m["type_id"])
        if m["name"] == "(anon)" and btf[inner]["kind"] in ("STRUCT", "UNION"):
            hit = find_member(btf, inner, name)
            if hit:
                return int(m["bits_offset"]) + hit[0], hit[1]
    return None


def resolve(btf: Btf, file: str, struct_name: str, path: str) -> Resolved:
    sid = btf.find("STRUCT", struct_name)
    if sid is None:
        die(f"BTF of {file} has no struct {struct_name}; this kernel is not supported")
    bits, parent, tid, width = 0, 0, sid, 0
    for name in path.split("."):
        cur = btf.strip(tid)
        hit = find_member(btf, cur, name) if btf[cur]["kind"] in ("STRUCT", "UNION") else None
        if hit is None:
            die(f"BTF of {file} has no member {path} in struct {struct_name}; "
                "this kernel is not supported")
        parent = bits
        bits += hit[0]
        tid, width = hit[1]["type_id"], int(hit[1].get("bitfield_size", 0))
    return Resolved(bits, parent, tid, width)


def macro(*parts: str) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9]", "_", p).upper() for p in parts)


def module_block(btf: Btf, mod: Module, file: str) -> list[str]:
    lines: list[str] = []
    for s in mod.structs:
        sid = btf.find("STRUCT", s)
        if sid is None:
            die(f"BTF of {file} has no struct {s}; this kernel is not supported")
        lines.append(f"#define {macro('KN', mod.vendor, s, 'SIZE')} {btf.sizeof(sid)}")
    for m in mod.members:
        r = resolve(btf, file, m.struct, m.path)
        have = btf.render(r.type_id) or btf.describe(r.type_id)
        if r.bitfield:
            have += f":{r.bitfield}"
        if have != m.want:
            die(f"BTF of {file}: {m.struct}.{m.path} is '{have}', kvm-nest expects '{m.want}'; "
                "this kernel is not supported")
        name = macro("KN", mod.vendor, m.path)
        lines.append(f"/* {m.struct}.{m.path}: {have} */")
        if r.bitfield:
            lines.append(f"#define {name}_BIT_OFFSET {r.bit_offset - r.parent_bits}")
            lines.append(f"#define {name}_BIT_SIZE {r.bitfield}")
            continue
        if r.bit_offset % 8:
            die(f"BTF of {file}: {m.struct}.{m.path} is not byte aligned")
        lines.append(f"#define {name}_OFFSET {r.bit_offset // 8}")
        lines.append(f"#define {name}_SIZE {btf.sizeof(r.type_id)}")
    return lines


def tracepoint_block(btf: Btf, file: str, name: str, want_vcpu: bool) -> tuple[list[str], set[str]]:
    tid = btf.find("TYPEDEF", f"btf_trace_{name}")
    if tid is None:
        die(f"BTF of {file} has no btf_trace_{name}: tracepoint {name} is missing; "
            "this kernel is not supported")
    proto = btf[btf.strip(tid)]
    proto = btf[proto["type_id"]] if proto["kind"] == "PTR" else proto
    if proto["kind"] != "FUNC_PROTO":
        die(f"BTF of {file}: btf_trace_{name} is not a function pointer")
    params = [p["type_id"] for p in proto["params"]]
    if not params or btf.render(params[0]) != "void *":
        die(f"BTF of {file}: btf_trace_{name} does not start with void *data")
    decls, names, structs = [], [], set()
    for i, p in enumerate(params[1:]):
        ctype = btf.render(p)
        t = btf[btf.strip(p)]
        pointee = btf[btf.strip(t["type_id"])] if t["kind"] == "PTR" else {"kind": ""}
        if ctype is None or not (t["kind"] == "INT" or pointee["kind"] in ("STRUCT", "UNION")):
            die(f"BTF of {file}: argument {i + 1} of tracepoint {name} is {ctype or btf.describe(p)}; "
                "kvm-nest renders only integers, bool and pointers to structs")
        arg = "vcpu" if i == 0 and want_vcpu else f"a{i if want_vcpu else i + 1}"
        if arg == "vcpu" and ctype != "struct kvm_vcpu *":
            die(f"BTF of {file}: the first argument of tracepoint {name} is {ctype}, not struct kvm_vcpu *")
        if pointee["kind"]:
            structs.add(ctype.replace("const ", "").rstrip(" *"))
        decls.append(f"{ctype}{'' if ctype.endswith('*') else ' '}{arg}")
        names.append(arg)
    if want_vcpu and not names:
        die(f"BTF of {file}: tracepoint {name} has no arguments, kvm-nest expects struct kvm_vcpu *")
    lines = [f"#define KN_TP_PROTO_{name} {', '.join(decls) or 'void'}",
             f"#define KN_TP_ARGS_{name} {', '.join(names)}",
             f"#define KN_TP_NARGS_{name} {len(names)}"]
    return lines, structs


# ---------------------------------------------------------------------------------------------------
# Output

def write_atomic(path: Path, data: bytes | str) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    if isinstance(data, str):
        data = data.encode()
    tmp.write_bytes(data)
    os.replace(tmp, path)


def describe_input(inp: Input) -> str:
    ident = f", build-id {inp.build_id}" if inp.build_id else ""
    return f" *   {inp.name}: {inp.src}\n *       sha256 {inp.sha256}, BTF {inp.btf_size} bytes{ident}"


def generate(args: argparse.Namespace) -> tuple[str, list[Path]]:
    mods = parse_spec(args.spec)
    kver = args.kver
    bpftool = args.bpftool
    if not shutil.which(bpftool):
        die(f"{bpftool} not found; install bpftool (Debian: apt install bpftool)")
    cache = args.out.parent / "btf"
    vmlinux = materialize("vmlinux", find_vmlinux(kver, args.vmlinux, args.kdir), cache)
    moddir = find_moddir(kver, args.moddir)
    base = Btf.load(bpftool, vmlinux, None)
    inputs, deps, body, structs = [vmlinux], [vmlinux.src, moddir], [], set()
    missing = set(args.require)
    for mod in mods:
        ko = find_module(moddir, mod.file)
        missing.discard(mod.vendor)
        if ko is None:
            if mod.vendor == "KVM" or mod.vendor in args.require:
                why = "kvm-nest needs it" if mod.vendor == "KVM" else f"KN_LAYOUT_REQUIRE names {mod.vendor}"
                die(f"{mod.file}.ko not found in {moddir}, and {why}")
            body += ["", f"/* KN_HAVE_{mod.vendor}_LAYOUT is not defined: no {mod.file}.ko in {moddir} */"]
            continue
        inp = materialize(mod.file, ko, cache, want_id=True)
        inputs.append(inp)
        deps.append(ko)
        btf = Btf.load(bpftool, inp, base)
        body += ["", f"/* {ko.name} */"]
        if mod.vendor != "KVM":
            body.append(f"#define KN_HAVE_{mod.vendor}_LAYOUT 1")
        # Checked at load against the running module (kvm/match.c).
        body.append(f'#define {macro("KN", mod.vendor, "BUILD_ID")} "{inp.build_id}"')
        body.append(f'#define {macro("KN", mod.vendor, "MODULE_FILE")} {json.dumps(str(ko))}')
        for tp, want_vcpu in mod.tracepoints:
            if mod.vendor != "KVM":
                die(f"{args.spec}: tracepoint {tp} must be listed under module KVM")
            lines, used = tracepoint_block(btf, ko.name, tp, want_vcpu)
            body += lines
            structs |= used
        body += module_block(btf, mod, ko.name)
    if missing:
        die(f"KN_LAYOUT_REQUIRE names {' '.join(sorted(missing))}, which {args.spec.name} does not list")
    names = [ln.split()[1] for ln in body if ln.startswith("#define ")]
    dups = {n for n in names if names.count(n) > 1}
    if dups:
        die(f"{args.spec}: two items map to the macro name(s) {', '.join(sorted(dups))}")
    head = ["/* SPDX-License-Identifier: GPL-2.0 */",
            f"/* Generated by {Path(sys.argv[0]).name} from {args.spec.name}; do not edit.",
            f" * Target kernel {kver}. Inputs:"]
    head += [describe_input(i) for i in inputs]
    head += [" * HF_GUEST_MASK and other macros are not in BTF: take them from the target's headers.", " */",
             "#ifndef KN_GEN_LAYOUT_H", "#define KN_GEN_LAYOUT_H", "", "#include <linux/types.h>", "",
             f'#define KN_LAYOUT_KERNELRELEASE "{kver}"']
    head += [f"{s};" for s in sorted(structs)]
    return "\n".join(head + body + ["", "#endif /* KN_GEN_LAYOUT_H */", ""]), deps


def depfile(target: Path, deps: list[Path], record: str) -> str:
    """Make rules: rebuild when an input changes; an input that disappears counts as changed."""
    esc = [str(d).replace(" ", "\\ ") for d in deps]
    lines = [f"kn_layout_recorded := {record}", f"{target}: {' '.join(esc)}"]
    lines += [f"{d}:" for d in esc]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True, help="the header to write (…/gen/layout.h)")
    ap.add_argument("--kver", required=True, help="target kernel release (KERNELRELEASE)")
    ap.add_argument("--vmlinux", default="", help="KN_BTF_VMLINUX: vmlinuz, vmlinux or raw BTF")
    ap.add_argument("--kdir", default="", help="the kernel build dir of the target ($(objtree))")
    ap.add_argument("--moddir", default="", help="KN_KVM_MODDIR: dir of kvm*.ko or /lib/modules/<kver>")
    ap.add_argument("--require", default="", type=lambda s: s.upper().split(),
                    help="vendors that must be present, e.g. 'SVM VMX'")
    ap.add_argument("--bpftool", default="bpftool")
    ap.add_argument("--depfile", type=Path, help="also write make rules naming the inputs")
    ap.add_argument("--record", default="", help="string stored in the depfile as kn_layout_recorded")
    args = ap.parse_args()
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        text, deps = generate(args)
    except LayoutError as e:
        print(f"kvm-nest: {e}", file=sys.stderr)
        return 1
    write_atomic(args.out, text)
    if args.depfile:
        write_atomic(args.depfile, depfile(args.out, deps, args.record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
