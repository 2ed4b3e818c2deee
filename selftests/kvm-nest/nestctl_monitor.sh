#!/bin/sh
# nestctl monitor sees dolls come and go: two monitors, JSON and text, run
# while a nested guest (guest_spin -s 2 -l 2) starts and ends. Each prints
# one line per event at once (the lines are there before the monitor
# ends), the JSON ones parse, and they name the guest's pid and dolls.
# Then filtered, with -t: "monitor -t envelope" sees only the env event of
# an envelope set, "monitor -t d" only dolls coming and going, each stamped.
set -u
KN_TOP=${KN_TOP:?}
# shellcheck source=nestctl_lib.sh
. "$KN_TOP/selftests/kvm-nest/nestctl_lib.sh"
nc_require
NAME=knmon$$

tap_plan 15
"$NC" -j monitor >"$NC_WORK/json" 2>"$NC_WORK/json.err" &
mon_j=$!
"$NC" monitor >"$NC_WORK/text" 2>"$NC_WORK/text.err" &
mon_t=$!
NC_GUESTS="$NC_GUESTS $mon_j $mon_t"
nc_wait_joined $mon_j 10
nc_wait_joined $mon_t 10

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
nc_wait_joined $mon_e 10
nc_wait_joined $mon_d 10
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
tap_exit
