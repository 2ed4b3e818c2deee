# shellcheck shell=sh disable=SC2154 # l1, l1pid, l1dir: the caller's; nc_rc: env_lib.sh's
# What the depth tests (env_depth.sh, env_depth_linux.sh) share; sourced
# after env_lib.sh, not a test itself. An L1 Linux doll (kvm-nest and its
# agent in it) runs an L2 doll and prints on its result port, live:
#  - kn-cg lines: the cgroup L1 put the L2's VMM in (lib/vmmwatch.sh);
#  - lines matching $DEPTH_IN: what the L2 reads of its own envelope, as
#    "depth=<d> ... cpu.limit=<max|c.ccc> cpu.reserve=<c.ccc> ...
#    mem.limit=<max|bytes>" (/sys/kernel/kvm_nest's formats).
# The caller sets DEPTH_IN (and DEPTH_NAME, the L2's name) and starts L1
# with depth_l1; the functions make the test points both tests make.

# depth_l1 COMMAND: the L1 doll "env-l1", kvm-nest in it, running COMMAND
# in the background. Sets l1, l1pid, l1dir.
depth_l1() {
	env_doll env-l1 --module -- "$1"
	l1=$doll_id l1pid=$doll_pid l1dir=$doll_dir
	tap_diag "L1 doll $l1 (qemu pid $l1pid, $l1dir): $1"
}

# depth_lines: L1's output, complete lines only (env_doll_lines).
depth_lines() { env_doll_lines "$l1dir"; }
# depth_last REGEX: the newest line of L1's output that matches.
depth_last() { depth_lines | grep -aE -- "$1" | tail -n 1; }
# depth_wait REGEX SECONDS: until a line printed after now matches.
depth_wait() {
	_from=$(wc -l <"$l1dir/result.log")
	_end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt $_end ]; do
		_l=$(depth_lines | tail -n +$((_from + 1)) | grep -aE -- "$1" | tail -n 1)
		[ -n "$_l" ] && { echo "$_l"; return 0; }
		sleep 1
	done
	return 1
}

# depth_find_l2 NAME SECONDS: a test point: the L2 doll NAME shows here
# under L1 (level 2, parent L1) and reads its envelope. Sets l2; bails
# without it.
depth_find_l2() {
	l2=
	_end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt $_end ] && kill -0 "$l1pid" 2>/dev/null; do
		[ -n "$l2" ] || l2=$("$NC" -j doll show 2>/dev/null |
			jq -r --argjson p "$l1" --arg n "$1" '.[] | select(.level == 2 and .parent == $p and .name == $n) | .id' 2>/dev/null | head -n 1)
		[ -n "$l2" ] && [ -n "$(depth_last "$DEPTH_IN")" ] && break
		sleep 2
	done
	_in=$(depth_last "$DEPTH_IN")
	tap_check "L2 doll $1 seen here at level 2 under L1 doll $l1 (id ${l2:-none}), reading its envelope" \
		test -n "$l2" -a -n "$_in"
	if [ -z "$l2" ] || [ -z "$_in" ]; then
		tap_diag "L1 output:" "$(tail -n 20 "$l1dir/result.log")" "L1 console:" "$(tail -n 20 "$l1dir/console.log")"
	fi
	[ -n "$l2" ] || tap_bail "no L2 doll: nothing more to test"
	tap_diag "L2 doll $l2; its first view of itself: $(tr -d '\r' <"$l1dir/result.log" | grep -E -- "$DEPTH_IN" | head -n 1)"
}

# depth_pings: over the channel for L2 (hops >= 1), local for L1 (0).
depth_pings() {
	nc -j doll ping "$l2"
	_h=$(jq -r '.hops' "$ENV_WORK/out" 2>/dev/null || echo -)
	tap_check "doll ping $l2 (L2): hops $_h >= 1, rtt $(jq -r '.rtt_ns' "$ENV_WORK/out" 2>/dev/null) ns (exit $nc_rc $(nc_err))" \
		test "$nc_rc" = 0 -a "$_h" != - -a "$_h" -ge 1
	nc -j doll ping "$l1"
	_h=$(jq -r '.hops' "$ENV_WORK/out" 2>/dev/null || echo -)
	tap_check "doll ping $l1 (L1): hops $_h = 0 (exit $nc_rc $(nc_err))" test "$nc_rc" = 0 -a "$_h" = 0
}

