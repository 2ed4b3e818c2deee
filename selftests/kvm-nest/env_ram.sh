#!/bin/sh
# mem.limit, live, through the balloon: a 512 MiB L1 Linux doll with a
# virtio balloon, which touched 300 MiB and freed it (so its VMM holds
# them), is lowered to 256 MiB. The guest sees less memory (its MemTotal,
# printed every second on its result port, and QMP query-balloon), the
# VMM's memory.current and resident memory stay under the limit plus the
# agent's documented VMM overhead (64 MiB, nestctl.8), nothing is
# OOM-killed; raising the limit gives the memory back. A 512 MiB doll
# without a balloon: the same request is refused, saying what to add, and
# nothing changes. Prints the resize figures as TAP comments.
# "nestctl -j monitor envelope" watches both changes: the agent's progress
# events show the guest going from 512 MiB toward the balloon target
# (256 MiB less the VMM's overhead), done once the VMM fits, with the
# guest below 512 MiB by then; and back up toward 512 MiB.
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"

MIB=1048576
LIM=$((256 * MIB))
OVER=$((${KN_ENV_VMM_OVERHEAD_MIB:-64} * MIB))
env_require
tap_plan 26
env_agent_check

# Its envelope first, so that the agent moves the VMM into the doll's
# cgroup before the guest touches its memory.
env_doll env-ram --mem 512M --balloon --timeout 900 -- "$BUSY -i -t 300 -m 1"
ram=$doll_id rpid=$doll_pid rdir=$doll_dir
tap_diag "doll with balloon: $ram (qemu pid $rpid, $rdir)"
env_set "$ram" mem.limit 1G
cg=$(env_cg "$rpid")
tap_diag "its cgroup: $cg"

rss() { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"; }
actual() { $QMP "$rdir/qmp.sock" query-balloon 2>/dev/null | jq -r '.actual' 2>/dev/null || echo 0; }
# The guest's MemTotal in bytes, from its latest kn-mem line.
memtotal() { tr -d '\r' <"$rdir/result.log" | sed -n 's/^kn-mem .* total_kb=\([0-9]*\) .*/\1/p' | tail -n 1 | awk '{ print $1 * 1024 }'; }
# wait_total <awk condition on t> <seconds>: until the guest's MemTotal t holds.
wait_total() {
	_end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt $_end ]; do
		awk -v t="$(memtotal)" "BEGIN { exit !($1) }" && return 0
		sleep 1
	done
	return 1
}
mib() { awk -v b="$1" 'BEGIN { printf "%.1fMiB", b / 1048576 }'; }

l=$(env_doll_wait "$rdir" '^kn-mem ' 600) || true
tap_check "the doll booted and touched 300 MiB (${l:-no kn-mem line in 600 s})" test -n "$l"
[ -n "$l" ] || tap_diag "doll console:" "$(tail -n 30 "$rdir/console.log")"
tot0=$(memtotal) cur0=$(cat "$cg/memory.current") rss0=$(rss "$rpid") bal0=$(actual)
tap_diag "before: guest MemTotal $(mib "$tot0"), balloon actual $(mib "$bal0"), VMM memory.current $(mib "$cur0"), VmRSS $(mib "$rss0")"
tap_check "the VMM holds more than 256 MiB before the change ($(mib "$cur0")), so the limit must take memory back" \
	test "$cur0" -gt "$LIM"

"$NC" -j monitor envelope >"$ENV_WORK/mon.json" 2>&1 &
mon=$!
"$NC" monitor envelope >"$ENV_WORK/mon.txt" 2>&1 &
mont=$!
ENV_KILL="$ENV_KILL $mon $mont"
for _m in $mon $mont; do
	for _ in $(seq 50); do
		awk -v pid="$_m" '$2 == 16 && $3 == pid && $4 != "00000000" { f = 1 } END { exit !f }' /proc/net/netlink && break
		sleep 0.2
	done
done

# Lower: the agent balloons the guest down, waits, then sets memory.max.
t0=$(env_up)
env_set "$ram" mem.limit 256M
t1=$(env_up)
bal1=$(actual)
wait_total "t > 0 && t <= $LIM" 30 || true
tot1=$(memtotal)
peak=0 rpeak=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
	c=$(cat "$cg/memory.current") r=$(rss "$rpid")
	[ "$c" -le "$peak" ] || peak=$c
	[ "$r" -le "$rpeak" ] || rpeak=$r
	sleep 0.5
done
tap_diag "lowered to 256 MiB in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s: guest MemTotal $(mib "$tot1"), balloon actual $(mib "$bal1"), VMM memory.current peak $(mib "$peak"), VmRSS peak $(mib "$rpeak") over 5 s"
tap_check "memory.max is 268435456 ($(cat "$cg/memory.max"))" test "$(cat "$cg/memory.max")" = $LIM
# The agent stops waiting once the VMM fits; the balloon goes on to its
# target, the limit less the VMM's overhead.
for _ in $(seq 30); do
	[ "$(actual)" -gt $((LIM - OVER)) ] || break
	sleep 1
