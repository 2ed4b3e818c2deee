#!/bin/sh
# Envelopes below level 1: an L1 Linux doll (kvm-nest and its agent
# running in it) runs an L2 Linux doll "env-l2" (kvm-nest in it too). From
# here, L0:
#  - doll ping reaches the kernel that hosts env-l2 (L1) over the channel:
#    hops >= 1 (0 for the L1 doll, which this kernel hosts);
#  - an envelope set here on env-l2 travels down, L1 admits it and its agent
#    applies it to env-l2's VMM cgroup (printed from inside L1), env-l2 reads
#    it in /sys/kernel/kvm_nest/envelope (printed from inside L2), and
#    nestctl envelope show here shows it;
#  - admission at L2: a reservation beyond L1's own is refused with L1 and
#    the numbers named, a parent change that its child would no longer fit
#    is refused naming the child, and nothing changes.
# The inner dolls print on their result ports; doll-nest.sh relays L2's
# lines through L1's ("nest: ..."), which this test reads live.
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"

env_require
tap_plan 25
env_agent_check

cmd="$KN_TOP/selftests/harness/doll-nest.sh -m 2 --name env-l2 --mem 384M --module --quiet -- $BUSY -i -m 2"
env_doll env-l1 --module -- "$cmd"
l1=$doll_id l1pid=$doll_pid l1dir=$doll_dir
tap_diag "L1 doll $l1 (qemu pid $l1pid, $l1dir): $cmd"

# The L2 doll shows here once L1 runs it and reports it; it is usable once
# its own kvm-nest prints its envelope. A Linux doll inside a doll boots in
# 12-20 minutes on a loaded 2-core machine under TCG.
l2=
end=$(($(date +%s) + 1500))
while [ "$(date +%s)" -lt $end ] && kill -0 "$l1pid" 2>/dev/null; do
	[ -n "$l2" ] || l2=$("$NC" -j doll show 2>/dev/null |
		jq -r --argjson p "$l1" '.[] | select(.level == 2 and .parent == $p and .name == "env-l2") | .id' 2>/dev/null | head -n 1)
	[ -n "$l2" ] && grep -q '^nest: kn-env ' "$l1dir/result.log" && break
	sleep 2
done
tap_check "L2 doll env-l2 under L1 doll $l1 seen here (id ${l2:-none}), its kvm-nest up" \
	test -n "$l2" -a -n "$(grep '^nest: kn-env ' "$l1dir/result.log" | head -n 1)"
if [ -z "$l2" ]; then
	tap_diag "L1 output:" "$(tail -n 20 "$l1dir/result.log")" "L1 console:" "$(tail -n 20 "$l1dir/console.log")"
	tap_bail "no L2 doll: nothing more to test"
fi
tap_diag "L2 doll $l2; its first report: $(grep '^nest: kn-env ' "$l1dir/result.log" | head -n 1)"

# Pings: over the channel for L2, local for L1.
nc -j doll ping "$l2"
h2=$(jq -r '.hops' "$ENV_WORK/out" 2>/dev/null || echo -)
tap_check "doll ping $l2 (L2): hops $h2 >= 1, rtt $(jq -r '.rtt_ns' "$ENV_WORK/out" 2>/dev/null) ns (exit $nc_rc $(nc_err))" \
	test "$nc_rc" = 0 -a "$h2" != - -a "$h2" -ge 1
nc -j doll ping "$l1"
h1=$(jq -r '.hops' "$ENV_WORK/out" 2>/dev/null || echo -)
tap_check "doll ping $l1 (L1): hops $h1 = 0 (exit $nc_rc $(nc_err))" test "$nc_rc" = 0 -a "$h1" = 0

# L1's envelope, then env-l2's inside it, set from here.
env_set "$l1" cpu.limit 0.9 cpu.reserve 0.3
env_set "$l2" cpu.limit 0.4 cpu.reserve 0.2 mem.limit 512M
[ "$nc_rc" = 0 ] || tap_diag "L1's agent, as L1 last saw it:" "$(tr -d '\r' <"$l1dir/result.log" | grep -E '^kn-agent' | tail -n 6)"
# L1 reports its dolls once a second: give the change a few reports.
for _ in 1 2 3 4 5 6 7 8 9 10; do
	e=$(env_of "$l2")
	got=$(echo "$e" | jq -r '"\(.cpu_limit) \(.cpu_reserve) \(.mem_limit)"' 2>/dev/null || true)
	[ "$got" = "0.4 0.2 536870912" ] && break
	sleep 1
