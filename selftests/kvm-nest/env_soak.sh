#!/bin/sh
# Soak: random envelope changes every 100 ms for 60 s on a busy level-1
# doll (guest_spin). Every change sets cpu.limit (0.10 to 0.60) and one
# other field (weight, cpus, a reservation, mem.limit). One nestctl -b
# reads them from a pipe, so the pace is the test's, not a process
# start's; every line must succeed (nestctl -b -force names each failing
# line) and each change must be live within 1 s. The doll's CPU use,
# sampled from its top cgroup's cpu.stat at every change, never goes above
# the limit + 2%: judged over every window of 5 s between samples, against
# the integral of allowed(t) = max(L(t), L(t - P)), L the limit in force
# (from when the kernel recorded it: its env event) and P the cpu.max
# period: a change's new bound must hold from one period after it is live,
# as in env_cpu. A cpu.max rewritten at every change fails this (each write
# refills the quota: Documentation/envelopes.rst). The doll, the agent and
# the kernel log stay healthy.
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"

SECS=${KN_ENV_SOAK_SECS:-60}
TOL=${KN_ENV_SOAK_TOL:-0.02}
SEED=${KN_ENV_SOAK_SEED:-$$}
WIN=${KN_ENV_SOAK_WINDOW:-5}
env_require
tap_plan 12
env_agent_check

