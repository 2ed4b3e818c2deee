#!/bin/bash
# run.sh: what `make bench` runs. For each kernel (KN_BENCH_KERNELS, default
# every alias of kernels.mk) it boots the SVM emulated host (qemu-host.sh)
# and runs in-host.sh there: stock vs kvm-nest, L1 to L3, plus the bpftrace
# cross-check, and the overhead row (kvm-nest unloaded, at accel 0, at
# accel 1). Then it writes build/bench/results.json (schema:
# Documentation/bench.rst), results.md and plot.png, and prints the table.
# Tunables (environment, all passed into the hosts): KN_BENCH_REPS (5),
# KN_BENCH_ROUNDS (3), KN_BENCH_DOLL_ROUNDS (1), KN_BENCH_OPS (all), KN_BENCH_TARGET_MS (100),
# KN_BENCH_DOLL_TARGET_MS (300), KN_BENCH_PAUSE_MS (200), KN_BENCH_DOLL (1),
# KN_BENCH_XCHECK (1), KN_BENCH_OVERHEAD_ROUNDS (5; 0 skips the overhead
# row), KN_BENCH_OVERHEAD_OPS (cpuid,rdmsr,hcall), KN_BENCH_OVERHEAD_REPS (9),
# KN_BENCH_OVERHEAD_MS (20), KN_BENCH_OVERHEAD_SEED (the time),
# KN_BENCH_HLT_US_L1/L2/L3, KN_BENCH_JOBS (1: hosts one after the other; 2
# runs the kernels side by side, faster but noisier),
# KN_BENCH_VMX (0; 1 adds a small VMX subset on Bochs, kernel 6.1: L1 and
# kn-bench's own L2, tagged "6.1-vmx"). Exit 0 only if every host ran and
# the cross-check agreed (or KN_BENCH_XCHECK=0 skipped it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../harness/lib/common.sh
. "$here/../harness/lib/common.sh"

kernels=${KN_BENCH_KERNELS:-$(kn_mkvar KN_KERNELS)}
jobs=${KN_BENCH_JOBS:-1}
out=$KN_BUILD/bench
# Rounds are cheap in the emulated host and dear in the doll.
export KN_BENCH_REPS=${KN_BENCH_REPS:-5} KN_BENCH_ROUNDS=${KN_BENCH_ROUNDS:-3}
export KN_BENCH_DOLL_ROUNDS=${KN_BENCH_DOLL_ROUNDS:-1}
export KN_BENCH_TARGET_MS=${KN_BENCH_TARGET_MS:-100} KN_BENCH_DOLL_TARGET_MS=${KN_BENCH_DOLL_TARGET_MS:-300}
export KN_BENCH_PAUSE_MS=${KN_BENCH_PAUSE_MS:-200}
# The overhead row's shuffles: one seed for every host, kept in params.
export KN_BENCH_OVERHEAD_ROUNDS=${KN_BENCH_OVERHEAD_ROUNDS:-5}
export KN_BENCH_OVERHEAD_OPS=${KN_BENCH_OVERHEAD_OPS:-cpuid,rdmsr,hcall}
export KN_BENCH_OVERHEAD_REPS=${KN_BENCH_OVERHEAD_REPS:-9} KN_BENCH_OVERHEAD_MS=${KN_BENCH_OVERHEAD_MS:-20}
export KN_BENCH_OVERHEAD_SEED=${KN_BENCH_OVERHEAD_SEED:-$(date +%s)}
for t in jq gnuplot; do command -v $t >/dev/null || kn_die "$t missing: run scripts/deps.sh"; done

t_all=$(kn_now)
kn_log "building kn-bench and the test binaries"
make -s -C "$KN_TOP/selftests" O="$KN_BUILD/selftests" >&2
make -s -C "$here" O="$KN_BUILD/selftests" >&2
for k in $kernels; do
	[ -f "$KN_BUILD/mod/$k/kvm-nest/kvm-nest.ko" ] ||
		kn_die "no kvm-nest.ko for $k: run make modules-all first"
