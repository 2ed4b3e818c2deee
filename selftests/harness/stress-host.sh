#!/bin/sh
# shellcheck disable=SC2317 # functions run through traps
# stress-host.sh: the stress run inside an emulated host, for
# stress.sh (make stress) and, with small counts, the stress_slice test.
# Runs at once: the netlink load (stress_nl), the channel load (stress_ch,
# several VMs), the VM churn with policies and envelopes and revocation
# checks (stress_churn), and meanwhile kvm-nest unload/load cycles. Then
# checks: every load passed, every cycle succeeded while the loads ran,
# SUnreclaim flat, the registry (debugfs dolls) empty, and no WARN, Oops,
# BUG or lockdep report in the kernel log. Prints TAP and a figures block.
#
# Counts (environment): KN_STRESS_NL messages, KN_STRESS_CH hypercalls,
# KN_STRESS_CH_PROCS processes (VMs at once), KN_STRESS_CHURN cycles,
# KN_STRESS_REVOKE_EVERY (a revocation check every N churn cycles),
# KN_STRESS_MOD module cycles, KN_STRESS_MOD_PAUSE seconds between them,
# KN_STRESS_STALL_S and KN_STRESS_SYSRQ_S (see watchdog),
# KN_STRESS_SLAB_KB the SUnreclaim growth allowed, KN_STRESS_SEED. A load
# that ends while module cycles remain runs again (another pass, the next
# seed) unless KN_STRESS_LOOP=0: every cycle then begins while all run.
set -u
# shellcheck source=lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"
# shellcheck source=lib/klog.sh
. "$KN_TOP/selftests/harness/lib/klog.sh"
# shellcheck source=lib/kmod.sh
. "$KN_TOP/selftests/harness/lib/kmod.sh"
# shellcheck source=lib/agent.sh
. "$KN_TOP/selftests/harness/lib/agent.sh"