env_spin env-soak $((SECS + 120))
tap_diag "busy doll: guest_spin pid $spin_pid, doll $spin_id; seed $SEED (KN_ENV_SOAK_SEED)"
env_set "$spin_id" cpu.limit 0.5 cpu.reserve 0 cpu.weight 100 cpus all mem.limit max mem.reserve 0
cg=$(env_cg $spin_pid)
# The doll's top cgroup: the agent's doll-N above the VMM's leaf.
case $cg in */kvm-nest/doll-*/*) top=${cg%/*} ;; *) top=$cg ;; esac
tap_diag "its cgroups: $top (top), $cg (VMM)"

# The plan: one line per change, "<cpu.limit milli> <nestctl -b line>".
# Limits stay in 0.10..0.60: the test itself, nestctl and the agent need
# the rest of this host's CPU to keep the pace. Reservations stay under
# the smallest limit, so that every change is admitted.
awk -v seed="$SEED" -v id="$spin_id" 'BEGIN {
	srand(seed)
	for (i = 0; i < 2000; i++) {
		lim = 100 + int(rand() * 51) * 10
		w = sprintf("envelope set %s cpu.limit %d.%03d", id, lim / 1000, lim % 1000)
		r = rand()
		if (r < 0.25) w = w sprintf(" cpu.weight %d", 1 + int(rand() * 10000))
		else if (r < 0.45) w = w sprintf(" cpu.reserve 0.%03d", int(rand() * 100))
		else if (r < 0.6) w = w (rand() < 0.5 ? " cpus all" : " cpus 0")
		else if (r < 0.8) w = w (rand() < 0.3 ? " mem.limit max" : sprintf(" mem.limit %dM", 256 + int(rand() * 768)))
		else w = w sprintf(" mem.reserve %dM", int(rand() * 128))
		print lim, w
	}
}' >"$ENV_WORK/plan"

# Fork-free clock and samples: /proc/uptime, usage_usec straight from the
# file.
cs() { read -r _up _ </proc/uptime; }
# sample: usage_usec between two readings of the clock (cs before it).
sample() {
	_u='' _t=$_up
	while read -r _k _v; do [ "$_k" = usage_usec ] && _u=$_v && break; done <"$top/cpu.stat"
	cs
	echo "S $_t $_up $_u" >>"$ENV_WORK/log"
}

mkfifo "$ENV_WORK/fifo" "$ENV_WORK/events"
"$NC" -b - -force <"$ENV_WORK/fifo" >"$ENV_WORK/batch.out" 2>"$ENV_WORK/batch.err" &
bpid=$!
ENV_KILL="$ENV_KILL $bpid"
exec 3>"$ENV_WORK/fifo"
# What the loop waits for, in one stream: the kernel's env events (a
# change is live when the kernel records it, after the agent applied it)
# and a clock that ticks every 100 ms on a fixed schedule, then idles 3 s
# for the last answers and ends. One process each: a sleep(1) per change
# would not do, a fork and exec cost about 100 ms of this host's one CPU
# under TCG.
"$NC" monitor >"$ENV_WORK/events" 2>"$ENV_WORK/monitor.err" &
mpid=$!
python3 -c 'import sys, time
t = time.monotonic()
for i in range(int(sys.argv[1]) + 30):
    t += 0.1
    time.sleep(max(0, t - time.monotonic()))
    print("tick" if i < int(sys.argv[1]) else "idle", flush=True)
print("end", flush=True)' $((SECS * 10)) >"$ENV_WORK/events" 2>/dev/null &
tpid=$!
ENV_KILL="$ENV_KILL $mpid $tpid"
exec 4<"$ENV_WORK/events" 5<"$ENV_WORK/plan"
cs
# The log: W when the test wrote a change, A when the kernel recorded it
# (its cpu.limit, as the event says), S the doll's usage at every tick.
echo "A $_up 0.500" >"$ENV_WORK/log"
n=0 acks=0 last=500
while read -r ev <&4; do
	case $ev in
	tick)
		read -r lim words <&5 || break
		cs
		sample
		echo "$words" >&3
		n=$((n + 1))
		echo "W $_up $lim" >>"$ENV_WORK/log"
		last=$lim
		;;
	"[env] doll $spin_id "*)
		cs
		_l=${ev#* cpu.limit }
		echo "A $_up ${_l%% *}" >>"$ENV_WORK/log"
		acks=$((acks + 1))
		;;
	end) break ;;
	esac
done
cs
sample
kill $tpid $mpid 2>/dev/null || true
exec 3>&- 4<&- 5<&-
brc=0
wait $bpid || brc=$?
# The pace (gaps between the changes written) and how long each took to
# be live (its W to its A, in order: the kernel applies them one by one).
pace=$(awk '$1 == "W" { w[++nw] = $2; if (nw > 1) { g = $2 - w[nw - 1]; s += g; if (g > 0.15) late++; if (g > m) m = g } }
	$1 == "A" && NR > 1 { a[++na] = $2 }
	END {
		for (i = 1; i <= na && i <= nw; i++) { d = a[i] - w[i]; l += d; if (d > lm) lm = d }
		printf "in %.1f s: one per %.0f ms on average, %d gaps over 150 ms, the longest %.0f ms; live %.0f ms after on average, %.0f ms at most\n",
			s, s / (nw - 1) * 1000, late, m * 1000, l / (na ? na : 1) * 1000, lm * 1000
		print (l / (na ? na : 1) < 0.15 && lm <= 2 ? "ok" : "slow")
	}' "$ENV_WORK/log")
tap_diag "$n changes $(echo "$pace" | head -n 1)"
[ ! -s "$ENV_WORK/batch.err" ] || tap_diag "nestctl -b:" "$(head -n 5 "$ENV_WORK/batch.err")"
tap_check "all $n changes applied: nestctl -b exited $brc, no error, $acks env events" \
	test "$brc" = 0 -a ! -s "$ENV_WORK/batch.err" -a "$acks" = "$n"
# Every 100 ms, or it is no soak: the clock's every tick, and no backlog:
# each change live within 2 s (a stall of the emulated host delays a few;
# a backlog grows by the whole run), 150 ms on average.
tap_check "the pace held: $n changes of $((SECS * 10)), live within 2 s, 150 ms on average" \
	test "$n" = $((SECS * 10)) -a "$(echo "$pace" | tail -n 1)" = ok

# The doll's limit, the smaller cpu.max of its cgroups, is the last one
# set once the agent's writes are done (a raise reaches the second level
# a period and a margin after the first).
sleep 0.3
got=$(cat "$top/cpu.max")
[ "$top" = "$cg" ] || got="$got, $(cat "$cg/cpu.max")"
# The limit and the period (P, for the judge) of the smaller one.
# shellcheck disable=SC2046 # two words
set -- $(echo "$got" | tr , '\n' |
	awk '$1 != "max" && (lo == "" || $1 * 1000 / $2 < lo) { lo = $1 * 1000 / $2; p = $2 } END { print lo, p }')
lo=$1 per=$2
tap_check "the doll's limit is the last one set, $(fmt_milli "$last"): cpu.max $got" test "$lo" = "$last"
tap_check "nestctl shows the last cpu.limit $(fmt_milli "$last") ($(env_field "$spin_id" cpu_limit))" \
	in_range "$(fmt_milli "$last")" "$(env_field "$spin_id" cpu_limit)" "$(fmt_milli "$last")"

# The judge. Each sample is timed at the middle of the clock readings
# around it; F(t) is the integral of allowed(t) (1 ms steps). A window
# runs from a sample to the first one W s of judged time later and
# compares the doll's use with F there. W is 5 s, the window of the
# CPU accuracy test env_cpu; 1 s windows are shown too: there
# the CFS tick shows (at HZ=250 a quota runs over by up to 4 ms before the
# throttle, a debt paid in the next period, but forgiven when cpu.max is
# written). A gap of more than 150 ms between samples is left out of the
# judged time, its use and its allowance both: the emulated host stalled
# (its QEMU did not run, on a loaded machine), and a stall is charged to
# the task that was running, often the doll, whose usage then jumps by
# the stall (the debt is throttled away in the next periods). The judged
# time must be most of the run, and the whole run is judged too, stalls
# and all.
awk -v per="$per" -v win="$WIN" -v tol="$TOL" '
	function judge(w,   i, j, d, u, al, x) {
		k = bad = 0; j = 1
		for (i = 1; i <= n; i++) {
			while (j <= n && jt[j] - jt[i] < w) j++
			if (j > n) break
			d = jt[j] - jt[i]; u = (ju[j] - ju[i]) / 1e6 / d
			al = (jf[j] - jf[i]) / d; x = u - al; k++
			if (k == 1 || x > worst) { worst = x; wu = u; wa = al; wt = jt[i]; wd = d }
			if (x > tol) bad++
		}
		return sprintf("%d windows of %s s: worst %+.4f over the limit (%.4f used, %.4f allowed from %.1f s), %d above +%s",
			       k, w, worst, wu, wa, wt, bad, tol)
	}
	$1 == "A" { ct[++nc] = $2; cl[nc] = $3 }
	$1 == "S" && $4 != "" { n++; tt[n] = ($2 + $3) / 2; su[n] = $4 }
	END {
		p = per / 1e6; k1 = k2 = 1; t = tt[1]; f[1] = F = 0
		for (i = 2; i <= n; i++) {
			while (t < tt[i]) {
				dt = tt[i] - t; if (dt > 0.001) dt = 0.001
				while (k1 < nc && ct[k1 + 1] <= t) k1++
				while (k2 < nc && ct[k2 + 1] <= t - p) k2++
				a = cl[k1]; if (t - p >= ct[1] && cl[k2] > a) a = cl[k2]
				F += a * dt; t += dt
			}
			f[i] = F
		}
		for (i = 2; i <= n; i++) {
			d = tt[i] - tt[i - 1]; c = d <= 0.15
			jt[i] = jt[i - 1] + c * d; ju[i] = ju[i - 1] + c * (su[i] - su[i - 1])
			jf[i] = jf[i - 1] + c * (f[i] - f[i - 1])
		}
		d = tt[n] - tt[1]; u = (su[n] - su[1]) / 1e6 / d; al = f[n] / d
		printf "whole run: used %.4f CPU, allowed %.4f (P %.3f s): %+.4f; %.1f s of stalls left out of %.1f s\n",
			u, al, p, u - al, d - jt[n], d
		printf "shown, not judged: %s\n", judge(1)
		line = judge(win)
		print line
		ok = bad == 0 && k > 0 && jt[n] >= d * 0.7 && u - al <= tol
		print (ok ? "pass" : "fail")
	}
' "$ENV_WORK/log" >"$ENV_WORK/judge"
tap_diag "$(head -n 2 "$ENV_WORK/judge")"
tap_check "judged: $(sed -n 3p "$ENV_WORK/judge")" test "$(tail -n 1 "$ENV_WORK/judge")" = pass
tap_check "the doll ran throughout (guest_spin alive)" kill -0 $spin_pid
agent_alive() { kn_agent_pid >/dev/null; }
tap_check "the agent ran throughout (pid $(kn_agent_pid || echo none))" agent_alive
nc envelope set "$spin_id" cpu.limit max cpu.reserve 0 cpu.weight 100 cpus all mem.limit max mem.reserve 0
tap_check "envelope reset to unset (exit $nc_rc $(nc_err))" test "$nc_rc" = 0
env_log_check
tap_exit
