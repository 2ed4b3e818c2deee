#!/bin/sh
# dkms-gate.sh <kernelver>: DKMS PRE_BUILD check.  Refuses, with the reason,
# a kernel that kvm-nest cannot work on, before anything is compiled.
set -eu
kver=${1:?usage: dkms-gate.sh <kernelver>}
build=/lib/modules/$kver/build
config=$build/.config
[ -f "$config" ] || config=/boot/config-$kver

refuse() {
	echo "kvm-nest: kernel $kver is not supported: $*" >&2
	exit 1
}

[ -f "$config" ] || refuse "no kernel config at $build/.config or /boot/config-$kver; install linux-headers-$kver"
has() { grep -Eq "^$1=[ym]" "$config"; }
has CONFIG_KVM || refuse "it has no KVM (CONFIG_KVM)"
has CONFIG_KVM_AMD || has CONFIG_KVM_INTEL || refuse "it has neither kvm_amd nor kvm_intel"
has CONFIG_DEBUG_INFO_BTF_MODULES || refuse "its modules carry no BTF (CONFIG_DEBUG_INFO_BTF_MODULES), which kvm-nest reads KVM's layouts from"
has CONFIG_KPROBES || refuse "it has no kprobes (CONFIG_KPROBES), needed to find KVM's functions"
has CONFIG_DYNAMIC_FTRACE_WITH_REGS || refuse "it has no ftrace with registers (CONFIG_DYNAMIC_FTRACE_WITH_REGS), needed to redirect KVM's functions"
command -v bpftool >/dev/null || refuse "bpftool is missing; apt-get install bpftool"
command -v python3 >/dev/null || refuse "python3 is missing; apt-get install python3"
exit 0
