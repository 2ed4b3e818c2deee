#!/bin/sh
# shellcheck disable=SC2317 # functions run through tap_check or traps
# Without kvm_amd/kvm_intel, insmod kvm-nest must fail and say why in exactly
# one "kvm_nest: " line, leaving nothing behind (no debugfs directory). Then
# the vendor module (nested=1) and kvm-nest load again.
set -eu
# shellcheck source=../harness/lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"
# shellcheck source=../harness/lib/klog.sh
. "$KN_TOP/selftests/harness/lib/klog.sh"
# shellcheck source=../harness/lib/kmod.sh
. "$KN_TOP/selftests/harness/lib/kmod.sh"

[ -f "$KN_MODULE" ] || tap_skip_all "kvm-nest.ko not built yet ($KN_MODULE)"
vmod=$(kn_vendor_mod)
# Whatever happens, leave the host as the runner expects it.
trap '{ kn_load_kvm && kn_load_nest; } >/dev/null 2>&1 || true' EXIT

refused() { ! insmod "$KN_MODULE" 2>/dev/null; }
nested_on() { case $(cat "/sys/module/$vmod/parameters/nested") in 1 | Y) return 0 ;; *) return 1 ;; esac; }

tap_plan 8
tap_check "rmmod kvm_nest" kn_unload_nest
tap_check "rmmod $vmod" rmmod "$vmod"
mark=refuse.$$
kn_mark $mark
tap_check "insmod kvm-nest.ko refused without $vmod" refused
# The kernel's own taint notes name the module too; they are not its words.
lines=$(kn_log_since $mark | grep 'kvm_nest:' | grep -v -e 'taints kernel' -e 'module verification failed' || true)
tap_diag "kvm_nest lines:" "$lines"
# busybox insmod retries a failed finit_module with init_module, so there
# may be one refusal per attempt: each must be the same single line.
msgs() { printf '%s\n' "$lines" | sed 's/^\[[^]]*\] //' | sort -u | wc -l; }
one_line() { [ -n "$lines" ] && [ "$(msgs)" -eq 1 ]; }
explains() { printf '%s\n' "$lines" | grep -qiE 'not supported|refus'; }
tap_check "one 'kvm_nest:' line, the same for every load attempt" one_line
tap_check "it says why (not supported / refuses)" explains
tap_check "no /sys/kernel/debug/kvm_nest, no /sys/module/kvm_nest" \
	test ! -e /sys/kernel/debug/kvm_nest -a ! -e /sys/module/kvm_nest
tap_check "$vmod nested=1 loads again" eval 'kn_load_kvm && nested_on'
tap_check "kvm-nest loads again" eval 'kn_load_nest && test -d /sys/kernel/debug/kvm_nest'
tap_exit
