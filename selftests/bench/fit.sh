#!/bin/bash
# fit.sh: what `make bench-fit` runs (bench.rst, "Fit mode"). For each
# kernel (KN_BENCH_KERNELS, default every alias of kernels.mk) it boots the
# SVM emulated host with KN_SMP CPUs (1) and runs fit-host.sh there: a
# 4-vCPU doll at cpu.limit 0.5 runs a barrier-synchronised job and a
# latency probe with fit mode off and on, alternating. (In 2-CPU hosts the
# 4-vCPU doll does not boot: bench.rst, "Fit mode".) Writes build/bench-fit/
# raw-<kernel>.log and fit.md (medians over rounds, side by side), and
# prints the table. Tunables, passed into the hosts: KN_BENCH_FIT_ROUNDS
# (3), KN_BENCH_FIT_SECS (20), KN_BENCH_FIT_VCPUS (4), KN_BENCH_FIT_LIMIT
# (0.5), KN_BENCH_FIT_CHUNK (200000 LCG steps per thread and round).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../harness/lib/common.sh
. "$here/../harness/lib/common.sh"

kernels=${KN_BENCH_KERNELS:-$(kn_mkvar KN_KERNELS)}
out=$KN_BUILD/bench-fit
export KN_SMP=${KN_SMP:-1} KN_BENCH_FIT_LIMIT=${KN_BENCH_FIT_LIMIT:-0.5}
awk -v l="$KN_BENCH_FIT_LIMIT" -v n="$KN_SMP" 'BEGIN { exit !(l < n) }' ||
	kn_die "KN_SMP=$KN_SMP, KN_BENCH_FIT_LIMIT=$KN_BENCH_FIT_LIMIT: the doll's limit must be below what the host has"
t_all=$(kn_now)
make -s -C "$here" O="$KN_BUILD/selftests" >&2
make -s -C "$KN_TOP/userspace/nestctl" >&2
rm -rf "$out"
mkdir -p "$out"

failed=0
for k in $kernels; do
	[ -f "$KN_BUILD/mod/$k/kvm-nest/kvm-nest.ko" ] || kn_die "no kvm-nest.ko for $k: run make modules-all first"
	kn_log "kernel $k: SVM emulated host with $KN_SMP CPUs"
	rc=0
	"$KN_TOP/selftests/harness/qemu-host.sh" --kernel "$k" --mem 2G \
		--timeout "${KN_BENCH_HOST_TIMEOUT:-3600}" -- sh selftests/bench/fit-host.sh \
		>"$out/raw-$k.log" 2> >(tee "$out/host-$k.err" | grep --line-buffered -E '\] bench:|qemu-host.sh' >&2) ||
		rc=$?
	kn_log "kernel $k: host rc=$rc"
	[ "$rc" = 0 ] || failed=1
done

# Medians over rounds, per kernel and mode; "on/off": the ratio of medians.
{
	echo "# Fit mode: a ${KN_BENCH_FIT_VCPUS:-4}-vCPU doll at cpu.limit $KN_BENCH_FIT_LIMIT"
	echo
	echo "$(git -C "$KN_TOP" describe --always --dirty), $(date -u +%Y-%m-%dT%H:%M:%SZ)," \
		"emulated hosts with $KN_SMP CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "| kernel | fit | CPUs online | rounds | chunks/s | probe late p50 µs | p90 | p99 | max |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for k in $kernels; do
		tr -d '\r' <"$out/raw-$k.log" | grep -a '^KNB-FIT mode=' | awk -v k="$k" '
		function nz(x) { return x ? x : 1 }
		function kv(f,  i, a) { for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == f) return a[2] } }
		function med(m, f,  n, i, j, t, v) {
			n = cnt[m]
			for (i = 1; i <= n; i++) v[i] = val[m, f, i]
			for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
			return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		}
		{
			m = kv("mode"); c = ++cnt[m]; on[m] = kv("online")
			split("chunks_per_s late_us_p50 late_us_p90 late_us_p99 late_us_max", fs, " ")
			for (i in fs) val[m, fs[i], c] = kv(fs[i])
		}
		END {
			for (x = 1; x <= 2; x++) {
				m = x == 1 ? "off" : "on"
				if (!cnt[m]) continue
				printf "| %s | %s | %s | %d | %.1f | %.0f | %.0f | %.0f | %.0f |\n", k, m, on[m], cnt[m],
					med(m, "chunks_per_s"), med(m, "late_us_p50"), med(m, "late_us_p90"),
					med(m, "late_us_p99"), med(m, "late_us_max")
			}
			if (cnt["on"] && cnt["off"])
				printf "| %s | on/off | | | %.2f | %.2f | %.2f | %.2f | %.2f |\n", k,
					med("on", "chunks_per_s") / med("off", "chunks_per_s"),
					med("on", "late_us_p50") / nz(med("off", "late_us_p50")),
					med("on", "late_us_p90") / nz(med("off", "late_us_p90")),
					med("on", "late_us_p99") / nz(med("off", "late_us_p99")),
					med("on", "late_us_max") / nz(med("off", "late_us_max"))
		}'
	done
	echo
	echo "Every round, and what the host's cgroup saw:"
	echo
	echo '```'
	for k in $kernels; do
		tr -d '\r' <"$out/raw-$k.log" | grep -a '^KNB-FIT' | sed "s/^/$k /"
	done
	echo '```'
} >"$out/fit.md"
cat "$out/fit.md"
kn_log "results: $out/fit.md (total $(kn_since "$t_all")s)"
exit "$failed"