# depth_bad_pings: this kernel, as a hostile parent would, malforms the
# ping it sends L1 for the L2 (ch_test_mangle, one command each): L1's
# kvm-nest must answer each at once with EINVAL and its reason, never run
# it, never leave us waiting the 90 s a lost command takes. 4 points.
DEPTH_MANGLE=/sys/module/kvm_nest/parameters/ch_test_mangle
depth_bad_ping() {
	echo "$1" >"$DEPTH_MANGLE"
	_t0=$(date +%s)
	nc doll ping "$l2"
	_dt=$(($(date +%s) - _t0))
	echo 0 >"$DEPTH_MANGLE"
	tap_check "a ping to L2 with $2 is refused by L1 in ${_dt} s (< 20): exit $nc_rc, $(nc_err)" \
		test "$nc_rc" != 0 -a "$_dt" -lt 20 -a -n "$(grep -E -- "$3" "$ENV_WORK/err")"
}
depth_bad_pings() {
	[ -w "$DEPTH_MANGLE" ] || tap_bail "$DEPTH_MANGLE missing: kvm-nest too old"
	# 0x100 + PING: run as a PING, it would succeed.
	depth_bad_ping 1 "op PING + 0x100" 'op 2[0-9]{2} from the parent is out of range'
	depth_bad_ping 2 "no doll id" 'command from the parent without a doll id'
	depth_bad_ping 3 "a 2-byte doll id (its policy fails)" 'malformed command from the parent'
	nc -j doll ping "$l2"
	tap_check "then a well-formed ping to L2 works again (exit $nc_rc $(nc_err))" test "$nc_rc" = 0
}

# depth_set: L1 gets cpu.limit 0.9 cpu.reserve 0.3, then the L2 doll
# cpu.limit 0.4 cpu.reserve 0.2 mem.limit 512M, all set from here; the
# L2's envelope as nestctl here shows it, in JSON and in text. 4 points.
depth_set() {
	env_set "$l1" cpu.limit 0.9 cpu.reserve 0.3
	env_set "$l2" cpu.limit 0.4 cpu.reserve 0.2 mem.limit 512M
	[ "$nc_rc" = 0 ] || tap_diag "L1's agent, as L1 last saw it:" "$(tr -d '\r' <"$l1dir/result.log" | grep -E '^kn-agent' | tail -n 6)"
	# This kernel's copy comes with L1's next report (about once a second).
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		_e=$(env_of "$l2")
		_got=$(echo "$_e" | jq -r '"\(.cpu_limit) \(.cpu_reserve) \(.mem_limit)"' 2>/dev/null || true)
		[ "$_got" = "0.4 0.2 536870912" ] && break
		sleep 1
	done
	tap_diag "nestctl -j envelope show $l2: $_e"
	tap_check "nestctl -j envelope show here: L2's cpu.limit 0.4, cpu.reserve 0.2, mem.limit 512M ($_got)" \
		test "$_got" = "0.4 0.2 536870912"
	# Text: DOLL (its path, L1/L2), LEVEL, NAME, CPU.LIMIT, CPU.RESERVE,
	# WEIGHT, CPUS, MEM.LIMIT, ...
	nc envelope show "$l2"
	_row=$(awk -v p="$l1/$l2" -v n="$DEPTH_NAME" '$1 == p && $2 == 2 && $3 == n' "$ENV_WORK/out")
	[ -n "$_row" ] || tap_diag "nestctl envelope show $l2 (exit $nc_rc):" "$(cat "$ENV_WORK/out" "$ENV_WORK/err")"
	tap_check "nestctl envelope show here, text: ${_row:-no row $l1/$l2}" \
		test "$nc_rc" = 0 -a -n "$(echo "$_row" | awk '$4 == "0.400" && $5 == "0.200" && $8 == "512M"')"
}

