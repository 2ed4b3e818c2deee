#!/bin/sh
# cpu.limit holds: a busy level-1 doll (guest_spin, which never stops
# running) limited to 0.25 CPU uses 25% +- 2% of one CPU over 5 s, measured
# from its cgroup's cpu.stat (the cgroup the agent put its VMM in, read from
# /proc/PID/cgroup). Changed live to 0.5, the new bound holds from the next
# period on: the following 5 s window uses 50% +- 2%. Back to max, the doll
# gets its CPU back. Its CPU set: cpus 0 reaches the cgroup's cpuset.cpus,
# and cpus all becomes the host's online CPUs there, as nestctl shows it.
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"

TOL=${KN_ENV_CPU_TOL:-0.02}
WIN=${KN_ENV_CPU_WINDOW:-5}
env_require
tap_plan 20
env_agent_check

env_spin env-cpu 120
tap_diag "busy doll: guest_spin pid $spin_pid, doll $spin_id"
# Unlimited first: the doll must want more than the largest limit tested.
env_set "$spin_id" cpu.limit max
cg=$(env_cg $spin_pid)
tap_diag "its cgroup: $cg"
# shellcheck disable=SC2046
set -- $(env_cpu_share "$cg" 2)
tap_check "unlimited, it used $1 CPU over $3 s: busy (> 0.6)" in_range 0.6 "$1" 64

# The doll's cgroups: the agent's doll-N above the VMM's leaf, or the
# VMM's own cgroup.
cgs() {
	_c=$(env_cg $spin_pid)
	case $_c in */kvm-nest/doll-*/*) echo "${_c%/*} $_c" ;; *) echo "$_c" ;; esac
}
# max_is MILLI: the smallest cpu.max of the doll's cgroups (its limit) is
# MILLI thousandths of its period, within 1 s (a raise reaches the second
# level a period and a margin after the first); prints what they read.
max_is() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		_got='' _lo=max
		for _c in $(cgs); do
			read -r _q _p <"$_c/cpu.max"
			_got="$_got '$_q $_p'"
			[ "$_q" != max ] || continue
			_m=$((_q * 1000 / _p))
			[ "$_lo" != max ] && [ "$_lo" -le $_m ] || _lo=$_m
		done
		[ "$_lo" != "$1" ] || break
		sleep 0.1
	done
	echo "$_got"
	[ "$_lo" = "$1" ]
}

# measure LIMIT WHAT: one test point: the next WIN seconds use LIMIT +- TOL.
measure() {
	_lim=$1 _what=$2
	cg=$(env_cg $spin_pid)
	_max=$(cat "$cg/cpu.max" 2>/dev/null || echo none)
	# shellcheck disable=SC2046
	set -- $(env_cpu_share "$cg" "$WIN")
	tap_diag "cpu.limit $_lim: cpu.max '$_max', used $1 CPU ($2 us in $3 s) in $cg"
	_lo=$(awk -v l="$_lim" -v t="$TOL" 'BEGIN { print l - t }')
	_hi=$(awk -v l="$_lim" -v t="$TOL" 'BEGIN { print l + t }')
	tap_check "$_what: used $1 CPU over $3 s, within $_lo..$_hi" in_range "$_lo" "$1" "$_hi"
}

env_set "$spin_id" cpu.limit 0.25
ok=y
got=$(max_is 250) || ok=
tap_check "the smaller cpu.max of $(cgs) is 0.25 of its period:$got" test -n "$ok"
tap_check "nestctl shows cpu_limit 0.25 ($(env_field "$spin_id" cpu_limit))" \
	test "$(env_field "$spin_id" cpu_limit)" = 0.25
# Let the period the change landed in end (a period is 50 ms).
sleep 0.1
measure 0.25 "cpu.limit 0.25"

env_set "$spin_id" cpu.limit 0.5
# The window starts right away: the bound must hold from the next period.
sleep 0.1
measure 0.5 "live change to 0.5, the next $WIN s"
ok=y
got=$(max_is 500) || ok=
tap_check "the smaller cpu.max of the doll's cgroups is 0.5 of its period:$got" test -n "$ok"

# What kvm-nest measured from below, next to the limit (not judged: its
# guest time leaves out the exits the host handles).
tap_diag "nestctl envelope show $spin_id:" "$("$NC" envelope show "$spin_id" 2>&1)"

env_set "$spin_id" cpu.limit max
sleep 0.1
# shellcheck disable=SC2046
set -- $(env_cpu_share "$(env_cg $spin_pid)" 2)
tap_check "cpu.limit max again: it used $1 CPU over $3 s (> 0.6)" in_range 0.6 "$1" 64
# cpuset_is LIST: a cpuset.cpus of the doll's cgroups reads LIST, within
# 1 s; prints what they read.
cpuset_is() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		_got=''
		for _c in $(cgs); do
			_v=$(cat "$_c/cpuset.cpus" 2>/dev/null || echo none)
			_got="$_got '$_v'"
			[ "$_v" != "$1" ] || { echo "$_got"; return 0; }
		done
		sleep 0.1
	done
	echo "$_got"
	return 1
}
env_set "$spin_id" cpus 0
ok=y
got=$(cpuset_is 0) || ok=
tap_check "cpus 0: cpuset.cpus of $(cgs) reads 0:$got" test -n "$ok"
tap_check "nestctl -j shows cpus \"0\" ($(env_field "$spin_id" cpus))" \
	test "$(env_field "$spin_id" cpus)" = 0
env_set "$spin_id" cpus all
online=$(cat /sys/devices/system/cpu/online)
ok=y
got=$(cpuset_is "$online") || ok=
tap_check "cpus all: cpuset.cpus reads the online CPUs $online:$got" test -n "$ok"
tap_check "the doll ran throughout (guest_spin alive)" kill -0 $spin_pid
env_log_check
tap_exit
