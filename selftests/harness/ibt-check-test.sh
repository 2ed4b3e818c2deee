#!/bin/bash
# ibt-check-test.sh [ALIAS]: the build-time IBT check (scripts/kn-ibt-check.py)
# must refuse what would oops an IBT host. Runs on the development machine
# against the pinned kernel ALIAS (default 6.12, whose KVM modules carry
# seal tables); TAP 13 on stdout, exit 0 pass, 1 fail.
#   1. the module as built passes, and the check names the functions that
#      are sealed on this kernel (kvm.ko's kvm_arch_init_vm among them);
#   2. an object that looks a sealed function up as data is refused, naming it;
#   3. a source that looks a symbol up outside kvm/sym.h's macros is refused;
#   4. a real module build with such a lookup (KN_IBT_CHECK_SELFTEST) fails.
set -eu
here=$(dirname "$0")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

alias=${1:-6.12}
kver=$(kn_kver "$alias")
root=$(kn_root "$alias")
check=$KN_TOP/scripts/kn-ibt-check.py
ko=$KN_BUILD/mod/$alias/kvm-nest/kvm-nest.ko
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(--kver "$kver" --kdir "$root/usr/src/linux-headers-$kver"
	--vmlinux "$root/boot/vmlinuz-$kver" --moddir "$root/lib/modules/$kver")
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $1"; sed 's/^/# /' "$tmp/out"; }

echo "TAP version 13"
echo "1..4"
[ -f "$ko" ] || kn_die "$ko missing: run make modules-all first"

if python3 "$check" --obj "$ko" --src "$KN_TOP/kvm-nest" --out "$tmp/report" "${args[@]}" >"$tmp/out" 2>&1 &&
	grep -q '^hook kvm:kvm_arch_init_vm: function, sealed, reached by a direct call' "$tmp/report"; then
	ok "kvm-nest.ko for $kver passes; $(grep -c ', sealed,' "$tmp/report") sealed functions reached directly"
else
	nok "kvm-nest.ko for $kver should pass and report kvm_arch_init_vm as sealed"
fi

# A record as KN_SYM_DATA() leaves it, for a function sealed on 6.12.
printf 'static const char r[] __attribute__((used, section(".kn_reach"))) = "data kvm:kvm_arch_vcpu_ioctl";\n' |
	gcc -c -x c - -o "$tmp/bad.o"
if python3 "$check" --obj "$tmp/bad.o" "${args[@]}" >"$tmp/out" 2>&1; then
	nok "a function looked up as data should be refused"
elif grep -q 'error: kvm:kvm_arch_vcpu_ioctl is a function (sealed on' "$tmp/out"; then
	ok "a sealed function looked up as data is refused by name"
else
	nok "the refusal should name kvm:kvm_arch_vcpu_ioctl and say it is sealed"
fi

mkdir -p "$tmp/src/kvm"
printf 'static void *f(void) { return (void *)kn_sym("kvm", "kvm_arch_init_vm"); }\n' >"$tmp/src/kvm/vm.c"
if python3 "$check" --obj "$ko" --src "$tmp/src" "${args[@]}" >"$tmp/out" 2>&1; then
	nok "a by-name lookup outside sym.h's macros should be refused"
elif grep -q 'vm.c:1: looks a symbol up by name outside' "$tmp/out"; then
	ok "a by-name lookup outside sym.h's macros is refused with file and line"
else
	nok "the refusal should name the file and line"
fi

# The whole build, as DKMS would run it, with the offending lookup compiled in.
mdir=$tmp/mod
mkdir -p "$mdir"
cp -rs "$KN_TOP/kvm-nest" "$KN_TOP/include" "$KN_TOP/Kbuild" "$mdir/"
if make -C "$root/usr/src/linux-headers-$kver" M="$mdir" KN_CFLAGS=-DKN_IBT_CHECK_SELFTEST \
	KN_BTF_VMLINUX="$root/boot/vmlinuz-$kver" KN_KVM_MODDIR="$root/lib/modules/$kver" \
	modules >"$tmp/out" 2>&1; then
	nok "a module build with a sealed function looked up as data should fail"
elif grep -q 'error: kvm:kvm_arch_vcpu_ioctl is a function' "$tmp/out"; then
	ok "the module build refuses a sealed function looked up as data"
else
	nok "the build should fail in the IBT check, naming kvm_arch_vcpu_ioctl"
fi
echo "# Totals: pass:$((n - fails)) fail:$fails xfail:0 xpass:0 skip:0 error:0"
[ "$fails" = 0 ]
