#!/bin/sh
# shellcheck disable=SC2317 # functions run through tap_check or traps
# Every init step can fail and leaves nothing behind. For N = 1, 2, ...
# insmod kvm-nest.ko fail_init_step=N (a test aid) must fail with one
# "kvm_nest: init step N (<name>) ..." line and leave the host as it was
# without kvm-nest: no module, no /sys/kernel/kvm_nest, no debugfs
# directory, no kvm_nest genl family, the same ftrace functions and
# kprobes, the same references on kvm and the vendor module. The first N
# past the last step loads; then a plain unload and load work, and the log
# has no WARN.
set -eu
# shellcheck source=leftover_lib.sh
. "$KN_TOP/selftests/kvm-nest/leftover_lib.sh"
trap 'kn_load_nest >/dev/null 2>&1 || true' EXIT
# The table in kvm-nest/main.c has 14 steps; fewer failing ones means the
# parameter or the step names are lost.
MIN_STEPS=14
MAX_STEPS=40

echo "TAP version 13"
tap_check "rmmod kvm_nest" kn_unload_nest
before=$(kn_leftovers)
tap_diag "without kvm-nest:" "$before"
# The baseline itself must be clean, or leftovers would hide in it.
clean() { ! printf '%s\n' "$before" | grep -q -e '^exists: ' -e '^genl family'; }
tap_check "rmmod left no kvm-nest directory or genl family" clean
mark=init_unwind.$$
kn_mark $mark
n=0
loaded=
while [ $n -lt $MAX_STEPS ]; do
	n=$((n + 1))
	m=$mark.$n
	kn_mark "$m"
	if insmod "$KN_MODULE" fail_init_step=$n 2>/dev/null; then
		loaded=$n
		break
	fi
	lines=$(kn_own_lines "$m")
	one_named() {
		[ "$(printf '%s\n' "$lines" | wc -l)" -eq 1 ] &&
			printf '%s\n' "$lines" | grep -qE "^kvm_nest: init step $n \([a-z]+\) "
	}
	if one_named; then
		tap_ok "step $n: insmod fails with one line naming it: ${lines#kvm_nest: }"
	else
		tap_not_ok "step $n: insmod fails with one line naming it"
		tap_diag "kvm_nest lines:" "$lines"
	fi
	after=$(kn_leftovers)
	if [ "$after" = "$before" ]; then
		tap_ok "step $n: nothing left behind"
	else
		tap_not_ok "step $n: nothing left behind"
		tap_diag "now:" "$after"
		# Later steps would only report the same leftovers.
		break
	fi
done
steps=$((${loaded:-1} - 1))
tap_check "fail_init_step past the last step loads" test -n "$loaded"
tap_check "at least $MIN_STEPS steps failed in turn ($steps)" test "$steps" -ge $MIN_STEPS
tap_check "rmmod kvm_nest" rmmod kvm_nest
as_before() { [ "$(kn_leftovers)" = "$before" ]; }
tap_check "nothing left after rmmod" as_before
tap_check "plain insmod kvm-nest.ko" insmod "$KN_MODULE"
tap_check "debugfs and sysfs are back" test -d /sys/kernel/debug/kvm_nest -a -d /sys/kernel/kvm_nest
if [ -n "$kn_left_genl" ]; then
	family() { genl ctrl get name kvm_nest >/dev/null; }
	tap_check "genl family kvm_nest is back" family
else
	tap_skip "genl family kvm_nest is back" "no genl(8) in this host"
fi
bad=$(kn_log_since $mark | kn_log_bad || true)
[ -z "$bad" ] || tap_diag "$bad"
tap_check "kernel log clean" test -z "$bad"
# shellcheck disable=SC2154 # tap.sh counts the points
echo "1..$tap_n"
tap_exit
