# shellcheck shell=sh disable=SC2034 # variables for the tests that source this
# What the envelope tests (env_*.sh) share; sourced, not a test itself.
# nestctl runs, the dolls they act on (guest_spin VMs and L1 Linux dolls),
# their cgroups as the agent made them, and cleanup. POSIX sh.
# shellcheck source=../harness/lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"
# shellcheck source=../harness/lib/klog.sh
. "$KN_TOP/selftests/harness/lib/klog.sh"
# shellcheck source=../harness/lib/kmod.sh
. "$KN_TOP/selftests/harness/lib/kmod.sh"
# shellcheck source=../harness/lib/agent.sh
. "$KN_TOP/selftests/harness/lib/agent.sh"

NC=${KN_NESTCTL:-$KN_BUILD/nestctl/nestctl}
SPIN=$KN_BUILD/selftests/guest_spin
DOLLS=/sys/kernel/debug/kvm_nest/dolls
L1DOLL=$KN_TOP/selftests/harness/l1-doll.sh
BUSY=$KN_TOP/selftests/harness/doll-busy.sh
QMP="python3 $KN_TOP/selftests/harness/qmp.py"
ENV_WORK=$(mktemp -d /tmp/env.XXXXXX)
ENV_KILL=
ENV_MARK=env.$$

env_cleanup() {
	# set -e holds in a trap too: a doll that is gone already must not fail it.
	for _p in $ENV_KILL; do kill "$_p" 2>/dev/null || true; done
	rm -rf "$ENV_WORK"
}
trap env_cleanup EXIT

# Everything an envelope test needs, and the mark its log check starts at.
# Without it the test fails: envelopes are this project's, not the CPU's.
env_require() {
	[ -x "$NC" ] || tap_bail "$NC not built (make -C userspace/nestctl)"
	"$NC" envelope help >/dev/null 2>&1 || tap_bail "$NC has no envelope object: rebuild it"
	command -v jq >/dev/null || tap_bail "jq not found: the tests parse nestctl's JSON with it"
	[ -r "$DOLLS" ] || tap_bail "$DOLLS unreadable: kvm-nest loaded, debugfs mounted?"
	[ -x "$SPIN" ] || tap_bail "$SPIN not built (make -C selftests)"
	kn_mark "$ENV_MARK"
}

# env_agent_check: test points: host-init.sh started the agent, and the
# kernel sees it listen (self.agent). A test run after a module reload may
# find it restarted by run-tests.sh; that is still "by itself".
env_agent_check() {
	_p=$(kn_agent_pid || true)
	tap_check "an agent runs here (pid ${_p:-none}), started by the harness (log $KN_AGENT_LOG)" \
		test -n "$_p"
	[ -n "$_p" ] || tap_diag "agent log:" "$(tail -n 20 "$KN_AGENT_LOG" 2>/dev/null)"
	_a=false
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		_a=$("$NC" -j envelope show self 2>/dev/null | jq -r '.self.agent' 2>/dev/null || true)
		[ "$_a" = true ] && break
		sleep 0.5
	done
	tap_check "the kernel sees an agent listen (nestctl envelope show self: agent $_a)" test "$_a" = true
}

# nc ARGS...: run nestctl; $ENV_WORK/out, $ENV_WORK/err, $nc_rc. Never fails.
nc() {
	nc_rc=0
	"$NC" "$@" >"$ENV_WORK/out" 2>"$ENV_WORK/err" || nc_rc=$?
}
nc_err() { tr '\n' ' ' <"$ENV_WORK/err"; }

# env_set DOLL ARGS...: nestctl envelope set; one test point that it worked.
env_set() {
	nc envelope set "$@"
	if [ "$nc_rc" = 0 ]; then
		tap_ok "envelope set $*"
	else
		tap_not_ok "envelope set $* (exit $nc_rc: $(nc_err))"
	fi
}

# env_refused <description> <regexes> ARGS...: a test point: nestctl
# envelope ARGS (set ..., del ...) exits non-zero with an "Error: " line,
# and its stderr matches each of the ';'-separated regexes (ERE).
env_refused() {
	_d=$1 _res=$2
	shift 2
	nc envelope "$@"
	_miss=
	_IFS=$IFS
	IFS=';'
	for _re in $_res; do
		grep -qE -- "$_re" "$ENV_WORK/err" || _miss="$_miss /$_re/"
	done
	IFS=$_IFS
	if [ "$nc_rc" != 0 ] && grep -q '^Error: ' "$ENV_WORK/err" && [ -z "$_miss" ]; then
		tap_ok "$_d: refused (exit $nc_rc)"
		tap_diag "  $(nc_err)"
	else
		tap_not_ok "$_d: want a refusal matching$_miss, got exit $nc_rc: $(nc_err)"
	fi
}

# fmt_milli M: 1500 -> 1.500, as kvm-nest writes CPUs.
fmt_milli() { awk -v m="$1" 'BEGIN { printf "%d.%03d\n", m / 1000, m % 1000 }'; }
# re_num 1.500 -> 1\.500, for a regex.
re_num() { echo "$1" | sed 's/\./\\./g'; }

# env_of DOLL: its envelope as nestctl shows it, one canonical JSON line
# (usage left out: it moves). Empty if nestctl fails.
env_of() {
	"$NC" -j envelope show "$1" 2>/dev/null |
		jq -cS --argjson id "$(env_id "$1")" '.dolls[] | select(.id == $id) | .envelope' 2>/dev/null || true
}
# env_field DOLL FIELD: one field of it (cpu_limit, mem_limit, ...).
env_field() { env_of "$1" | jq -r ".$2" 2>/dev/null; }
# Every doll's envelope, ids and all, for "nothing changed" checks.
env_all() { "$NC" -j envelope show 2>/dev/null | jq -cS '[.dolls[] | {id, envelope}], .self.reserved' 2>/dev/null || true; }

