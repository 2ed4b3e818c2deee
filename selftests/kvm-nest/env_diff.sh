#!/bin/sh
# nestctl envelope diff and apply: a doll tree file against running level-1
# dolls (guest_spin VMs named web and db) and a level-1 VM that does not
# run (cache). A file that matches prints nothing and exits 0; one that
# differs prints each change (in an apply's order; cache's against its
# pending envelope, none yet) and each doll that does not run, in text and
# JSON, exits 1, and changes nothing; a bad file, an unreadable one, and a
# path that names two running dolls exit 2 with an error that says where.
# apply gives cache a pending envelope (envelope show lists it), a second
# apply changes nothing, and a refused apply sets a pending envelope back
# and drops the one it made.
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"

env_require
tap_plan 22

env_spin web 600
web=$spin_id
env_spin db 600
db=$spin_id
tap_diag "dolls: web $web, db $db"
env_set "$web" cpu.limit 0.5
before=$(env_all)

F=$ENV_WORK/tree.json
cat >"$F" <<'EOF'
{ "dolls": [ { "name": "web", "envelope": { "cpu.limit": 0.5 } },
             { "name": "db" } ] }
EOF
nc envelope diff "$F"
tap_check "a file that matches: exit 0 (got $nc_rc: $(nc_err))" test "$nc_rc" = 0
tap_check "and nothing printed ($(cat "$ENV_WORK/out"))" test ! -s "$ENV_WORK/out"

cat >"$F" <<'EOF'
{ "dolls": [
  { "name": "web", "envelope": { "cpu.limit": "0.25", "mem.limit": "max" } },
  { "name": "db", "envelope": { "cpu.weight": 200 } },
  { "name": "cache", "envelope": { "cpu.limit": "1" } } ] }
EOF
want='web cpu.limit 0.500 -> 0.250
db cpu.weight 100 -> 200
cache cpu.limit max -> 1.000
cache not running'
nc envelope diff "$F"
tap_check "a file that differs: exit 1 (got $nc_rc: $(nc_err))" test "$nc_rc" = 1
tap_check "each change, then the doll that does not run: $(tr '\n' '|' <"$ENV_WORK/out")" \
	test "$(cat "$ENV_WORK/out")" = "$want"

nc -j envelope diff "$F"
tap_check "-j: exit 1 too" test "$nc_rc" = 1
j=$(jq -c --argjson web "$web" --argjson db "$db" '
	(.changes | length) == 3 and .changes[0] == {path: "web", doll: $web, field: "cpu.limit", from: 0.5, to: 0.25}
	and .changes[1] == {path: "db", doll: $db, field: "cpu.weight", from: 100, to: 200}
	and .changes[2] == {path: "cache", pending: true, field: "cpu.limit", from: null, to: 1}
	and .missing == [{path: "cache"}]' "$ENV_WORK/out" 2>&1 || true)
tap_check "-j: the same changes and the missing doll, with ids and numbers ($(cat "$ENV_WORK/out"))" \
	test "$j" = true

tap_check "diff changed nothing" test "$(env_all)" = "$before"

printf '{"dolls": [{"name": "web", "envelope": {"cpu.limit": "lots"}}]}\n' >"$F"
nc envelope diff "$F"
tap_check "a bad value: exit 2 (got $nc_rc)" test "$nc_rc" = 2
tap_check "the error names the file and the doll: $(nc_err)" \
	grep -q "Error: $F: web: cpu.limit wants a number of CPUs" "$ENV_WORK/err"

nc envelope diff "$ENV_WORK/none.json"
tap_check "a file that is not there: exit 2, said ($(nc_err))" \
	sh -c "test $nc_rc = 2 && grep -q 'cannot read $ENV_WORK/none.json' '$ENV_WORK/err'"

printf '{"dolls": [{"name": "db"}]}\n' | "$NC" envelope diff - >"$ENV_WORK/out" 2>"$ENV_WORK/err" &&
	rc=0 || rc=$?
tap_check "- reads stdin: db, with nothing managed, is no difference (exit $rc: $(nc_err))" test "$rc" = 0

# A second running doll named web: the path names two.
env_spin web 600
web2=$spin_id
printf '{"dolls": [{"name": "web"}]}\n' >"$F"
nc envelope diff "$F"
tap_check "two running dolls named web: exit 2 (got $nc_rc)" test "$nc_rc" = 2
tap_check "the error names both: $(nc_err)" \
	grep -qE "web names two running dolls, ($web and $web2|$web2 and $web)" "$ENV_WORK/err"
# apply: cache, not running, gets a pending envelope.
cat >"$F" <<'EOF'
{ "dolls": [ { "name": "db", "envelope": { "cpu.weight": 300 } },
             { "name": "cache", "envelope": { "cpu.limit": "1" } } ] }
EOF
nc envelope apply "$F"
tap_check "apply: db's weight and cache's pending envelope ($(tr '\n' '|' <"$ENV_WORK/out") $(nc_err))" \
	test "$nc_rc" = 0 -a "$(cat "$ENV_WORK/out")" = "db cpu.weight 100 -> 300 applied
cache cpu.limit max -> 1.000 applied
applied"
pend=$("$NC" -j envelope show 2>/dev/null | jq -c '.pending' 2>/dev/null || true)
tap_check "envelope show lists cache's pending envelope, cpu.limit 1 ($pend)" \
	test "$(echo "$pend" | jq '[.[] | select(.name == "cache" and .envelope.cpu_limit == 1)] | length' 2>/dev/null)" = 1
"$NC" envelope show >"$ENV_WORK/show" 2>&1 || true
tap_check "in text too: $(grep '^pending' "$ENV_WORK/show" | head -n 1)" \
	grep -q '^pending cache .*cpu.limit 1.000' "$ENV_WORK/show"
nc envelope apply "$F"
tap_check "the same file again: nothing to change ($(cat "$ENV_WORK/out"))" \
	test "$nc_rc" = 0 -a "$(cat "$ENV_WORK/out")" = "nothing to change"
nc envelope diff "$F"
tap_check "diff: none, cache not running with its envelope pending (exit $nc_rc: $(cat "$ENV_WORK/out"))" \
	test "$nc_rc" = 0 -a "$(cat "$ENV_WORK/out")" = "cache not running, envelope pending"

# Refused at the last step: cache2's new pending envelope is set back and
# dropped, cache's stays as it was.
before=$(env_all)
cat >"$F" <<'EOF'
{ "dolls": [ { "name": "cache", "envelope": { "cpu.limit": "1", "mem.reserve": "1T" } },
             { "name": "cache2", "envelope": { "cpu.limit": "0.5" } } ] }
EOF
nc envelope apply "$F"
tap_check "a pending part that does not fit: refused, set back, the new one dropped ($(tr '\n' '|' <"$ENV_WORK/out") $(nc_err))" \
	test "$nc_rc" = 1 -a "$(cat "$ENV_WORK/out")" = "cache2 cpu.limit max -> 0.500 applied
cache mem.reserve 0 -> 1T refused
cache2 cpu.limit 0.500 -> max set back
cache2 pending envelope dropped
refused: nothing changed"
pend2=$("$NC" -j envelope show 2>/dev/null | jq -c '.pending' 2>/dev/null || true)
tap_check "pending envelopes as before: cache's alone ($pend2)" \
	test "$pend2" = "$pend" -a "$(env_all)" = "$before"
nc envelope del name cache
env_log_check
tap_exit