NL=${KN_STRESS_NL:-20000}
CH=${KN_STRESS_CH:-2000}
PROCS=${KN_STRESS_CH_PROCS:-4}
CHURN=${KN_STRESS_CHURN:-30}
EVERY=${KN_STRESS_REVOKE_EVERY:-10}
MOD=${KN_STRESS_MOD:-5}
PAUSE=${KN_STRESS_MOD_PAUSE:-2}
SLAB_KB=${KN_STRESS_SLAB_KB:-4096}
LOOP=${KN_STRESS_LOOP:-1}
SEED=${KN_STRESS_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
BIN=$KN_BUILD/selftests
DOLLS=/sys/kernel/debug/kvm_nest/dolls

for b in stress_nl stress_ch stress_churn; do
	[ -x "$BIN/$b" ] || tap_bail "$BIN/$b missing (make -C selftests)"
done
[ -f "$KN_MODULE" ] || tap_skip_all "kvm-nest.ko not built yet ($KN_MODULE)"
kn_loaded kvm_nest || tap_bail "kvm-nest is not loaded at the start"
[ -r "$DOLLS" ] || tap_bail "$DOLLS unreadable (debugfs not mounted?)"

work=$(mktemp -d /tmp/stress.XXXXXX)
pids=''
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	kn_load_nest >/dev/null 2>&1
	kn_agent_start >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
# A copy in tmpfs: insmod then never waits on 9p.
cp "$KN_MODULE" "$work/kvm-nest.ko"
KN_STRESS_GEN=$work/gen
export KN_STRESS_GEN
echo 0 >"$KN_STRESS_GEN"
gen=0
bump() { gen=$((gen + 1)); echo "$gen" >"$KN_STRESS_GEN"; }

unreclaim() { awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo; }
# Unreclaimable slab once RCU callbacks and deferred frees have run.
settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
	sleep 3
	unreclaim
}
dolls_left() { grep -c '^doll ' "$DOLLS" 2>/dev/null || true; }
now() { cut -d' ' -f1 /proc/uptime; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'; }

tap_plan 10
tap_diag "seed $SEED; counts: netlink $NL, channel $CH from $PROCS processes, churn $CHURN (revocation check every $EVERY), module cycles $MOD (pause ${PAUSE}s)"
tap_diag "replay: KN_STRESS_SEED=$SEED with the same counts"

# Warm-up, not counted: the first VM, cgroup, family lookup etc. allocate
# caches once; "before" is the steady state after one of each.
"$BIN/stress_nl" -n 500 -s 1 >"$work/warm" 2>&1
"$BIN/stress_ch" -n 250 -p 1 -s 1 >>"$work/warm" 2>&1
"$BIN/stress_churn" -n 2 -r 2 -s 1 >>"$work/warm" 2>&1 ||
	tap_diag "warm-up churn failed:" "$(grep -v '^ok' "$work/warm" | tail -n 5)"
slab0=$(settle)
mark=stress.$$
kn_mark $mark
t0=$(now)

s1=$((SEED * 3 + 1)) s2=$((SEED * 5 + 2)) s3=$((SEED * 7 + 3))
loads="nl ch churn"
# start_load <load>: its next pass, in the background; output $work/<load>.<pass>.
start_load() {
	_n=0
	eval "_n=\$((\${passes_$1:-0} + 1))"
	eval "passes_$1=$_n"
	case $1 in
	nl) "$BIN/stress_nl" -n "$NL" -s $((s1 + _n - 1)) >"$work/nl.$_n" 2>&1 & ;;
	ch) "$BIN/stress_ch" -n "$CH" -p "$PROCS" -s $((s2 + _n - 1)) >"$work/ch.$_n" 2>&1 & ;;
	churn) "$BIN/stress_churn" -n "$CHURN" -r "$EVERY" -s $((s3 + _n - 1)) >"$work/churn.$_n" 2>&1 & ;;
	esac
	eval "p_$1=$!"
	pids="$pids $!"
}
# reap <load>: wait for its pass, count a failed one.
reap() {
	eval "_p=\${p_$1:-}"
	[ -n "$_p" ] || return 0
	_rc=0
	wait "$_p" || _rc=$?
	[ "$_rc" = 0 ] || eval "fails_$1=\$((\${fails_$1:-0} + 1)) first_$1=\${first_$1:-\$passes_$1}"
	eval "p_$1="
}
alive() {
	eval "_p=\${p_$1:-}"
	[ -n "$_p" ] && kill -0 "$_p" 2>/dev/null
}
running() {
	for l in $loads; do
		alive "$l" && return 0
	done
	return 1
}
for l in $loads; do start_load "$l"; done

# text_at <module>: where its code is, in the console log, so that a hung
# host's RIPs (QEMU monitor, info registers) can be named.
text_at() {
	echo "kn-stress: $1 .text at $(cat "/sys/module/$1/sections/.text" 2>/dev/null)" >/dev/kmsg
}
for m in kvm kvm_amd kvm_intel kvm_nest; do [ ! -d "/sys/module/$m/sections" ] || text_at $m; done

# watchdog <cycle>: if rmmod and insmod of the cycle still run after
# KN_STRESS_STALL_S (120), say where they and the loads wait (their kernel
# stacks), once a minute. After KN_STRESS_SYSRQ_S (600), a hang by any
# measure, also the kernel's blocked tasks and CPUs (SysRq w and l) in the
# console log: their "Call Trace" lines fail the loads' kernel-log checks,
# so a cycle that is merely slow on a loaded host must not trigger them.
STALL_S=${KN_STRESS_STALL_S:-120}
SYSRQ_S=${KN_STRESS_SYSRQ_S:-600}
watchdog() {
	sleep "$STALL_S"
	_t=$STALL_S
	while :; do
		tap_diag "cycle $1 stalled: still in rmmod/insmod after $_t s; stacks follow"
		for p in $(pgrep -x rmmod) $(pgrep -x insmod) $(pgrep -f 'stress_(nl|ch|churn)'); do
			tap_diag "$(cat "/proc/$p/comm" 2>/dev/null) $p ($(cut -d' ' -f3 "/proc/$p/stat" 2>/dev/null)):" \
				"$(cat "/proc/$p/stack" 2>/dev/null)"
		done
		if [ "$_t" -ge "$SYSRQ_S" ]; then
			tap_diag "cycle $1: SysRq w and l in the console log"
			echo w >/proc/sysrq-trigger
			echo l >/proc/sysrq-trigger
		fi
		sleep 60
		_t=$((_t + 60))
	done
}

