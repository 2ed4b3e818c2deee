#!/bin/sh
# shellcheck disable=SC2317 # functions run through tap_check or traps
# rmmod/insmod kvm-nest a few times: its debugfs files appear and vanish with
# it, they follow debugfs.rst's formats, and the kernel log stays clean.
# Then a VM made before the load: kvm-nest finds it at attach, though no
# exit of a plain VM reaches kvm-nest, and counts its exits (KVM's count);
# and one whose vCPU has not run yet.
set -eu
# shellcheck source=../harness/lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"
# shellcheck source=../harness/lib/klog.sh
. "$KN_TOP/selftests/harness/lib/klog.sh"
# shellcheck source=../harness/lib/kmod.sh
. "$KN_TOP/selftests/harness/lib/kmod.sh"

DBG=/sys/kernel/debug/kvm_nest
CYCLES=3
[ -f "$KN_MODULE" ] || tap_skip_all "kvm-nest.ko not built yet ($KN_MODULE)"
kn_loaded kvm_nest || tap_bail "kvm-nest is not loaded at test start"
SPIN=$KN_BUILD/selftests/guest_spin
[ -x "$SPIN" ] || tap_bail "$SPIN missing (make -C selftests)"
gpid=''
trap '[ -z "$gpid" ] || kill "$gpid" 2>/dev/null || true; kn_load_nest >/dev/null 2>&1 || true' EXIT

gone() { [ ! -e /sys/module/kvm_nest ] && [ ! -e "$DBG" ]; }
files_ok() {
	for f in dolls levels hooks; do
		if ! cat "$DBG/$f" >/dev/null; then
			tap_diag "$DBG/$f unreadable"
			return 1
		fi
	done
}
# lines_ok <file> <ERE>: every line of the file matches, reports the others.
lines_ok() {
	_bad=$(grep -vE "$2" "$1" || true)
	[ -z "$_bad" ] || { tap_diag "$1: unexpected line(s):" "$_bad"; return 1; }
}
n='0x[0-9a-f]+'
doll="^doll id=[0-9]+ level=[0-9]+ parent=[0-9]+ kind=(vm|ctx|reported) pid=[0-9]+ name=[^ ]+ vcpus=[0-9]+ mem=[0-9]+ ctx=$n( runs=[0-9]+(\+guests)?)? guest_ns=[0-9]+ exits=[0-9]+ reflected=[0-9]+ (kept=[0-9]+|measured=[0-9]+ measured_guests=[0-9]+)\$"
exit_re="^exit doll=[0-9]+ code=$n reason=[^ ]+ count=[0-9]+\$"

tap_plan $((CYCLES * 4 + 14))
mark=load_unload.$$
kn_mark $mark
i=0
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	tap_check "cycle $i: rmmod kvm_nest" rmmod kvm_nest
	tap_check "cycle $i: module and $DBG gone" gone
	tap_check "cycle $i: insmod kvm-nest.ko" insmod "$KN_MODULE"
	tap_check "cycle $i: dolls, levels, hooks readable" files_ok
done
hooks_ok() {
	# debugfs files report size 0, so read them to see whether they are empty.
	grep -q . "$DBG/hooks" || { tap_diag "$DBG/hooks is empty"; return 1; }
	lines_ok "$DBG/hooks" '^hook name=[^ ]+ kind=(redirect|tracepoint|lifecycle|channel|delegation) calls=[0-9]+$'
}
tap_check "hooks: 'hook name= kind= calls=' lines, at least one" hooks_ok
tap_check "levels: 'level= dolls= exits= guest_ns=' lines" \
	lines_ok $DBG/levels '^level=[0-9]+ dolls=[0-9]+ exits=[0-9]+ guest_ns=[0-9]+$'
tap_check "dolls: doll/exit lines in the debugfs.rst format" lines_ok $DBG/dolls "$doll|$exit_re"
# The exits of the level-1 doll of pid $1, or nothing.
vm_exits() {
	sed -n "s/^doll id=[0-9]* level=1 .*kind=vm pid=$1 .* exits=\([0-9]*\) .*/\1/p" $DBG/dolls
}
# wait_doll <pid>: up to 5 s for its doll to appear.
wait_doll() {
	_i=0
	until [ -n "$(vm_exits "$1")" ]; do
		_i=$((_i + 1))
		[ $_i -le 50 ] || { tap_diag "no doll of pid $1:" "$(cat $DBG/dolls)"; return 1; }
		sleep 0.1
	done
}
grows() {
	_a=$(vm_exits "$1")
	sleep 1
	_b=$(vm_exits "$1")
	if [ -z "$_a" ] || [ -z "$_b" ] || [ "$_b" -le "$_a" ]; then
		tap_diag "exits of pid $1: '$_a' then '$_b'"
		return 1
	fi
}
tap_check "rmmod kvm_nest under no guest" rmmod kvm_nest
"$SPIN" -s 15 >/tmp/load_unload.spin.$$ 2>&1 &
gpid=$!
sleep 2
tap_check "insmod kvm-nest.ko while a plain guest spins on CPUID" insmod "$KN_MODULE"
tap_check "the guest's VM, made before the load, has a level-1 doll" wait_doll $gpid
tap_check "its exits, KVM's count, grow while it spins" grows $gpid
grc=0
wait "$gpid" || grc=$?
gpid=''
[ $grc = 0 ] || tap_diag "guest_spin: $(cat /tmp/load_unload.spin.$$)"
tap_check "the guest progressed every second across the load" test $grc = 0
# A VM whose vCPU has not run yet: its VMM is the thread that made it.
tap_check "rmmod kvm_nest again" rmmod kvm_nest
"$SPIN" -w -s 2 >/tmp/load_unload.spin.$$ 2>&1 &
gpid=$!
sleep 2
tap_check "insmod kvm-nest.ko while a VM waits to run its vCPU" insmod "$KN_MODULE"
tap_check "the VM has a level-1 doll of its VMM though its vCPU never ran" wait_doll $gpid
tap_check "with 0 exits ($(vm_exits $gpid))" test "$(vm_exits $gpid)" = 0
kill -USR1 $gpid
grc=0
wait "$gpid" || grc=$?
gpid=''
[ $grc = 0 ] || tap_diag "guest_spin: $(cat /tmp/load_unload.spin.$$)"
tap_check "then it ran and progressed" test $grc = 0
rm -f /tmp/load_unload.spin.$$
bad=$(kn_log_since $mark | kn_log_bad || true)
[ -z "$bad" ] || tap_diag "$bad"
tap_check "kernel log clean" test -z "$bad"
tap_exit