done
bal9=$(actual)
tap_check "the balloon takes the guest to $(mib "$bal9") <= 256 MiB - 64 MiB (at the agent's answer: $(mib "$bal1"))" \
	test "$bal9" -gt 0 -a "$bal9" -le $((LIM - OVER))
tap_check "the guest sees MemTotal $(mib "$tot1") <= 256 MiB (was $(mib "$tot0"))" test "$tot1" -gt 0 -a "$tot1" -le $LIM
tap_check "VMM memory.current peak $(mib "$peak") <= limit + overhead $(mib $((LIM + OVER)))" test "$peak" -le $((LIM + OVER))
tap_check "VMM resident memory peak $(mib "$rpeak") <= limit + overhead $(mib $((LIM + OVER)))" test "$rpeak" -le $((LIM + OVER))
tap_check "nestctl shows mem_limit 268435456 ($(env_field "$ram" mem_limit))" test "$(env_field "$ram" mem_limit)" = $LIM

# Raise: memory.max first, then the balloon back up.
t0=$(env_up)
env_set "$ram" mem.limit max
t1=$(env_up)
wait_total "t >= $tot0 - 4 * 1048576" 30 || true
tot2=$(memtotal) bal2=$(actual)
tap_diag "raised to max in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s: guest MemTotal $(mib "$tot2"), balloon actual $(mib "$bal2")"
tap_check "memory.max is max again ($(cat "$cg/memory.max"))" test "$(cat "$cg/memory.max")" = max
tap_check "the balloon gave the guest its 512 MiB back ($(mib "$bal2"))" test "$bal2" = $((512 * MIB))
tap_check "the guest sees MemTotal $(mib "$tot2") again (was $(mib "$tot0"))" test "$tot2" -ge $((tot0 - 4 * MIB))
tap_check "the doll lives (qemu $rpid)" kill -0 "$rpid"

sleep 1
kill $mon $mont
wait $mon || true
wait $mont || true
tap_diag "monitor envelope:" "$(cat "$ENV_WORK/mon.txt")"
# The progress events of each change: [running..., done].
prog() {
	jq -c -s "[.[] | select(.event == \"progress\" and .id == $ram and .mem_target == $2)]" \
		"$ENV_WORK/mon.json" 2>/dev/null | jq -e "$1" >/dev/null
}
tap_check "monitor: progress of the lowering, from 512 MiB toward $(mib $((LIM - OVER))): running, then done with the guest below 512 MiB" \
	prog "length >= 2 and .[0].state == \"running\" and .[0].mem_start == $((512 * MIB)) and
	      .[-1].state == \"done\" and .[-1].mem_now < $((512 * MIB)) and
	      all(.[]; .pid == $rpid and .mem_start == $((512 * MIB)) and .elapsed_ms >= 0)" $((LIM - OVER))
tap_check "monitor: progress of the raise toward 512 MiB: running from the lowered size, then done" \
	prog ".[0].state == \"running\" and .[0].mem_start < $((512 * MIB)) and .[-1].state == \"done\"" $((512 * MIB))
tap_check "monitor text: [progress] done line of the lowering, with its figures" \
	grep -qE "^\[progress\] doll $ram path $ram level 1 parent 0 pid $rpid .* state done from 512\.0MiB guest [0-9.]+MiB target $(mib $((LIM - OVER))) elapsed [0-9]+\.[0-9]s\$" "$ENV_WORK/mon.txt"
oom=$(grep -aE 'Out of memory|oom-kill|invoked oom-killer' "$rdir/console.log" || true)
[ -z "$oom" ] || tap_diag "$oom"
tap_check "nothing OOM-killed in the doll" test -z "$oom"

# Without a balloon: refused, and nothing changes. The doll need not boot:
# its VMM has the 512 MiB and the QMP socket from the start.
env_doll env-ram-nb --mem 512M --timeout 900 -- "$BUSY -i"
nb=$doll_id nbpid=$doll_pid
tap_diag "doll without balloon: $nb (qemu pid $nbpid)"
before=$(env_all) bcg=$(cat /proc/"$nbpid"/cgroup)
env_refused "mem.limit 256M on a doll without balloon" "balloon" set "$nb" mem.limit 256M
tap_check "nothing changed: envelopes as before" test "$(env_all)" = "$before"
tap_check "nothing changed: its VMM stays in its cgroup ($(cat /proc/"$nbpid"/cgroup))" test "$(cat /proc/"$nbpid"/cgroup)" = "$bcg"
kill "$nbpid" 2>/dev/null || true

hostoom=$(kn_log_since "$ENV_MARK" | grep -E 'oom-kill|Out of memory|Memory cgroup out of memory' || true)
[ -z "$hostoom" ] || tap_diag "$hostoom"
tap_check "nothing OOM-killed in this host" test -z "$hostoom"
env_log_check
tap_exit