# env_id DOLL: the numeric id of a doll given by id or name.
env_id() {
	case $1 in
	*[!0-9]*) "$NC" -j doll show "$1" 2>/dev/null | jq -r '.[0].id' 2>/dev/null ;;
	*) echo "$1" ;;
	esac
}

# debugfs doll line field: dbg_l1 PID -> id of the level-1 doll of a VMM.
dbg_l1() {
	awk -v pid="$1" '$1 == "doll" && $3 == "level=1" && $6 == "pid=" pid { sub(/^id=/, "", $2); print $2; exit }' "$DOLLS"
}

# env_wait_l1 PID SECONDS: the id of the level-1 doll of PID, once it is there.
env_wait_l1() {
	_end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt $_end ]; do
		_id=$(dbg_l1 "$1")
		[ -n "$_id" ] && { echo "$_id"; return 0; }
		kill -0 "$1" 2>/dev/null || break
		sleep 0.2
	done
	return 1
}

# env_spin NAME SECONDS: a busy level-1 doll (guest_spin, -name NAME).
# Sets spin_pid and spin_id; bails if no doll shows up.
env_spin() {
	"$SPIN" -s "$2" -l 1 -- -name "$1" >"$ENV_WORK/spin.$1" 2>&1 &
	spin_pid=$!
	ENV_KILL="$ENV_KILL $spin_pid"
	spin_id=$(env_wait_l1 $spin_pid 60) ||
		tap_bail "no level-1 doll for guest_spin $1 (pid $spin_pid): $(cat "$ENV_WORK/spin.$1")"
}

# env_doll NAME L1-DOLL-OPTIONS... -- COMMAND: an L1 Linux doll in the
# background. Sets doll_pid, doll_dir and doll_id (its level-1 doll).
env_doll() {
	_n=$1
	shift
	_o=$("$L1DOLL" --bg --name "$_n" "$@") || tap_bail "l1-doll.sh $_n failed: $_o"
	doll_pid=$(echo "$_o" | sed -n 's/^pid=\([0-9]*\) .*/\1/p')
	doll_dir=$(echo "$_o" | sed -n 's/.* dir=//p')
	ENV_KILL="$ENV_KILL $doll_pid"
	doll_id=$(env_wait_l1 "$doll_pid" 60) ||
		tap_bail "no level-1 doll for the L1 doll $_n (pid $doll_pid): $(cat "$doll_dir/qemu.log")"
}

# env_doll_lines DIR: the doll's output so far (its result.log, live),
# complete lines only: its serial port takes a byte at a time, so the
# last line may still be being written ("kn-fit-gone r"). A snapshot, so
# that every look at it sees the same bytes.
env_doll_lines() {
	cp "$1/result.log" "$1/result.snap"
	if [ -z "$(tail -c 1 "$1/result.snap")" ]; then
		tr -d '\r' <"$1/result.snap"
	else
		tr -d '\r' <"$1/result.snap" | sed '$d'
	fi
}

# env_doll_wait DIR REGEX SECONDS: wait for a line of the doll's output
# matching REGEX; print the last such line. A doll that has ended
# (KN-END) without one fails at once. Both come from one snapshot: a
# second read of the live log could see a KN-END written after the first
# read, and the KN-RESULT line before it that the first read missed.
env_doll_wait() {
	_end=$(($(date +%s) + $3))
	while [ "$(date +%s)" -lt $_end ]; do
		_s=$(env_doll_lines "$1")
		# -a: a serial port may carry a stray byte that makes grep
		# call the log binary and print no line.
		_l=$(printf '%s\n' "$_s" | grep -aE -- "$2" | tail -n 1)
		[ -n "$_l" ] && { echo "$_l"; return 0; }
		printf '%s\n' "$_s" | grep -aq '^KN-END' && break
		sleep 1
	done
	return 1
}

# The cgroup v2 directory of a process, as /proc/PID/cgroup says.
env_cg() { echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$1/cgroup")"; }
# usage_usec of a cgroup directory.
env_usage() { sed -n 's/^usage_usec //p' "$1/cpu.stat"; }
# Seconds since boot, with decimals.
env_up() { cut -d' ' -f1 /proc/uptime; }

# env_cpu_share CGDIR SECONDS: CPUs it used over the next SECONDS,
# "share usage_us wall_s", from cpu.stat and the uptime clock.
env_cpu_share() {
	_u0=$(env_usage "$1") _t0=$(env_up)
	sleep "$2"
	_u1=$(env_usage "$1") _t1=$(env_up)
	awk -v u0="$_u0" -v u1="$_u1" -v t0="$_t0" -v t1="$_t1" \
		'BEGIN { printf "%.4f %d %.3f\n", (u1 - u0) / 1e6 / (t1 - t0), u1 - u0, t1 - t0 }'
}

# in_range LO X HI (decimals).
in_range() { awk -v lo="$1" -v x="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }

# env_log_check: the last test point: no kernel problem since env_require.
env_log_check() {
	_bad=$(kn_log_since "$ENV_MARK" | kn_log_bad || true)
	[ -z "$_bad" ] || tap_diag "$_bad"
	tap_check "kernel log clean" test -z "$_bad"
}
