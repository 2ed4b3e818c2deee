#!/bin/sh
# l1-doll.sh: start an "L1 Linux doll" inside an emulated host: the same
# stock kernel under qemu -enable-kvm -cpu host, seeing this host's / over
# 9p; its host-init.sh loads kvm nested=1 (and kvm-nest with --module) and
# runs COMMAND. Results come back on the doll's second serial port.
#   l1-doll.sh [--name N] [--mem M] [--smp N] [--module] [--balloon] [--quiet] [--append P]
#              [--timeout S] -- COMMAND...
#       run to completion: print the doll's output, exit with its status
#   l1-doll.sh --bg [...] -- COMMAND...   start it, print "pid=<qemu pid> dir=<dir>"
#   l1-doll.sh --wait DIR [--timeout S]   wait for a --bg doll, as above
# --quiet: the doll's console shows warnings and worse only (each console
# byte costs exits, and they add up in a doll inside a doll). --append:
# more parameters for the doll's kernel.
# --balloon adds a virtio balloon (the doll loads virtio_balloon). Every
# doll has a QMP socket at DIR/qmp.sock; the envelope agent finds it in
# QEMU's command line. DIR/result.log grows live with COMMAND's output.
# POSIX sh; runs inside the emulated host (needs the KN_* of host-init.sh).
set -eu
: "${KN_TOP:?run inside an emulated host}" "${KN_KERNEL:?}"
KN_BUILD=${KN_BUILD:-$KN_TOP/build}
# shellcheck source=lib/klog.sh
. "$KN_TOP/selftests/harness/lib/klog.sh"

name=l1doll mem=1G smp=1 module=0 balloon=0 quiet='' append='' bg=0 tmo=300 dir=
usage() { sed -n '5,16s/^# \{0,1\}//p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--name) name=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--module) module=1; shift ;;
	--balloon) balloon=1; shift ;;
	--quiet) quiet=" loglevel=5"; shift ;;
	--append) append=" $2"; shift 2 ;;
	--timeout) tmo=$2; shift 2 ;;
	--bg) bg=1; shift ;;
	--wait) dir=$2; shift 2 ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
now() { date +%s; }
# Alive and not a zombie (a foreground doll is our child until reaped).
alive() {
	_st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$_st" ] && [ "$_st" != Z ]
}

# Wait for the doll in $dir, then judge it like the outer runners do.
wait_doll() {
	pid=$(cat "$dir/pid")
	deadline=$(($(now) + tmo))
	while alive "$pid" && [ "$(now)" -lt "$deadline" ]; do
		grep -q '^KN-END' "$dir/result.log" 2>/dev/null && sleep 1 && break
		sleep 0.2
	done
	why=
	if alive "$pid"; then
		grep -q '^KN-END' "$dir/result.log" || why="timeout after ${tmo}s"
		kill "$pid" 2>/dev/null || true
	fi
	echo "$(($(now) - $(cat "$dir/t0")))" >"$dir/wall"
	tr -d '\r' <"$dir/result.log" | grep -v '^KN-' || true
	# Quoted without its stamp: it is the doll's problem, not this host's.
	bad=$(grep -aoE -m1 "$KN_BAD_CONSOLE.*" "$dir/console.log" | sed 's/^\[[^]]*\] //' || true)
	[ -z "$bad" ] || why="${why:+$why; }kernel problem in the doll: $bad"
	grep -q '^KN-END' "$dir/result.log" || why="${why:+$why; }no KN-END from the doll"
	err=$(grep -m1 '^KN-ERROR' "$dir/result.log" || true)
	[ -z "$err" ] || why="${why:+$why; }$err"
	rc=$(sed -n 's/^KN-RESULT rc=\([0-9]*\).*/\1/p' "$dir/result.log" | tr -d '\r')
	echo "l1-doll $name: wall $(cat "$dir/wall")s, $(sed -n 's/^KN-TIME //p' "$dir/result.log" | tr -d '\r')" >&2
	if [ -n "$why" ]; then
		echo "l1-doll $name: FAIL: $why (console: $dir/console.log)" >&2
		return 1
	fi
	return "${rc:-1}"
}

