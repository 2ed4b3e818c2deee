#!/bin/sh
# fit-doll.sh ROUNDS SECONDS CHUNK: the fit measurement inside its L1 doll
# (fit-host.sh starts it with kvm-nest loaded). It says KNB-FIT-READY,
# waits until L0 has set the doll's cpu.limit, then runs "kn-bench fit" ROUNDS times in each mode,
# alternating which goes first:
#   off  fit_cpus=0: every vCPU online, the host throttles them
#   on   fit_cpus=1: ceil(cpu.limit) online
# and prints each result as "KNB-FIT mode=<m> round=<r> ...", then
# "KNB-FIT-DONE". Fit mode is left off.
set -eu
rounds=${1:?usage: fit-doll.sh ROUNDS SECONDS CHUNK} secs=${2:?} chunk=${3:?}
P=/sys/module/kvm_nest/parameters/fit_cpus
E=/sys/kernel/kvm_nest/envelope
BIN=$KN_BUILD/selftests/kn-bench
ncpu=$(getconf _NPROCESSORS_CONF)
die() { echo "KNB-FIT-ERROR $*"; echo 0 >$P 2>/dev/null || true; exit 1; }
[ -w $P ] || die "no $P: kvm-nest is not loaded in the doll"
[ -x "$BIN" ] || die "$BIN missing (make -C selftests/bench)"

# wait_for WHAT SECONDS COMMAND...: until COMMAND succeeds.
wait_for() {
	_what=$1 _n=$(($2 * 2))
	shift 2
	while ! "$@"; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || die "$_what did not happen"
		sleep 0.5
	done
}
# Every online CPU runs a task: one brought back that did not would hold
# up the job's barrier for good.
runs_on_all() {
	for _c in $(seq 0 $((ncpu - 1))); do
		[ "$_c" = 0 ] || [ "$(cat "/sys/devices/system/cpu/cpu$_c/online")" = 1 ] || continue
		timeout 60 taskset -c "$_c" true || die "CPU $_c is online but ran no task in 60 s"
	done
}
limited() { [ "$(cat $E/cpu.limit)" != max ]; }
online_is() { [ "$(getconf _NPROCESSORS_ONLN)" = "$1" ]; }

# The doll boots on one CPU (maxcpus=1): 4 vCPUs that spin in a boot-time
# stop_machine on a host CPU that has no PAUSE filter to emulate can take
# minutes (bench.rst, "Fit mode"). Bring the others online one by one.
for c in /sys/devices/system/cpu/cpu[1-9]*/online; do
	[ -e "$c" ] || continue
	[ "$(cat "$c")" = 1 ] || echo 1 >"$c" || die "cannot bring ${c%/online} online"
done
echo "KNB-FIT-READY cpus=$ncpu online=$(cat /sys/devices/system/cpu/online)"
wait_for "a cpu.limit from L0" 600 limited
limit=$(cat $E/cpu.limit)
fit=$(awk -v l="$limit" 'BEGIN { n = int(l); if (n < l) n++; if (n < 1) n = 1; print n }')
echo "KNB-FIT-INFO cpus=$ncpu limit=$limit fit_online=$fit cpu.max=$(tr ' ' / <$E/cpu.max)"

r=1
while [ $r -le "$rounds" ]; do
	order="off on"
	[ $((r % 2)) = 1 ] || order="on off"
	for m in $order; do
		if [ "$m" = on ]; then
			echo 1 >$P
			wait_for "fit mode leaving $fit CPUs online" 120 online_is "$fit"
		else
			echo 0 >$P
			wait_for "all $ncpu CPUs back online" 120 online_is "$ncpu"
		fi
		# Let the hotplug's aftermath (migrations, RCU) settle.
		sleep 3
		runs_on_all
		echo "KNB-FIT-RUN mode=$m round=$r"
		out=$("$BIN" fit -t "$ncpu" -d "$secs" -c "$chunk") || die "kn-bench fit failed"
		echo "$out" | sed "s/^KNB-FIT /KNB-FIT mode=$m round=$r /"
	done
	r=$((r + 1))
done
echo 0 >$P
echo KNB-FIT-DONE
