#!/bin/sh
# shellcheck disable=SC2317 # functions run through tap_check or traps
# 100 rmmod/insmod cycles of kvm-nest while a nested guest runs (guest_spin
# -l 2: CPUID in L2 under the test's own L1, so the redirected nested exit
# path is live while hooks come and go). A guest runs during every cycle:
# when one ends its time, the next starts. Each must have progressed every
# second and exit 0; the kernel log must stay clean.
set -eu
# shellcheck source=../harness/lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"
# shellcheck source=../harness/lib/klog.sh
. "$KN_TOP/selftests/harness/lib/klog.sh"
# shellcheck source=../harness/lib/doll.sh
. "$KN_TOP/selftests/harness/lib/doll.sh"
# shellcheck source=../harness/lib/kmod.sh
. "$KN_TOP/selftests/harness/lib/kmod.sh"

CYCLES=${KN_CYCLES:-100}
SECS=${KN_SPIN_SECS:-30}
SPIN=$KN_BUILD/selftests/guest_spin
[ -f "$KN_MODULE" ] || tap_skip_all "kvm-nest.ko not built yet ($KN_MODULE)"
[ -x "$SPIN" ] || tap_bail "$SPIN missing (make -C selftests)"
kn_loaded kvm_nest || tap_bail "kvm-nest is not loaded at test start"

work=$(mktemp -d /tmp/cycle.XXXXXX)
gpid=''
cleanup() {
	[ -z "$gpid" ] || kill "$gpid" 2>/dev/null || true
	kn_load_nest >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
# A copy in tmpfs: insmod then never waits on 9p.
cp "$KN_MODULE" "$work/kvm-nest.ko"
cycle() { rmmod kvm_nest && insmod "$work/kvm-nest.ko"; }
guests=0 bad_guests=0
start_guest() {
	guests=$((guests + 1))
	"$SPIN" -s "$SECS" -l 2 >"$work/spin.$guests" 2>&1 &
	gpid=$!
}
reap_guest() {
	_rc=0
	wait "$gpid" || _rc=$?
	gpid=''
	if [ "$_rc" -ne 0 ]; then
		bad_guests=$((bad_guests + 1))
		tap_diag "guest $guests exited $_rc:" "$(cat "$work/spin.$guests")"
	fi
}

tap_plan 5
mark=cycle.$$
kn_mark $mark
start_guest
sleep 2
ok=0 i=0
t0=$(date +%s)
while [ $i -lt "$CYCLES" ]; do
	i=$((i + 1))
	if cycle; then ok=$((ok + 1)); else tap_diag "cycle $i failed"; fi
	if ! kn_alive "$gpid"; then
		reap_guest
		start_guest
	fi
done
tap_diag "$CYCLES cycles in $(($(date +%s) - t0))s under $guests guest(s) of ${SECS}s"
tap_check "$ok/$CYCLES cycles succeeded while a guest ran" test "$ok" -eq "$CYCLES"
# A guest that ended its run cleanly since the loop last looked survived too.
last=alive
if ! kn_alive "$gpid"; then
	_bad=$bad_guests
	reap_guest
	last=ended
	[ "$bad_guests" = "$_bad" ] || last=killed
fi
tap_check "the guest survived the last cycle ($last)" test "$last" != killed
[ -z "$gpid" ] || reap_guest
tap_diag "last guest's output:" "$(cat "$work/spin.$guests")"
tap_check "all $guests guests progressed every second and exited 0 ($bad_guests did not)" \
	test "$bad_guests" -eq 0
tap_check "kvm-nest loaded at the end" kn_loaded kvm_nest
bad=$(kn_log_since $mark | kn_log_bad || true)
[ -z "$bad" ] || tap_diag "$bad"
tap_check "kernel log clean" test -z "$bad"
tap_exit
