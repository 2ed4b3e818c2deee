#!/bin/sh
# nestctl envelope diff: a doll tree file against running level-1 dolls
# (guest_spin VMs named web and db). A file that matches prints nothing and
# exits 0; one that differs prints each change (in an apply's order) and
# each doll that does not run, in text and JSON, exits 1, and changes
# nothing; a bad file, an unreadable one, and a path that names two
# running dolls exit 2 with an error that says where.
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"

env_require
tap_plan 15

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
cache not running'
nc envelope diff "$F"
tap_check "a file that differs: exit 1 (got $nc_rc: $(nc_err))" test "$nc_rc" = 1
tap_check "each change, then the doll that does not run: $(tr '\n' '|' <"$ENV_WORK/out")" \
	test "$(cat "$ENV_WORK/out")" = "$want"

nc -j envelope diff "$F"
tap_check "-j: exit 1 too" test "$nc_rc" = 1
j=$(jq -c --argjson web "$web" --argjson db "$db" '
	(.changes | length) == 2 and .changes[0] == {path: "web", doll: $web, field: "cpu.limit", from: 0.5, to: 0.25}
	and .changes[1] == {path: "db", doll: $db, field: "cpu.weight", from: 100, to: 200}
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
env_log_check
tap_exit
