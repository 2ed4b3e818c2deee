#!/bin/bash
# stress.sh: what `make stress` runs (not per commit). Builds the
# module, the test binaries and nestctl, then boots one emulated SVM host
# (QEMU TCG, two vCPUs) per kernel of KN_KERNELS (default 6.1) and runs
# stress-host.sh in it: the netlink, channel and VM churn loads at once,
# with kvm-nest unloaded and loaded meanwhile. Prints the host's TAP, then
# its figures block, and exits 0 only if every check passed.
#
# The defaults meet the stress run's targets: 10^6 netlink messages, 10^5
# hypercalls from 4 VMs at once, 1,000 VM cycles with policies and
# envelopes (a revocation check every 50), 100 module cycles. Override
# any of them (KN_STRESS_NL, _CH, _CH_PROCS, _CHURN, _REVOKE_EVERY, _MOD,
# _MOD_PAUSE, _SLAB_KB) and the seed (KN_STRESS_SEED) in the environment;
# see Documentation/testing.rst, "Stress". Here the 100 module cycles
# under load set the time: about 60 s each and 15 s quiet after each (for
# judged channel rounds), about two hours in all.
set -eu
here=$(dirname "$0")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

main() {
	export KN_STRESS_NL=${KN_STRESS_NL:-1000000}
	export KN_STRESS_CH=${KN_STRESS_CH:-100000}
	export KN_STRESS_CH_PROCS=${KN_STRESS_CH_PROCS:-4}
	export KN_STRESS_CHURN=${KN_STRESS_CHURN:-1000}
	export KN_STRESS_REVOKE_EVERY=${KN_STRESS_REVOKE_EVERY:-50}
	export KN_STRESS_MOD=${KN_STRESS_MOD:-100}
	export KN_STRESS_MOD_PAUSE=${KN_STRESS_MOD_PAUSE:-15}
	export KN_STRESS_SEED=${KN_STRESS_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
	export KN_SMP=${KN_SMP:-2}
	export KN_REQUIRE_MODULE=1
	local kernels=${KN_KERNELS:-6.1} timeout=${KN_STRESS_TIMEOUT:-10800}
	local logs=$KN_BUILD/stress k t0 rc=0
	mkdir -p "$logs"
	t0=$(kn_now)
	kn_log "seed $KN_STRESS_SEED (replay: KN_STRESS_SEED=$KN_STRESS_SEED make stress)"
	kn_log "make modules-all, selftests, nestctl"
	if ! { make -C "$KN_TOP" --no-print-directory modules-all &&
		make -C "$KN_TOP/selftests" --no-print-directory O="$KN_BUILD/selftests" &&
		make -C "$KN_TOP/userspace/nestctl" --no-print-directory; } >"$logs/build.log" 2>&1; then
		tail -n 30 "$logs/build.log" >&2
		kn_die "build failed ($logs/build.log)"
	fi
	for k in $kernels; do
		kn_log "kernel $k: netlink $KN_STRESS_NL, channel $KN_STRESS_CH ($KN_STRESS_CH_PROCS VMs at once), churn $KN_STRESS_CHURN, module cycles $KN_STRESS_MOD (host timeout ${timeout}s)"
		kn_log "progress (a line every 10 module cycles): tail -f $logs/stress-$k.err"
		"$here/qemu-host.sh" --kernel "$k" --timeout "$timeout" --mem 6G -- \
			"sh selftests/harness/stress-host.sh" >"$logs/stress-$k.tap" 2>"$logs/stress-$k.err" || rc=1
		cat "$logs/stress-$k.tap"
		grep -a '^# STRESS FIGURES' -A 8 "$logs/stress-$k.tap" >"$logs/figures-$k.txt" || true
	done
	echo "# ===== figures ====="
	for k in $kernels; do
		cat "$logs/figures-$k.txt" 2>/dev/null || echo "# kernel $k: no figures (host failed: see $logs/stress-$k.err)"
	done
	echo "# total wall $(kn_since "$t0")s; logs in $logs"
	if [ "$rc" = 0 ]; then echo "stress: PASS"; else echo "stress: FAIL"; fi
	return "$rc"
}
main "$@"
