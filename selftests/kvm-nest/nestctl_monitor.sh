#!/bin/sh
# nestctl monitor sees dolls come and go: two monitors, JSON and text, run
# while a nested guest (guest_spin -s 2 -l 2) starts and ends. Each prints
# one line per event at once (the lines are there before the monitor
# ends), the JSON ones parse, and they name the guest's pid and dolls.
# Then filtered, with -t: "monitor -t envelope" sees only the env event of
# an envelope set, "monitor -t d" only dolls coming and going, each stamped.
# Last, the agent's progress: a paused QEMU with a virtio balloon and its
# own QMP socket gets mem.limit 560M, under its 512 MiB and the VMM's
# 64 MiB, so the agent balloons it to 496 MiB; "monitor envelope" (text
# and JSON) shows progress events of its doll from 512 MiB toward
# 496 MiB, running then done, with the time elapsed. (Paused, the guest
# keeps its memory: the agent is done once the VMM fits under the limit.)
set -u
KN_TOP=${KN_TOP:?}
# shellcheck source=nestctl_lib.sh
. "$KN_TOP/selftests/kvm-nest/nestctl_lib.sh"
nc_require
NAME=knmon$$

tap_plan 21
"$NC" -j monitor >"$NC_WORK/json" 2>"$NC_WORK/json.err" &
mon_j=$!
"$NC" monitor >"$NC_WORK/text" 2>"$NC_WORK/text.err" &
mon_t=$!
NC_GUESTS="$NC_GUESTS $mon_j $mon_t"
nc_wait_joined $mon_j 60
nc_wait_joined $mon_t 60

"$SPIN" -s 2 -l 2 -- -name "$NAME" >"$NC_WORK/spin" 2>&1 &
pid=$!
rc=0
wait $pid || rc=$?
tap_check "guest_spin -s 2 -l 2 ran (exit $rc)" test $rc = 0
# Events leave the kernel from a work item: give them a moment.
gone() { grep -q "\"event\":\"doll-del\".*\"pid\":$pid," "$NC_WORK/json" && grep -q "^\[doll-del\] .* pid $pid" "$NC_WORK/text"; }
_end=$(($(date +%s) + 20))
until gone || [ "$(date +%s)" -ge $_end ]; do sleep 0.5; done
tap_check "both monitors still run" kill -0 $mon_j $mon_t

# Read before the monitors end: what is there was flushed per event.
cp "$NC_WORK/json" "$NC_WORK/events"
l1=$(jq -r "select(.event == \"doll-new\" and .pid == $pid and .level == 1) | .id" "$NC_WORK/events" | head -n 1)
tap_diag "events:" "$(cat "$NC_WORK/events")"
tap_check "every JSON line is one object" \
	test "$(wc -l <"$NC_WORK/events")" = "$(jq -c 'select(type == "object")' "$NC_WORK/events" | wc -l)"
jq_events() { jq -e -s "$1" "$NC_WORK/events" >/dev/null; }
tap_check "doll-new of the level-1 doll: pid $pid, name $NAME, path = id" jq_events \
	"any(.[]; .event == \"doll-new\" and .id == ${l1:-0} and .path == \"${l1:-0}\" and
	 .level == 1 and .parent == 0 and .pid == $pid and .name == \"$NAME\")"