# Module cycles while the loads run. The generation is odd while kvm-nest
# is going or gone, even once it and its agent are back (kn_stress.h).
cyc=0 cyc_ok=0 cyc_during=0 busy=0
sleep "$PAUSE"
while [ $cyc -lt "$MOD" ]; do
	# Loads that ended go again while cycles remain.
	if [ "$LOOP" = 1 ]; then
		for l in $loads; do
			alive "$l" || { reap "$l"; start_load "$l"; }
		done
	fi
	cyc=$((cyc + 1))
	running && cyc_during=$((cyc_during + 1))
	bump
	watchdog "$cyc" &
	wd=$!
	agent=$(kn_agent_pid || true)
	ok=0
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		if rmmod kvm_nest 2>"$work/rmmod"; then ok=1; break; fi
		busy=$((busy + 1))
		sleep 0.2
	done
	[ $ok = 1 ] || tap_diag "cycle $cyc: rmmod failed: $(cat "$work/rmmod")"
	if [ $ok = 1 ] && insmod "$work/kvm-nest.ko" 2>"$work/insmod"; then
		cyc_ok=$((cyc_ok + 1))
		text_at kvm_nest
	else
		[ $ok = 0 ] || tap_diag "cycle $cyc: insmod failed: $(cat "$work/insmod")"
		kn_load_nest >/dev/null 2>&1
	fi
	kill "$wd" 2>/dev/null
	wait "$wd" 2>/dev/null
	# The harness's agent outlives its family but listens to it no more:
	# end it (by its pid), or kn_agent_start takes it for a running one
	# and envelopes find no agent (ENOTCONN).
	[ -z "$agent" ] || kill "$agent" 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		if [ -z "$agent" ] || ! kill -0 "$agent" 2>/dev/null; then break; fi
		sleep 0.25
	done
	kn_agent_start >/dev/null 2>&1 || tap_diag "cycle $cyc: the agent did not start again"
	bump
	# Progress for a run of hours (make stress): every tenth cycle.
	[ $((cyc % 10)) != 0 ] ||
		tap_diag "progress: $cyc of $MOD module cycles ($cyc_ok ok) after $(secs "$t0" "$(now)") s"
	sleep "$PAUSE"
done
t_cyc=$(now)
for l in $loads; do reap "$l"; done
pids=''
t1=$(now)

# fig <load>: its STRESS figures summed over its passes (seconds left out).
fig() {
	cat "$work/$1".* | grep -o "STRESS $1 .*" | awk '
		{ for (i = 3; i <= NF; i++) { split($i, kv, "=")
			if (kv[1] == "seconds") continue
			if (!(kv[1] in s)) k[++n] = kv[1]
			s[kv[1]] += kv[2] } }
		END { for (j = 1; j <= n; j++) printf "%s=%d ", k[j], s[k[j]] }'
	eval "printf 'passes=%s' \${passes_$1}"
}
for l in $loads; do
	for f in "$work/$l".*; do
		echo "# ----- stress_$l, pass ${f##*.} -----"
		sed 's/^/# /' "$f"
	done