if [ -n "$dir" ]; then
	[ -f "$dir/pid" ] || { echo "l1-doll: $dir is not a doll directory" >&2; exit 2; }
	name=$(cat "$dir/name")
	wait_doll
	exit $?
fi
[ $# -gt 0 ] || usage
grep -qw -e svm -e vmx /proc/cpuinfo || { echo "l1-doll: no svm/vmx in this host" >&2; exit 1; }
[ -c /dev/kvm ] || { echo "l1-doll: no /dev/kvm (is kvm_amd/kvm_intel loaded?)" >&2; exit 1; }

kver=$(uname -r)
vmlinuz=$KN_BUILD/kernels/$KN_KERNEL/root/boot/vmlinuz-$kver
initrd=${KN_INITRD:-$KN_BUILD/harness/initramfs-$KN_KERNEL.cpio.gz}
[ -f "$initrd" ] || { echo "l1-doll: initramfs $initrd missing (qemu-host.sh builds it)" >&2; exit 1; }
dir=$(mktemp -d "/tmp/doll-$name.XXXXXX")
echo "$name" >"$dir/name"
now >"$dir/t0"

# The doll's firmware: QEMU wants these next to -L.
mkdir "$dir/fw"
for f in /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin /usr/share/qemu/kvmvapic.bin; do
	[ -f "$f" ] || { echo "l1-doll: $f missing (qemu-system-x86, seabios)" >&2; exit 1; }
	ln -s "$f" "$dir/fw/"
done
# The doll's machine is QEMU's default (pc, PCI): the PCI balloon fits it.
dev=
[ "$balloon" = 0 ] || dev="-device virtio-balloon-pci,id=balloon0"
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
{
	echo "KN_TOP=$(q "$KN_TOP")"
	echo "KN_KERNEL=$(q "$KN_KERNEL")"
	echo "KN_INITRD=$(q "$initrd")"
	echo "KN_LOAD_MODULE=$module"
	echo "KN_REQUIRE_MODULE=$module"
	echo "KN_HOSTNAME=$(q "$name")"
	echo "KN_CMD=$(q "$*")"
} >"$dir/run.env"
# The doll mounts its own tmpfs over /tmp, so it cannot read this directory:
# its run file travels as a cpio appended to the initramfs instead. It is
# compressed too: the kernel takes an uncompressed cpio only at a 4-byte
# aligned offset, which the end of a gzip stream is not.
mkdir -p "$dir/extra/kn"
cp "$dir/run.env" "$dir/extra/kn/run.env"
(cd "$dir/extra" && find kn | cpio -o -H newc 2>/dev/null | gzip -c) >"$dir/extra.cpio.gz"
cat "$initrd" "$dir/extra.cpio.gz" >"$dir/initrd"

# -xsave: with the XSAVE this host (itself under TCG) offers, the doll's
# kernel WARNs at boot ("XSAVE consistency problem"); FXSAVE avoids that.
# shellcheck disable=SC2086 # $dev: no word or several
qemu-system-x86_64 -enable-kvm -cpu host,-xsave -m "$mem" -smp "$smp" -nodefaults -name "$name" \
	-L "$dir/fw" -display none -no-reboot $dev \
	-qmp "unix:$dir/qmp.sock,server=on,wait=off" \
	-serial "file:$dir/console.log" -serial "file:$dir/result.log" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-kernel "$vmlinuz" -initrd "$dir/initrd" \
	-append "console=ttyS0 panic=-1 oops=panic printk.time=1$quiet$append kn.init=$KN_TOP/selftests/harness/host-init.sh" \
	</dev/null >"$dir/qemu.log" 2>&1 &
echo $! >"$dir/pid"

if [ "$bg" = 1 ]; then
	echo "pid=$(cat "$dir/pid") dir=$dir"
	exit 0
fi
wait_doll
