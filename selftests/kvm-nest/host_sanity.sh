#!/bin/sh
# shellcheck disable=SC2317 # functions run through tap_check or traps
# The emulated host gives every test what it assumes: /dev/kvm, the vendor
# module with nested=1 and nested paging, kvm-nest loaded, no kernel WARN so
# far. Runs without kvm-nest too (that point is then skipped, with why).
set -eu
# shellcheck source=../harness/lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"
# shellcheck source=../harness/lib/kmod.sh
. "$KN_TOP/selftests/harness/lib/kmod.sh"

vmod=$(kn_vendor_mod)
case $KN_VENDOR in svm) paging=npt ;; *) paging=ept ;; esac
param() { cat "/sys/module/$vmod/parameters/$1" 2>/dev/null || echo missing; }
is_on() { case $1 in 1 | Y) return 0 ;; *) return 1 ;; esac; }
# Taint bit 9 (W) is set by any WARN since boot.
not_warned() { [ $(($(cat /proc/sys/kernel/tainted) >> 9 & 1)) -eq 0 ]; }

tap_plan 5
tap_check "/dev/kvm is a character device" test -c /dev/kvm
tap_check "$vmod nested=$(param nested)" is_on "$(param nested)"
tap_check "$vmod $paging=$(param $paging)" is_on "$(param $paging)"
tap_check "no WARN since boot (taint $(cat /proc/sys/kernel/tainted))" not_warned
if [ -f "$KN_MODULE" ]; then
	tap_check "kvm-nest loaded with its debugfs directory" \
		test -d /sys/module/kvm_nest -a -d /sys/kernel/debug/kvm_nest
else
	tap_skip "kvm-nest loaded" "kvm-nest.ko not built yet ($KN_MODULE)"
fi
tap_exit
