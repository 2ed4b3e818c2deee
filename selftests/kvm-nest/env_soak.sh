#!/bin/sh
# Soak: random envelope changes every 100 ms for 60 s on a busy level-1
# doll (guest_spin). Every change is applied (nestctl exits 0, cpu.max ends
# as last set); the doll's CPU use, sampled from its cgroup's cpu.stat
# before every change, never goes above the cpu.limit in force + 2%; the
# doll, the agent and the kernel log stay healthy.
#
# cpu.limit itself changes every 10 changes; the other fields (weight,
# cpus, reservations, mem.limit) at every one. Why not cpu.limit every
# time: writing cpu.max refills the cgroup's quota at once, mid-period
# (tg_set_cfs_bandwidth), so a throttled doll gets up to a period's quota
# more per write; at 10 writes a second that is the kernel's behaviour, not
# an envelope leak. What must hold is that changes of other fields do not
# touch cpu.max, and that each limit holds once it is set: judged over each
# stretch of one limit, from 0.2 s after it was set (two periods).
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"

SECS=${KN_ENV_SOAK_SECS:-60}
TOL=${KN_ENV_SOAK_TOL:-0.02}
SEED=${KN_ENV_SOAK_SEED:-$$}
env_require
tap_plan 11
env_agent_check

env_spin env-soak $((SECS + 120))
tap_diag "busy doll: guest_spin pid $spin_pid, doll $spin_id; seed $SEED (KN_ENV_SOAK_SEED)"
env_set "$spin_id" cpu.limit 0.5 cpu.reserve 0 cpu.weight 100 cpus all mem.limit max mem.reserve 0
cg=$(env_cg $spin_pid)
tap_diag "its cgroup: $cg"

# The plan: one line per change, "<cpu.limit milli or -> <nestctl words>".
# Limits stay in 0.10..0.60: the test itself, nestctl and the agent need
# the rest of this host's CPU to keep the pace. Reservations stay under
# the smallest limit, so that every change is admitted.
awk -v seed="$SEED" 'BEGIN {
	srand(seed)
	for (i = 0; i < 2000; i++) {
		w = ""; l = "-"
		if (i % 10 == 0) {
			lim = 100 + int(rand() * 51) * 10
			l = lim; w = sprintf(" cpu.limit %d.%03d", lim / 1000, lim % 1000)
		}
		r = rand()
		if (r < 0.25) w = w sprintf(" cpu.weight %d", 1 + int(rand() * 10000))
		else if (r < 0.45) w = w sprintf(" cpu.reserve 0.%03d", int(rand() * 100))
		else if (r < 0.6) w = w (rand() < 0.5 ? " cpus all" : " cpus 0")
		else if (r < 0.8) w = w (rand() < 0.3 ? " mem.limit max" : sprintf(" mem.limit %dM", 256 + int(rand() * 768)))
		else w = w sprintf(" mem.reserve %dM", int(rand() * 128))
		print l w
	}
}' >"$ENV_WORK/plan"

# Samples without forks: uptime and usage_usec straight from the files.
sample() {
	read -r _t _ </proc/uptime
	_u=
	while read -r _k _v; do [ "$_k" = usage_usec ] && _u=$_v && break; done <"$cg/cpu.stat"
	echo "S $_t $_u" >>"$ENV_WORK/log"
}
n=0 fails=0 last=500
read -r t0 _ </proc/uptime
echo "C $t0 500" >"$ENV_WORK/log"
end=$((${t0%.*} + SECS))
while read -r lim words; do
	read -r now _ </proc/uptime
	[ "${now%.*}" -lt $end ] || break
	sample
	n=$((n + 1))
	# shellcheck disable=SC2086 # the plan's words
	if ! "$NC" envelope set "$spin_id" $words >/dev/null 2>"$ENV_WORK/err"; then
		fails=$((fails + 1))
		[ $fails -gt 3 ] || tap_diag "change $n ($words) failed: $(cat "$ENV_WORK/err")"
	elif [ "$lim" != - ]; then
		read -r _t _ </proc/uptime
		echo "C $_t $lim" >>"$ENV_WORK/log"
		last=$lim
	fi
	sleep 0.1
done <"$ENV_WORK/plan"
sample
read -r t1 _ </proc/uptime

# The pace is what this emulated host allows (a change waits for the
# agent); at least one a second, or it is no soak.
tap_check "$n changes in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s, all applied without error ($fails failed)" \
	test "$fails" = 0 -a "$n" -ge "$SECS"
want=$(awk -v m="$last" 'BEGIN { printf "%d 100000", m * 100 }')
tap_check "cpu.max is the last limit set: '$(cat "$cg/cpu.max")' = '$want'" test "$(cat "$cg/cpu.max")" = "$want"
tap_check "nestctl shows the last cpu.limit $(fmt_milli "$last") ($(env_field "$spin_id" cpu_limit))" \
	in_range "$(fmt_milli "$last")" "$(env_field "$spin_id" cpu_limit)" "$(fmt_milli "$last")"

# Per stretch of one limit: use from 0.2 s after the change to the last
# sample before the next one; judged when that spans at least 1 s.
awk -v tol="$TOL" '
	function judge() {
		if (n0 == "" || t9 - t0 < 1) return
		u = (u9 - u0) / 1e6 / (t9 - t0); x = u - lim / 1000
		printf "stretch %d: limit %.3f, used %.4f over %.2f s (%+.4f)\n", ++k, lim / 1000, u, t9 - t0, x
		if (x > worst || k == 1) worst = x
		if (x > tol) bad++
	}
	$1 == "C" { judge(); lim = $3; tc = $2; n0 = "" }
	$1 == "S" && $2 >= tc + 0.2 { if (n0 == "") { n0 = 1; t0 = $2; u0 = $3 } t9 = $2; u9 = $3 }
	END { judge(); printf "judged %d stretches, worst %+.4f over the limit, %d above +%s\n", k, worst, bad, tol }
' "$ENV_WORK/log" >"$ENV_WORK/judge"
tap_diag "$(cat "$ENV_WORK/judge")"
sum=$(tail -n 1 "$ENV_WORK/judge")
judged=$(echo "$sum" | awk '{ print $2 }')
above=$(echo "$sum" | awk '{ print $(NF - 2) }')
tap_check "$sum" test "$above" = 0 -a "$judged" -ge $((SECS / 20))
tap_check "the doll ran throughout (guest_spin alive)" kill -0 $spin_pid
agent_alive() { kn_agent_pid >/dev/null; }
tap_check "the agent ran throughout (pid $(kn_agent_pid || echo none))" agent_alive
nc envelope set "$spin_id" cpu.limit max cpu.reserve 0 cpu.weight 100 cpus all mem.limit max mem.reserve 0
tap_check "envelope reset to unset (exit $nc_rc $(nc_err))" test "$nc_rc" = 0
env_log_check
tap_exit