# depth_applied: L1's agent put the L2's VMM in a cgroup where those
# bounds hold: the tightest cpu.max and memory.max of it and its
# ancestors (however many levels the agent makes).
depth_applied() {
	_cg=$(depth_wait '^kn-cg .*cpu.eff=0.400 memory.eff=536870912$' 90 || depth_last '^kn-cg ')
	tap_check "applied inside L1: the L2's VMM runs under cpu.max 0.4 CPUs and memory.max 512M ($_cg)" \
		test -n "$(echo "$_cg" | grep -E 'cpu.eff=0.400 memory.eff=536870912$')"
}

# depth_inside REGEX WHAT: a test point: the L2 reads REGEX (after
# $DEPTH_IN) within 30 s; sets in2 to the line it printed.
depth_inside() {
	in2=$(depth_wait "$DEPTH_IN.*$1" 30 || depth_last "$DEPTH_IN")
	tap_check "inside L2: $2 ($in2)" test -n "$(echo "$in2" | grep -E -- "$1")"
}

# depth_admission: at L2, checked by L1's kernel against L1's own
# envelope: refusals with the numbers naming L1, nothing changed. Then the
# parent's authority: L0 lowers L1's envelope under what L2 holds inside
# it; that succeeds (a child cannot veto its parent), L1 shows
# overcommitted here, and L2's envelope stays as L1 set it. L1's envelope
# is put back. 9 points.
depth_admission() {
	_before=$(env_all)
	env_refused "L2 cpu.reserve 0.35, beyond L1's own 0.3" "L1;0\.350;0\.300" set "$l2" cpu.reserve 0.35
	tap_check "nothing changed here" test "$(env_all)" = "$_before"
	env_refused "dry run of the same" "L1;0\.350" set "$l2" cpu.reserve 0.35 dry-run
	nc -j envelope set "$l2" cpu.reserve 0.3 dry-run
	tap_check "dry run of L2 cpu.reserve 0.3 fits (exit $nc_rc $(nc_err))" \
		test "$nc_rc" = 0 -a "$(jq -r '.fits' "$ENV_WORK/out" 2>/dev/null)" = true
	env_set "$l1" cpu.reserve 0.1 cpu.limit 0.3
	_over=$("$NC" -j envelope show "$l1" 2>/dev/null | jq -r --argjson id "$l1" '.dolls[] | select(.id == $id) | .overcommitted' 2>/dev/null || true)
	tap_check "L1 under what L2 reserves (0.2 > 0.1) shows overcommitted here ($_over)" test "$_over" = true
	sleep 3
	in2=$(depth_last "$DEPTH_IN")
	tap_check "L2's envelope did not change inside L2 ($in2)" \
		test -n "$(echo "$in2" | grep -E 'cpu.limit=0.400 .*cpu.reserve=0.200 .*mem.limit=536870912')"
	env_set "$l1" cpu.limit 0.9 cpu.reserve 0.3
	_over=$("$NC" -j envelope show "$l1" 2>/dev/null | jq -r --argjson id "$l1" '.dolls[] | select(.id == $id) | .overcommitted' 2>/dev/null || true)
	tap_check "L1 back at cpu.reserve 0.3 is no longer overcommitted ($_over)" test "$_over" = false
}

# depth_unset: back to unset, from the inside out. 2 points.
depth_unset() {
	env_set "$l2" cpu.limit max cpu.reserve 0 mem.limit max
	# This kernel learns the L2's new envelope from L1's next report.
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(env_field "$l2" cpu_reserve)" = 0 ] && break
		sleep 1
	done
	env_set "$l1" cpu.limit max cpu.reserve 0
}

# depth_end: the L1 doll ran throughout, both kernel logs clean. 3 points.
depth_end() {
	tap_check "the L1 doll ran throughout" kill -0 "$l1pid"
	_bad=$(grep -aoE -m1 "$KN_BAD_CONSOLE.*" "$l1dir/console.log" || true)
	tap_check "the L1 doll's kernel log is clean${_bad:+: $_bad}" test -z "$_bad"
	env_log_check
}
