# shellcheck shell=sh disable=SC2154 # l1, l2, l1dir, nc_rc: env_depth's and env_lib.sh's
# nestctl envelope apply, three kernels deep: this one (L0), the L1 doll's
# and the L2 VM's, which reads what it gets over the channel. Sourced by
# env_depth.sh after env_depth_lib.sh, once its dolls env-l1 and env-l2
# run with no envelopes; not a test itself. apply_all makes 15 points.

APPLY_FILE=$ENV_WORK/tree.json

# apply_tree L1-ENVELOPE L2-ENVELOPE: a file for env-l1 with env-l2 in it.
apply_tree() {
	cat >"$APPLY_FILE" <<EOT
{ "dolls": [ { "name": "env-l1", "envelope": { $1 },
               "dolls": [ { "name": "env-l2", "envelope": { $2 } } ] } ] }
EOT
}

# apply_steps: the last apply's output, a step as "PATH FIELD OUTCOME"
# (its values left out), lines joined by "|".
apply_steps() {
	awk '$4 == "->" { o = $6; for (i = 7; i <= NF; i++) o = o " " $i; $0 = $1 " " $2 " " o }
		{ printf "%s%s", (NR > 1 ? "|" : ""), $0 }' "$ENV_WORK/out"
}

# apply_seen DOLL JQ-TEST: until this kernel's copy of DOLL's envelope
# passes (an L2's comes with L1's next report, about once a second).
apply_seen() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(env_of "$1" | jq "$2" 2>/dev/null)" = true ] && return 0
		sleep 1
	done
	return 1
}

apply_all() {
	# From nothing: decreases deepest first (L2's limits, then L1's),
	# then increases shallowest first (L1's reserve before L2's).
	apply_tree '"cpu.limit": "0.9", "cpu.reserve": "0.3"' \
		'"cpu.limit": "0.4", "cpu.reserve": "0.2", "mem.limit": "512M"'
	nc envelope apply "$APPLY_FILE"
	_want='env-l1/env-l2 cpu.limit applied|env-l1/env-l2 mem.limit applied|env-l1 cpu.limit applied|env-l1 cpu.reserve applied|env-l1/env-l2 cpu.reserve applied|applied'
	tap_check "apply: five steps in the safe order, each applied (exit $nc_rc: $(apply_steps) $(nc_err))" \
		test "$nc_rc" = 0 -a "$(apply_steps)" = "$_want"
	tap_check "L1's envelope here: cpu.limit 0.9, cpu.reserve 0.3" \
		apply_seen "$l1" '.cpu_limit == 0.9 and .cpu_reserve == 0.3'
	tap_check "L2's envelope here, from L1's report: 0.4, 0.2, 512M" \
		apply_seen "$l2" '.cpu_limit == 0.4 and .cpu_reserve == 0.2 and .mem_limit == 536870912'
	depth_inside 'cpu.limit=0.400 cpu.reserve=0.200 .*mem.limit=536870912 ' "FETCH answers the file's 0.400, 0.200, 536870912"
	depth_applied

	# Again: nothing to send, and no envelope event here.
	_before=$(env_all)
	"$NC" -j monitor envelope >"$ENV_WORK/mon" 2>&1 &
	_mon=$!
	sleep 1
	nc envelope apply "$APPLY_FILE"
	sleep 2
	kill "$_mon" 2>/dev/null || true
	wait "$_mon" 2>/dev/null || true
	tap_check "the same file again: nothing to change (exit $nc_rc: $(cat "$ENV_WORK/out") $(nc_err))" \
		test "$nc_rc" = 0 -a "$(cat "$ENV_WORK/out")" = "nothing to change"
	tap_check "and nothing sent: no envelope event here ($(head -c 300 "$ENV_WORK/mon"))" \
		test ! -s "$ENV_WORK/mon" -a "$(env_all)" = "$_before"

	# One field changed: only it is sent.
	apply_tree '"cpu.limit": "0.9", "cpu.reserve": "0.3"' \
		'"cpu.limit": "0.4", "cpu.reserve": "0.2", "mem.limit": "256M"'
	nc envelope apply "$APPLY_FILE"
	tap_check "one field changed: one step, L2's mem.limit ($(apply_steps))" \
		test "$nc_rc" = 0 -a "$(apply_steps)" = 'env-l1/env-l2 mem.limit applied|applied'
	depth_inside 'cpu.limit=0.400 cpu.reserve=0.200 .*mem.limit=268435456 ' "FETCH answers mem.limit 268435456, the rest as before"
	apply_seen "$l2" '.mem_limit == 268435456' || tap_diag "L2's mem.limit not seen here: $(env_of "$l2")"

	# The deepest part does not fit: L1's lowering is taken, L2's reserve
	# above L1's is refused by L1's kernel, and L1 is set back.
	_before=$(env_all)
	apply_tree '"cpu.limit": "0.8", "cpu.reserve": "0.3"' \
		'"cpu.limit": "0.4", "cpu.reserve": "0.35", "mem.limit": "256M"'
	nc envelope apply "$APPLY_FILE"
	tap_check "a file whose L2 part does not fit: exit 1, L1 lowered, L2 refused, L1 set back ($(apply_steps))" \
		test "$nc_rc" = 1 -a "$(apply_steps)" = 'env-l1 cpu.limit applied|env-l1/env-l2 cpu.reserve refused|env-l1 cpu.limit set back|refused: nothing changed'
	tap_check "the refusal names L1 and the numbers ($(nc_err))" \
		sh -c "grep -qE 'L1' '$ENV_WORK/err' && grep -q '0\.350' '$ENV_WORK/err' && grep -q '0\.300' '$ENV_WORK/err'"
	tap_check "nothing changed here" test "$(env_all)" = "$_before"
	sleep 3
	in2=$(depth_last "$DEPTH_IN")
	tap_check "nor inside L2 ($in2)" \
		test -n "$(echo "$in2" | grep -E 'cpu.limit=0.400 cpu.reserve=0.200 .*mem.limit=268435456 ')"

	# Back to no envelopes, from a file: max and 0 unset.
	apply_tree '"cpu.limit": "max", "cpu.reserve": "0"' \
		'"cpu.limit": "max", "cpu.reserve": 0, "mem.limit": "max"'
	nc envelope apply "$APPLY_FILE"
	tap_check "a file of max and 0: applied ($(apply_steps) $(nc_err))" test "$nc_rc" = 0
	depth_inside 'sent=none cpu.limit=max cpu.reserve=0.000 .*mem.limit=max ' "FETCH answers no envelope fields after it"
}
