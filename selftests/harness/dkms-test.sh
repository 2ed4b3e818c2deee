#!/bin/bash
# dkms-test.sh [ALIAS]: DKMS refuses a kernel kvm-nest cannot work on, and
# builds one it can. Runs on the development machine against the pinned
# kernel ALIAS (default 6.1), with the module's sources as the
# kvm-nest-dkms package ships them (scripts/dkms-src.sh), in a DKMS tree
# of its own (nothing under /var/lib/dkms or /usr/src is touched). TAP 13
# on stdout, exit 0 pass, 1 fail.
#   1. a copy of the headers without module BTF is skipped by dkms.conf's
#      BUILD_EXCLUSIVE_CONFIG (dkms build exits 77);
#   2. a copy with KVM but neither kvm_amd nor kvm_intel passes that line
#      and the build fails in scripts/Kbuild.gate, with the reason;
#   3. the pinned headers as they are: dkms build succeeds, kvm-nest.ko.
set -eu
here=$(dirname "$0")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

alias=${1:-6.1}
kver=$(kn_kver "$alias")
root=$(kn_root "$alias")
kdir=$root/usr/src/linux-headers-$kver
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$KN_TOP/dkms.conf")
tmp=$(mktemp -d)
trap '[ -n "${KN_KEEP:-}" ] || rm -rf "$tmp"' EXIT
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $1"; sed 's/^/# /' "$tmp/out"; }

echo "TAP version 13"
echo "1..3"
command -v dkms >/dev/null || kn_die "dkms is missing: run scripts/deps.sh"
[ -f "$kdir/.config" ] || kn_die "$kdir/.config missing: fetch kernel $alias (make kernels)"

# The build reads KVM's BTF from the pinned kernel, not the running one.
export KN_BTF_VMLINUX=$root/boot/vmlinuz-$kver KN_KVM_MODDIR=$root/lib/modules/$kver
"$KN_TOP/scripts/dkms-src.sh" "$tmp/src/kvm-nest-$ver"
dk=(--dkmstree "$tmp/dkms" --sourcetree "$tmp/src")
mkdir -p "$tmp/dkms"
dkms add -m kvm-nest -v "$ver" "${dk[@]}" >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; kn_die "dkms add failed"; }

# hdr NAME CONFIG...: a copy of the headers with each CONFIG turned off,
# in .config (dkms reads it) and in include/config/auto.conf (Kbuild does).
hdr() {
	local d=$tmp/$1 c
	shift
	cp -a "$kdir" "$d"
	ln -sfn "$(readlink -f "$kdir/scripts")" "$d/scripts"
	for c; do
		sed -i "s/^$c=.*/# $c is not set/" "$d/.config" "$d/include/config/auto.conf"
	done
	echo "$d"
}
build() {
	rm -rf "${tmp:?}/dkms/kvm-nest/$ver/$kver"
	dkms build -m kvm-nest -v "$ver" -k "$kver" "${dk[@]}" --kernelsourcedir "$1" >"$tmp/out" 2>&1
}
# dkms removes build/ after a build that succeeds.
log() { cat "$tmp/dkms/kvm-nest/$ver/build/make.log" 2>/dev/null || true; }

rc=0
build "$(hdr nobtf CONFIG_DEBUG_INFO_BTF_MODULES)" || rc=$?
if [ "$rc" = 77 ] && grep -q 'BUILD_EXCLUSIVE directive which does not match' "$tmp/out"; then
	ok "a kernel without module BTF is skipped by BUILD_EXCLUSIVE_CONFIG (exit 77)"
else
	nok "a kernel without module BTF should be skipped by BUILD_EXCLUSIVE_CONFIG (dkms exit $rc, want 77)"
fi

rc=0
build "$(hdr novendor CONFIG_KVM_AMD CONFIG_KVM_INTEL)" || rc=$?
log >>"$tmp/out"
if [ "$rc" != 0 ] && [ "$rc" != 77 ] &&
	grep -q "kvm-nest: kernel $kver is not supported: it has neither kvm_amd nor kvm_intel" "$tmp/out" &&
	! grep -q 'CC \[M\]' "$tmp/out"; then
	ok "a kernel with neither kvm_amd nor kvm_intel fails the build, with the reason, before compiling"
else
	nok "a kernel with neither kvm_amd nor kvm_intel should fail the build in Kbuild.gate (dkms exit $rc)"
fi

rc=0
build "$kdir" || rc=$?
log >>"$tmp/out"
ko=$(find "$tmp/dkms/kvm-nest/$ver/$kver" -name 'kvm-nest.ko*' 2>/dev/null | head -n 1)
if [ "$rc" = 0 ] && [ -n "$ko" ]; then
	ok "dkms builds kvm-nest for $kver ($(basename "$ko"))"
else
	nok "dkms build for the pinned $kver should succeed (exit $rc)"
fi
echo "# Totals: pass:$((n - fails)) fail:$fails xfail:0 xpass:0 skip:0 error:0"
[ "$fails" = 0 ]