done
rm -rf "$out"
mkdir -p "$out"
# What report.sh needs besides the hosts' output. Timing is only as quiet
# as this machine: its load goes with the results.
jq -n --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '{
	reps: env.KN_BENCH_REPS | tonumber, rounds: env.KN_BENCH_ROUNDS | tonumber,
	doll_rounds: env.KN_BENCH_DOLL_ROUNDS | tonumber,
	target_ms: env.KN_BENCH_TARGET_MS | tonumber,
	doll_target_ms: env.KN_BENCH_DOLL_TARGET_MS | tonumber,
	pause_ms: env.KN_BENCH_PAUSE_MS | tonumber,
	ops: (env.KN_BENCH_OPS // "cpuid,rdmsr,hcall,hlt,touch,pause"),
	xcheck: ((env.KN_BENCH_XCHECK // "1") == "1"),
	overhead: {rounds: env.KN_BENCH_OVERHEAD_ROUNDS | tonumber,
		reps: env.KN_BENCH_OVERHEAD_REPS | tonumber,
		target_ms: env.KN_BENCH_OVERHEAD_MS | tonumber,
		ops: env.KN_BENCH_OVERHEAD_OPS, seed: env.KN_BENCH_OVERHEAD_SEED | tonumber},
	loadavg_start: $load}' >"$out/params.json"

# host <alias>: one emulated host; its output to raw-<alias>.log, progress
# lines (the console's "bench:" lines) to stderr as they come.
host() {
	local k=$1 t0 rc=0
	t0=$(kn_now)
	"$KN_TOP/selftests/harness/qemu-host.sh" --kernel "$k" --timeout "${KN_BENCH_HOST_TIMEOUT:-2400}" \
		-- sh selftests/bench/in-host.sh >"$out/raw-$k.log" \
		2> >(tee "$out/host-$k.err" | grep --line-buffered -E '\] bench:|qemu-host.sh' >&2) || rc=$?
	echo "$rc $(kn_since "$t0")" >"$out/rc-$k"
}

# The Bochs host embeds build/selftests but not selftests/bench: the VMX
# subset is kn-bench alone, both configurations, levels 1 and 2.
vmx_host() {
	local t0 rc=0 c l cmd=
	for c in stock kvm-nest; do
		for l in 1 2; do
			cmd+="build/selftests/kn-bench run -l $l -c $c -r $KN_BENCH_REPS -n 32 -o ${KN_BENCH_OPS:-cpuid,rdmsr,hcall,hlt,touch,pause} || exit 1; "
		done
	done
	t0=$(kn_now)
	"$KN_TOP/selftests/harness/bochs-host.sh" --kernel 6.1 --timeout "${KN_BENCH_HOST_TIMEOUT:-2400}" \
		-- "$cmd" >"$out/raw-6.1-vmx.log" \
		2> >(tee "$out/host-6.1-vmx.err" | grep --line-buffered -E '\] bench:|bochs-host.sh' >&2) || rc=$?
	echo "$rc $(kn_since "$t0")" >"$out/rc-6.1-vmx"
}

pids=()
for k in $kernels; do
	kn_log "kernel $k: SVM emulated host (QEMU TCG)"
	host "$k" &
	pids+=($!)
	[ ${#pids[@]} -lt "$jobs" ] || { wait "${pids[0]}"; pids=("${pids[@]:1}"); }
done
wait "${pids[@]}" 2>/dev/null || true
tags=$kernels
if [ "${KN_BENCH_VMX:-0}" = 1 ]; then
	kn_log "kernel 6.1: VMX emulated host (Bochs), small subset"
	vmx_host
	tags+=" 6.1-vmx"
fi

failed=0
for k in $tags; do
	read -r rc secs <"$out/rc-$k"
	kn_log "kernel $k: host rc=$rc, ${secs}s"
	[ "$rc" = 0 ] || failed=1
done
kn_since "$t_all" >"$out/seconds"
"$here/report.sh" "$out" || failed=1
cat "$out/results.md"
kn_log "results: $out/results.json, results.md, plot.png (total $(kn_since "$t_all")s)"
exit "$failed"