tap_check "doll-new of its level-2 doll: parent ${l1:-?}, path under it" jq_events \
	"any(.[]; .event == \"doll-new\" and .level == 2 and .parent == ${l1:-0} and
	 .pid == $pid and (.path | startswith(\"${l1:-0}/\")))"
tap_check "doll-del of the level-1 doll, after its doll-new" jq_events \
	"(map(.event == \"doll-new\" and .id == ${l1:-0}) | index(true)) as \$n |
	 (map(.event == \"doll-del\" and .id == ${l1:-0} and .pid == $pid and
	      .path == \"${l1:-0}\") | index(true)) as \$d | \$n != null and \$d != null and \$n < \$d"
tap_check "text: [doll-new] line" grep -qx \
	"\[doll-new\] doll ${l1:-0} path ${l1:-0} level 1 parent 0 pid $pid name $NAME" "$NC_WORK/text"
tap_check "text: [doll-del] line" grep -qx \
	"\[doll-del\] doll ${l1:-0} path ${l1:-0} level 1 parent 0 pid $pid name $NAME" "$NC_WORK/text"
kill $mon_j $mon_t
rj=0 rt=0
wait $mon_j || rj=$?
wait $mon_t || rt=$?
tap_check "monitors end cleanly on SIGTERM (exit $rj, $rt)" test "$rj:$rt" = 0:0
tap_check "monitors wrote nothing on stderr" test "$(cat "$NC_WORK/json.err" "$NC_WORK/text.err")" = ""
tap_check "text and JSON saw as many events" \
	test "$(wc -l <"$NC_WORK/text")" = "$(wc -l <"$NC_WORK/json")"

"$NC" -j monitor -t envelope >"$NC_WORK/envj" 2>&1 &
mon_e=$!
"$NC" monitor -t d >"$NC_WORK/dollt" 2>&1 &
mon_d=$!
NC_GUESTS="$NC_GUESTS $mon_e $mon_d"
nc_wait_joined $mon_e 60
nc_wait_joined $mon_d 60
guest_start 1 "${NAME}f" 60
f1=$guest_l1
nc_expect 0 envelope set "$f1" cpu.weight 300
guest_stop "$guest_pid"
_end=$(($(date +%s) + 20))
until grep -q "^\[doll-del\] .* doll $f1 " "$NC_WORK/dollt" || [ "$(date +%s)" -ge $_end ]; do sleep 0.5; done
kill $mon_e $mon_d
re=0 rd=0
wait $mon_e || re=$?
wait $mon_d || rd=$?
tap_diag "monitor -t envelope:" "$(cat "$NC_WORK/envj")" "monitor -t d:" "$(cat "$NC_WORK/dollt")"
TIME='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{6}[+-][0-9]{4}'
jq_envj() { jq -e -s "$1" "$NC_WORK/envj" >/dev/null; }
tap_check "monitor -t envelope: only env events, the one set among them, each with its time" \
	jq_envj "length >= 1 and all(.[]; .event == \"env\" and (.time | test(\"^$TIME\$\"))) and
		 any(.[]; .id == $f1 and .envelope.cpu_weight == 300)"
tap_check "monitor -t d: [doll-new] and [doll-del] of doll $f1 with their time, no [env]" sh -c "
	grep -qE '^\[doll-new\] time $TIME doll $f1 ' '$NC_WORK/dollt' &&
	grep -qE '^\[doll-del\] time $TIME doll $f1 ' '$NC_WORK/dollt' &&
	! grep -q '^\[env\]' '$NC_WORK/dollt'"
tap_check "filtered monitors end cleanly on SIGTERM (exit $re, $rd)" test "$re:$rd" = 0:0

MIB=1048576
if ! command -v qemu-system-x86_64 >/dev/null; then
	for _ in 1 2 3 4 5; do tap_skip "progress of a balloon" "no qemu-system-x86_64 in this host"; done
	tap_exit
fi
"$NC" -j monitor envelope >"$NC_WORK/progj" 2>&1 &
mon_pj=$!
"$NC" monitor envelope >"$NC_WORK/progt" 2>&1 &
mon_pt=$!
NC_GUESTS="$NC_GUESTS $mon_pj $mon_pt"
nc_wait_joined $mon_pj 60
nc_wait_joined $mon_pt 60
qemu-system-x86_64 -enable-kvm -cpu host,-xsave -m 512 -smp 1 -S -nodefaults \
	-display none -name "${NAME}b" -device virtio-balloon-pci \
	-qmp "unix:$NC_WORK/qmp.sock,server=on,wait=off" </dev/null >"$NC_WORK/qemu" 2>&1 &
qpid=$!
NC_GUESTS="$NC_GUESTS $qpid"
qid=
for _ in $(seq 300); do
	qid=$(dbg_l1 $qpid)
	[ -n "$qid" ] && break
	kill -0 $qpid 2>/dev/null || break
	sleep 0.2
done
tap_check "a paused QEMU with a balloon is doll ${qid:-none} (pid $qpid)" test -n "$qid"
[ -n "$qid" ] || tap_diag "qemu:" "$(cat "$NC_WORK/qemu")"
nc_expect 0 envelope set "${qid:-0}" mem.limit 560M
# The final report goes out before the agent's answer: it is there now,
# but leaves the kernel from a work item.
_end=$(($(date +%s) + 10))
until grep -q '"state":"done"' "$NC_WORK/progj" || [ "$(date +%s)" -ge $_end ]; do sleep 0.2; done
kill $mon_pj $mon_pt
rp=0 rt=0
wait $mon_pj || rp=$?
wait $mon_pt || rt=$?
tap_diag "monitor -j envelope:" "$(cat "$NC_WORK/progj")" "monitor envelope:" "$(cat "$NC_WORK/progt")"
jq_prog() { jq -e -s "$1" "$NC_WORK/progj" >/dev/null; }
PROG=".event == \"progress\" and .id == ${qid:-0} and .pid == $qpid and .name == \"${NAME}b\" and
      .mem_start == $((512 * MIB)) and .mem_target == $((496 * MIB)) and (.elapsed_ms | type) == \"number\""
tap_check "progress running: doll $qid from 512 MiB toward 496 MiB, with its pid, name and elapsed time" \
	jq_prog "any(.[]; $PROG and .state == \"running\" and .mem_now == $((512 * MIB)))"
tap_check "then progress done, the last progress event, with the guest's size" \
	jq_prog "[.[] | select(.event == \"progress\" and .id == ${qid:-0})] as \$p |
		 (\$p | length) >= 2 and (\$p[-1] | $PROG and .state == \"done\" and (.mem_now | type) == \"number\") and
		 (\$p[0].state == \"running\")"
tap_check "text: [progress] lines, running then done, with the figures" sh -c "
	grep -qE '^\[progress\] doll $qid path $qid level 1 parent 0 pid $qpid name ${NAME}b state running from 512.0MiB guest 512.0MiB target 496.0MiB elapsed [0-9]+\.[0-9]s\$' '$NC_WORK/progt' &&
	grep -qE '^\[progress\] doll $qid .* state done from 512.0MiB guest [0-9.]+MiB target 496.0MiB elapsed [0-9]+\.[0-9]s\$' '$NC_WORK/progt'"
tap_check "progress monitors end cleanly on SIGTERM (exit $rp, $rt), text and JSON saw as many events" \
	test "$rp:$rt:$(wc -l <"$NC_WORK/progj")" = "0:0:$(wc -l <"$NC_WORK/progt")"
kill $qpid 2>/dev/null || true
tap_exit