done
# why <output>: its first failed check and its first problem, on one line,
# so that a summary of the run shows the cause.
why() {
	{
		grep -m1 '^not ok' "$1"
		grep -m1 -E '^# run [0-9]+ round [0-9]+: |the first: [^-]' "$1"
	} | tr '\n' ' ' | cut -c1-600
}
for l in $loads; do
	_f=0 _n=0
	eval "_f=\${fails_$l:-0} _n=\${passes_$l}"
	if [ "$_f" = 0 ]; then
		tap_ok "$l: $_n pass(es) passed ($(fig "$l"))"
	else
		eval "_p=\$first_$l"
		tap_not_ok "$l: $_f of $_n pass(es) failed ($(fig "$l")); pass $_p said: $(why "$work/$l.$_p")"
	fi
done

# A pass may run wholly during cycles; over all, some must be judged.
judged=$(fig ch | sed -n 's/.*judged=\([0-9]*\).*/\1/p')
tap_check "ch: ${judged:-0} calls judged exactly in rounds with kvm-nest steady" \
	test "${judged:-0}" -gt 0
rjudged=$(fig churn | sed -n 's/.*judged=\([0-9]*\).*/\1/p')
tap_check "churn: ${rjudged:-0} revocation checks passed with kvm-nest steady" \
	test "${rjudged:-0}" -gt 0
tap_check "module cycles: $cyc_ok of $MOD succeeded, $cyc_during began while loads ran (rmmod busy $busy times)" \
	test "$cyc_ok" -eq "$MOD" -a "$cyc_during" -eq "$MOD"
tap_check "kvm-nest loaded at the end" kn_loaded kvm_nest

# Registry: every doll gone once the VMs are (KVM frees them via RCU).
left=$(dolls_left)
for _ in $(seq 1 30); do
	[ "$left" = 0 ] && break
	sleep 1
	left=$(dolls_left)
done
[ "$left" = 0 ] || tap_diag "dolls left:" "$(head -n 10 "$DOLLS")"
tap_check "registry empty after: $left dolls in debugfs" test "$left" = 0

slab1=$(settle)
delta=$((slab1 - slab0))
tap_check "SUnreclaim flat: $slab0 kB before, $slab1 kB after ($delta kB, at most $SLAB_KB)" \
	test "$delta" -le "$SLAB_KB"

log=$(kn_log_since $mark)
n_warn=$(printf '%s\n' "$log" | grep -c 'WARNING: CPU:')
n_oops=$(printf '%s\n' "$log" | grep -cE 'BUG:|Oops|general protection fault|Kernel panic')
n_lockdep=$(printf '%s\n' "$log" | grep -cE 'possible (circular|recursive) locking|inconsistent lock state|lockdep|suspicious RCU usage')
if [ -e /proc/lockdep ]; then
	lockdep="lockdep enabled"
else
	lockdep="lockdep NOT enabled in this kernel (no /proc/lockdep: Debian builds without CONFIG_PROVE_LOCKING), so lock-order problems cannot show"
fi
bad=$(printf '%s\n' "$log" | kn_log_bad)
[ -z "$bad" ] || tap_diag "kernel problems:" "$(printf '%s\n' "$bad" | head -n 20)"
tap_check "kernel log: $n_warn WARN, $n_oops Oops/BUG, $n_lockdep lockdep reports ($lockdep)" \
	test "$n_warn" = 0 -a "$n_oops" = 0 -a "$n_lockdep" = 0

echo "# STRESS FIGURES (kernel $(uname -r), seed $SEED)"
echo "#   netlink messages:   $(fig nl)"
echo "#   channel hypercalls: $(fig ch) (from $PROCS processes at once)"
echo "#   VM churn cycles:    $(fig churn) (revocation check every $EVERY)"
echo "#   module cycles:      $cyc_ok of $MOD ok, $cyc_during while loads ran, over $(secs "$t0" "$t_cyc") s"
echo "#   SUnreclaim:         before $slab0 kB, after $slab1 kB ($delta kB)"
echo "#   registry empty:     $([ "$left" = 0 ] && echo yes || echo "no ($left dolls left)")"
echo "#   kernel log:         WARN $n_warn, Oops/BUG $n_oops, lockdep $n_lockdep; $lockdep"
echo "#   time:               $(secs "$t0" "$t1") s for the loads"
tap_exit