done
tap_diag "nestctl envelope show $l2: $e"
tap_check "nestctl here shows env-l2's cpu.limit 0.4, cpu.reserve 0.2, mem.limit 512M ($got)" \
	test "$got" = "0.4 0.2 536870912"

# last_line <regex>: the newest line of L1's output that matches.
last_line() { tr -d '\r' <"$l1dir/result.log" | grep -E -- "$1" | tail -n 1; }
# wait_line <regex> <seconds>: until a line printed after now matches.
wait_line() {
	_from=$(wc -l <"$l1dir/result.log")
	_end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt $_end ]; do
		_l=$(tail -n +$((_from + 1)) "$l1dir/result.log" | tr -d '\r' | grep -E -- "$1" | tail -n 1)
		[ -n "$_l" ] && { echo "$_l"; return 0; }
		sleep 1
	done
	return 1
}
cg=$(wait_line '^kn-cg .*cpu.max=40000_100000 .*memory.max=536870912' 30 || last_line '^kn-cg ')
tap_check "applied inside L1: env-l2's VMM cgroup there has cpu.max 40000 100000, memory.max 512M ($cg)" \
	test -n "$(echo "$cg" | grep -E 'cpu.max=40000_100000 .*memory.max=536870912')"
in2=$(wait_line '^nest: kn-env .*cpu.limit=0.400 .*cpu.reserve=0.200 .*mem.limit=536870912' 30 || last_line '^nest: kn-env ')
tap_check "visible inside L2: /sys/kernel/kvm_nest/envelope says cpu.limit 0.400, cpu.reserve 0.200, mem.limit 536870912 ($in2)" \
	test -n "$(echo "$in2" | grep -E 'cpu.limit=0.400 .*cpu.reserve=0.200 .*mem.limit=536870912')"
tap_check "inside L2, /sys/kernel/kvm_nest/depth is 2" test -n "$(echo "$in2" | grep 'depth=2 ')"
tap_diag "L2's usage as measured from below: $("$NC" envelope show "$l2" 2>&1 | tail -n 1)"

# Admission at L2, checked by L1's kernel.
before=$(env_all)
env_refused "env-l2 cpu.reserve 0.35, beyond L1's own 0.3" "L1;0\.350;0\.300" set "$l2" cpu.reserve 0.35
tap_check "nothing changed here" test "$(env_all)" = "$before"
env_refused "dry run of the same" "L1;0\.350" set "$l2" cpu.reserve 0.35 dry-run
nc -j envelope set "$l2" cpu.reserve 0.3 dry-run
tap_check "dry run of env-l2 cpu.reserve 0.3 fits (exit $nc_rc $(nc_err))" \
	test "$nc_rc" = 0 -a "$(jq -r '.fits' "$ENV_WORK/out" 2>/dev/null)" = true
env_refused "L1 cpu.reserve 0.1, under what env-l2 reserves" "0\.200" set "$l1" cpu.reserve 0.1
env_refused "L1 cpu.limit 0.3, under env-l2's cpu.limit" "env-l2|$l2;0\.400" set "$l1" cpu.limit 0.3
tap_check "nothing changed here after the refusals" test "$(env_all)" = "$before"
sleep 3
in2=$(last_line '^nest: kn-env ')
tap_check "nothing changed inside L2 ($in2)" \
	test -n "$(echo "$in2" | grep -E 'cpu.limit=0.400 .*cpu.reserve=0.200 ')"

# Back to unset, from the inside out.
env_set "$l2" cpu.limit max cpu.reserve 0 mem.limit max
# This kernel learns env-l2's new envelope from L1's next report.
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(env_field "$l2" cpu_reserve)" = 0 ] && break
	sleep 1
done
env_set "$l1" cpu.limit max cpu.reserve 0
in2=$(wait_line '^nest: kn-env .*cpu.limit=max .*cpu.reserve=0.000 .*mem.limit=max' 30 || last_line '^nest: kn-env ')
tap_check "inside L2 the envelope is unset again ($in2)" \
	test -n "$(echo "$in2" | grep -E 'cpu.limit=max .*cpu.reserve=0.000 .*mem.limit=max')"
tap_check "the L1 doll ran throughout" kill -0 "$l1pid"
bad=$(grep -aoE -m1 "$KN_BAD_CONSOLE.*" "$l1dir/console.log" || true)
tap_check "the L1 doll's kernel log is clean${bad:+: $bad}" test -z "$bad"
env_log_check
tap_exit
