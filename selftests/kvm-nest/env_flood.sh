#!/bin/sh
# An apply request is never lost to a guest's flood of events (security.rst,
# "Control plane: no stalls, no lost messages").
# A hammer VM (ch_flood -H) reports 256 dolls that replace each other as
# fast as its rate limit lets it, so that kvm-nest sends the agent tens of
# thousands of doll events a second; meanwhile 10 envelope changes on a
# guest_spin doll must each be applied (the agent answers every one,
# none waits out the kernel's 60 s), and the agent must log no lost apply.
# Applies reach the agent on a socket of their own, which events cannot
# fill.
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"
FLOOD=$KN_BUILD/selftests/ch_flood
CHANGES=10
# s: a change the agent gets takes well under a second here; one it does
# not get waits the kernel's 60 s.
SLOW_S=20

env_require
[ -x "$FLOOD" ] || tap_bail "$FLOOD not built (make -C selftests)"
tap_plan $((CHANGES + 6))
env_agent_check

env_spin flood-spin 300
tap_diag "doll $spin_id (pid $spin_pid)"
alog=$(wc -l <"$KN_AGENT_LOG")

"$FLOOD" -H 90 >"$ENV_WORK/flood" 2>&1 &
fpid=$!
ENV_KILL="$ENV_KILL $fpid"
sleep 3

slow=0
i=0
while [ $i -lt $CHANGES ]; do
	i=$((i + 1))
	a=$(date +%s)
	env_set "$spin_id" cpu.weight $((100 + i * 10))
	b=$(date +%s)
	[ $((b - a)) -lt $SLOW_S ] || slow=$((slow + 1))
done
tap_check "no change took $SLOW_S s or more ($slow did)" test "$slow" = 0

# Read once the flood is over: dumps that dolls keep interrupting fail.
wait "$fpid" || true
w=$(env_field "$spin_id" cpu_weight)
tap_check "the last weight holds: $w" test "$w" = $((100 + CHANGES * 10))
flood=$(cat "$ENV_WORK/flood")
tap_diag "hammer: $flood"
reports=$(echo "$flood" | sed -n 's/.* reports=\([0-9]*\) .*/\1/p')
tap_check "the hammer's reports were taken (${reports:-0}): events flowed" \
	test "${reports:-0}" -gt 100
tail -n +"$((alog + 1))" "$KN_AGENT_LOG" >"$ENV_WORK/alog"
tap_diag "agent log during the test:" "$(head -c 1500 "$ENV_WORK/alog")"
tap_check "the agent lost no apply (no timeout, no answer refused)" \
	sh -c "! grep -qE 'gave up waiting|reading applies|did not take the answer' '$ENV_WORK/alog'"
tap_exit
