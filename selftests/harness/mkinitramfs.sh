#!/bin/bash
# mkinitramfs.sh <alias> <out.cpio.gz> [--embed PATH]... [--run FILE]
# Build the harness initramfs: static busybox + initramfs-init.sh as /init.
# Without --embed: carries the 9p module stack of <alias>, /init mounts the
# dev machine's / over 9p. With --embed: (Bochs) copies each PATH (file or
# dir) to the same absolute path inside, and /init runs from the initramfs.
# --run FILE: the run file for host-init.sh, as /kn/run.env.
set -eu
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

usage() { echo "usage: $0 <alias> <out.cpio.gz> [--embed PATH]... [--run FILE]" >&2; exit 2; }
[ $# -ge 2 ] || usage
alias=$1 out=$2
shift 2
embed=() run=
while [ $# -gt 0 ]; do
	case $1 in
	--embed) [ $# -ge 2 ] || usage; embed+=("$2"); shift 2 ;;
	--run) [ $# -ge 2 ] || usage; run=$2; shift 2 ;;
	*) usage ;;
	esac
done

kver=$(kn_kver "$alias")
kn_need_kernel "$alias"
moddir=$(kn_root "$alias")/lib/modules/$kver
busybox=/bin/busybox
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
	kn_die "$busybox is not static: install busybox-static (scripts/deps.sh)"

stage=$(mktemp -d /tmp/kn-initramfs.XXXXXX)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,run,var/tmp,newroot,kn,lib/modules/"$kver"}
cp "$busybox" "$stage/bin/busybox"
for a in $("$busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$stage/bin/$a"
done
mknod "$stage/dev/console" c 5 1 || kn_die "mknod /dev/console failed (needs root)"
install -m 755 "$KN_TOP/selftests/harness/initramfs-init.sh" "$stage/init"

# Module path (relative to moddir) of a module name, empty if built in.
modpath() {
	local f
	f=$(find "$moddir/kernel" \( -name "$1.ko" -o -name "${1//_/-}.ko" \) -print -quit)
	[ -n "$f" ] && printf '%s\n' "${f#"$moddir"/}"
}

# Emit modules in load order, dependencies (modinfo) first.
declare -A seen=()
resolve() {
	local m=$1 p d
	[ -z "${seen[$m]:-}" ] || return 0
	seen[$m]=1
	p=$(modpath "$m") || return 0
	for d in $(modinfo -F depends "$moddir/$p" | tr , ' '); do
		resolve "$d"
	done
	printf '%s\n' "$p"
}

if [ ${#embed[@]} -eq 0 ]; then
	for m in virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci \
		9pnet 9pnet_virtio netfs fscache 9p; do
		resolve "$m"
	done >"$stage/kn/modules"
	grep -q '/9p\.ko$' "$stage/kn/modules" || kn_die "no 9p.ko in $moddir"
	while read -r p; do
		mkdir -p "$stage/lib/modules/$kver/${p%/*}"
		cp "$moddir/$p" "$stage/lib/modules/$kver/$p"
	done <"$stage/kn/modules"
else
	touch "$stage/kn/embedded"
	for p in "${embed[@]}"; do
		[ -e "$p" ] || kn_die "--embed $p: no such file or directory"
		p=$(realpath "$p")
		mkdir -p "$stage${p%/*}"
		cp -a "$p" "$stage$p"
	done
fi

[ -z "$run" ] || cp "$run" "$stage/kn/run.env"

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$out.tmp.$$"
mv "$out.tmp.$$" "$out"
