#!/bin/sh
# nestctl's commands in text and JSON against a running nested guest
# (guest_spin -l 2 under the VMM name kncli<pid>): JSON parses (jq), the
# values match kvm-nest's debugfs view taken around each call, doll
# identifiers resolve in all their forms, and the exit codes are 0 ok,
# 1 error, 2 bad usage. doll set switches delegated exits off and on, and
# doll show shows it.
set -u
KN_TOP=${KN_TOP:?}
# shellcheck source=nestctl_lib.sh
. "$KN_TOP/selftests/kvm-nest/nestctl_lib.sh"
nc_require
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$KN_TOP/dkms.conf")
NAME=kncli$$

tap_plan 97

# --- Without a guest: version, help and usage errors.
nc -V
tap_check "nestctl -V prints 'nestctl $VERSION'" test "$nc_rc:$(cat "$NC_WORK/out")" = "0:nestctl $VERSION"
for args in "" "bogus" "doll bogus" "doll s" "e s" "-x doll" "--js doll" \
	"-i abc doll tree" "-i 4000 doll tree" "-i" "doll show 1 2" "doll tree 1" \
	"stats reset 1 2" "monitor now" "version now" "doll show 3//7" "doll show /3" \
	"doll set" "doll set 1" "doll set 1 bogus cpuid off" "doll set 1 delegate" \
	"doll set 1 delegate off" "doll set 1 delegate cpuid" "doll set 1 delegate cpuid maybe" \
	"doll set 1 delegate cpu off" "doll set 1 delegate cpuid,pause off"; do
	# shellcheck disable=SC2086 # word splitting wanted
	nc_expect 2 $args
done
# What was wrong, and what to do: says <message> <args...>.
says() {
	_msg=$1
	shift
	nc "$@"
	tap_check "nestctl $*: says what was wrong" grep -qF "Error: $_msg" "$NC_WORK/err"
}
says "unknown class 'cpu': use cpuid, rdmsr, pause or all" doll set 1 delegate cpu off
says "delegate ends with on or off, not 'maybe', e.g. nestctl doll set 3 delegate cpuid off" \
	doll set 1 delegate cpuid maybe
says "delegate needs a class before off: cpuid, rdmsr, pause or all" doll set 1 delegate off
says "cannot set 'bogus': only delegate, e.g. nestctl doll set 3 delegate cpuid off" \
	doll set 1 bogus cpuid off
says '"s" may be show, set; type more of it' doll s
for obj in "" doll stats monitor version; do
	# shellcheck disable=SC2086
	nc $obj help
	tap_check "nestctl $obj help: usage on stdout, exit 0" \
		grep -q "^Usage: nestctl $obj" "$NC_WORK/out"
done

nc version
uname_r=$(uname -r)
tap_check "version (text): nestctl and module lines" test \
	"$nc_rc|$(sed -n 1,2p "$NC_WORK/out" | tr '\n' '|')" = \
	"0|nestctl $VERSION|kvm-nest $VERSION vendor $KN_VENDOR kernel $uname_r|"
tap_check "version (text): one line per hook of debugfs" test \
	"$(grep -c '^  hook ' "$NC_WORK/out")" = "$(grep -c '^hook ' "$HOOKS")"
nc -j version
hooks=$(sed 's/.* name=\([^ ]*\).*/\1/' "$HOOKS" | sort | tr '\n' ' ')
jq_check "version (JSON): versions, vendor, kernel, hook names" \
	".nestctl == \"$VERSION\" and .module.version == \"$VERSION\" and
	 .module.vendor == \"$KN_VENDOR\" and .module.kernel == \"$uname_r\" and
	 ([.module.hook[].name] | sort | join(\" \")) + \" \" == \"$hooks\""
nc_expect 1 doll show 4000000000
tap_check "unknown doll: the error names it" grep -q '^Error: no doll "4000000000"' "$NC_WORK/err"
nc_expect 1 doll set 4000000000 delegate cpuid off
tap_check "doll set, unknown doll: the error names it" grep -q '^Error: no doll "4000000000"' "$NC_WORK/err"

# --- A nested guest: dolls L1 and L2 under it.
guest_start 2 "$NAME" 300
pid=$guest_pid l1=$guest_l1 l2=$guest_l2
tap_diag "guest_spin pid $pid: level-1 doll $l1, level-2 doll $l2"

before_exits=$(dbg "$l2" exits) before_cpuid=$(dbg_exit "$l2" 0x72)
nc -j doll show
after_exits=$(dbg "$l2" exits) after_cpuid=$(dbg_exit "$l2" 0x72)
jq_check "doll show (JSON): level-1 doll as in debugfs" \
	".[] | select(.id == $l1) | .path == \"$l1\" and .level == 1 and .parent == 0 and
	 .pid == $pid and .name == \"$NAME\" and .vcpus == $(dbg "$l1" vcpus) and
	 .mem == $(dbg "$l1" mem) and (has(\"ctx\") | not)"
jq_check "doll show (JSON): level-2 doll as in debugfs" \
	".[] | select(.id == $l2) | .path == \"$l1/$l2\" and .level == 2 and
	 .parent == $l1 and .pid == $pid and .ctx == \"$(dbg "$l2" ctx)\" and
	 (has(\"vcpus\") | not) and (has(\"name\") | not)"
n=$(jqout ".[] | select(.id == $l2) | .exits")
tap_check "doll show (JSON): level-2 exits $n between debugfs' $before_exits and $after_exits" \
	between "$before_exits" "$n" "$after_exits"
n=$(jqout ".[] | select(.id == $l2) | .exit[] | select(.code == 114 and .reason == \"cpuid\") | .count")
tap_check "doll show (JSON): level-2 cpuid exits $n between $before_cpuid and $after_cpuid" \
	between "$before_cpuid" "${n:-0}" "$after_cpuid"
jq_check "doll show (JSON): ids unique, each doll after its parent" \
	'[.[].id] as $ids | ($ids | unique | length) == ($ids | length) and
	 all(.[]; .parent == 0 or (.parent as $p | $ids | index($p)) != null)'
# The same JSON, pretty: on many lines (counters left out: they move).
same_pretty() {
	_f='[.[] | del(.guest_ns, .exits, .reflected, .exit)]'
	nc -j -p doll show
	[ "$(wc -l <"$NC_WORK/out")" -gt 10 ] &&
		[ "$(jq -cS "$_f" "$NC_WORK/out")" = "$("$NC" -j doll show | jq -cS "$_f")" ]
}
tap_check "-j -p (pretty) is the same JSON on several lines" same_pretty
# iproute2's habits: "d sh" is "doll show", -json and -pretty are -j and -p.
same_short() {
	_f='[.[] | del(.guest_ns, .exits, .reflected, .exit)]'
	nc -json d sh
	[ "$nc_rc" = 0 ] && [ "$(jq -cS "$_f" "$NC_WORK/out")" = "$("$NC" -j doll show | jq -cS "$_f")" ]
}
tap_check "-json d sh is the same JSON as -j doll show" same_short
nc -json -pretty doll show "$l1"
tap_check "-json -pretty: one doll's JSON over several lines" sh -c \
	"[ $nc_rc = 0 ] && [ \$(wc -l <'$NC_WORK/out') -gt 5 ] && jq -e '.[0].id == $l1' '$NC_WORK/out' >/dev/null"
nc e se "$l1" mem.limit 512MiB dry-run
tap_check "e se $l1 mem.limit 512MiB dry-run: the size taken, the doll fits (exit $nc_rc)" \
	sh -c "[ $nc_rc = 0 ] && grep -q 'fits (dry run' '$NC_WORK/out'"
nc_expect 2 envelope set "$l1" mem.limit 512MB dry-run

nc doll show
tap_check "doll show (text): level-1 doll line" \
	grep -qx "doll $l1 path $l1 level 1 parent 0 pid $pid name $NAME" "$NC_WORK/out"
tap_check "doll show (text): level-1 counters line" grep -qxE \
	"  vcpus $(dbg "$l1" vcpus) mem $(dbg "$l1" mem) guest_ns [0-9]+ exits [0-9]+ reflected [0-9]+ delegate - delegate_off -" "$NC_WORK/out"
tap_check "doll show (text): level-2 doll, ctx and cpuid lines" sh -c "
	grep -qx 'doll $l2 path $l1/$l2 level 2 parent $l1 pid $pid' '$NC_WORK/out' &&
	grep -qxE '  ctx $(dbg "$l2" ctx) guest_ns [0-9]+ exits [0-9]+ reflected [0-9]+ delegated 0 delegate - delegate_off -' '$NC_WORK/out' &&
	grep -qxE '  exit cpuid code 0x72 count [0-9]+' '$NC_WORK/out'"

# Identifiers: id, name, numeric path, name path, a level-2 id alone.
for spec in "$l1:$l1" "$NAME:$l1" "$l1/$l2:$l2" "$NAME/$l2:$l2" "$l2:$l2"; do
	nc -j doll show "${spec%%:*}"
	tap_check "doll show ${spec%%:*} is doll ${spec#*:}" \
		test "$nc_rc:$(jqout '[.[].id] | join(",")')" = "0:${spec#*:}"
done
nc_expect 1 doll show "$l1/999999"
tap_check "unknown path: the error lists the dolls there are" sh -c "
	grep -q '^Error: no doll \"$l1/999999\"; dolls: ' '$NC_WORK/err' &&
	grep -qF '$l1 ($NAME)' '$NC_WORK/err' && grep -qF ', $l1/$l2' '$NC_WORK/err'"
nc_expect 1 doll show "$l2/$l1"

# --- Delegated exits: guest_spin's L1 registers none; the switches all the same.
nc -j doll show
jq_check "doll show (JSON): nothing registered, nothing off, for both levels" \
	"[.[] | select(.id == $l1 or .id == $l2) | .delegate == [] and .delegate_off == []] == [true, true]"
nc_expect 0 doll set "$l1/$l2" delegate cpuid pause off
nc_expect 0 doll set "$NAME" delegate all off
nc -j doll show
jq_check "doll set off (JSON): level 2 cpuid and pause off, level 1 all three" \
	".[] | select(.id == $l2) | .delegate_off == [\"cpuid\", \"pause\"]"
jq_check "doll set off (JSON): level 1 all three classes off" \
	".[] | select(.id == $l1) | .delegate_off == [\"cpuid\", \"rdmsr\", \"pause\"]"
nc doll show "$l2"
tap_check "doll set off (text): delegate - delegate_off cpuid,pause" grep -qxE \
	"  ctx $(dbg "$l2" ctx) guest_ns [0-9]+ exits [0-9]+ reflected [0-9]+ delegated 0 delegate - delegate_off cpuid,pause" "$NC_WORK/out"
nc_expect 0 doll set "$l2" delegate pause on
nc_expect 0 doll set "$l1" delegate rdmsr pause cpuid on
nc doll show "$l1"
tap_check "doll set on (text): level 1 delegate_off -" grep -qE \
	" reflected [0-9]+ delegate - delegate_off -\$" "$NC_WORK/out"
nc -j doll show "$l2"
jq_check "doll set on (JSON): level 2 only cpuid still off" '.[0].delegate_off == ["cpuid"]'
nc_expect 0 doll set "$l2" delegate all on

# --- Doll tree: text and JSON, with and without rates.
nc -i 0.5 doll tree
tap_check "doll tree (text): level-1 line" grep -qxE \
	"$l1 name $NAME level 1 vcpus $(dbg "$l1" vcpus) mem [0-9.]+[KMGT]iB exits [0-9]+ rate [0-9]+/s" "$NC_WORK/out"
tap_check "doll tree (text): level-2 line, indented" grep -qxE \
	"  $l1/$l2 level 2 ctx $(dbg "$l2" ctx) exits [0-9]+ rate [0-9]+/s" "$NC_WORK/out"
nc -j -i 0.5 doll tree
kids=$(dbg_kids "$l1" | wc -l)
jq_check "doll tree (JSON): the guest's dolls nested, the spinning level 2 with a rate" \
	".[] | select(.id == $l1) | .name == \"$NAME\" and .level == 1 and
	 (.children | length) == $kids and
	 (.children[] | select(.id == $l2) | .path == \"$l1/$l2\" and .level == 2 and
	  .rate > 0 and .children == [])"
jq_check "doll tree (JSON): roots are level 1 only" 'all(.[]; .level == 1)'
nc -j -i 0 doll tree
jq_check "doll tree -i 0 (JSON): one sample, no rates" \
	"[.. | objects | select(has(\"path\"))] as \$d | (\$d | length) > 1 and all(\$d[]; has(\"rate\") | not)"

# --- Stats: host-wide and for one doll with its subtree.
lv_before=$(dbg_level 1 exits)
nc -j stats
lv_after=$(dbg_level 1 exits)
n=$(jqout '.levels[] | select(.level == 1) | .exits')
tap_check "stats (JSON): level-1 exits $n between debugfs' $lv_before and $lv_after" \
	between "$lv_before" "${n:-0}" "$lv_after"
jq_check "stats (JSON): levels 1 and 2, cpuid exits at level 2" \
	"([.levels[].level] | index(1) != null and index(2) != null) and
	 (.levels[] | select(.level == 2) | .dolls >= 1 and
	  ([.exit[] | select(.code == 114)] | length) == 1)"
nc stats
tap_check "stats (text): one line per level" \
	test "$(grep -cE '^level [0-9]+ dolls [0-9]+ exits [0-9]+ guest_ns [0-9]+$' "$NC_WORK/out")" -ge 2
nc -j stats "$NAME"
jq_check "stats $NAME (JSON): its doll, its two levels" \
	".doll.id == $l1 and .doll.name == \"$NAME\" and (.levels | length) == 2 and
	 .levels[0].level == 1 and .levels[0].dolls == 1 and
	 .levels[1].level == 2 and .levels[1].dolls == $kids and .levels[1].reflected > 0"
nc stats "$l1/$l2"
tap_check "stats $l1/$l2 (text): the doll, then its level" sh -c "
	sed -n 1p '$NC_WORK/out' | grep -qx 'doll $l2 path $l1/$l2 level 2 parent $l1 pid $pid' &&
	sed -n 2p '$NC_WORK/out' | grep -qxE 'level 2 dolls 1 exits [0-9]+ guest_ns [0-9]+ reflected [0-9]+'"

# --- Stats reset: one doll, then every doll; level totals stay.
l1_before=$(dbg "$l1" exits) l2_before=$(dbg "$l2" exits) lv_before=$(dbg_level 2 exits)
nc_expect 0 stats reset "$l1/$l2"
l1_after=$(dbg "$l1" exits) l2_after=$(dbg "$l2" exits) lv_after=$(dbg_level 2 exits)
tap_check "stats reset $l1/$l2: its exits $l2_before -> $l2_after" test "$l2_after" -lt "$l2_before"
tap_check "stats reset $l1/$l2: level-1 doll untouched ($l1_before -> $l1_after)" test "$l1_after" -ge "$l1_before"
tap_check "stats reset: level totals kept ($lv_before -> $lv_after)" test "$lv_after" -ge "$lv_before"
l1_before=$(dbg "$l1" exits)
nc_expect 0 stats reset
l1_after=$(dbg "$l1" exits)
tap_check "stats reset (all): level-1 exits $l1_before -> $l1_after" test "$l1_after" -lt "$l1_before"

# --- Two guests of one name: the name is ambiguous, ids still work.
guest_start 1 "$NAME" 300
pid2=$guest_pid other=$guest_l1
nc_expect 1 doll show "$NAME"
tap_check "ambiguous name: the error lists both dolls" sh -c "
	grep -q '^Error: doll \"$NAME\" is ambiguous: ' '$NC_WORK/err' &&
	grep -qF '$l1 ($NAME)' '$NC_WORK/err' && grep -qF '$other ($NAME)' '$NC_WORK/err'"
nc -j doll show "$other"
tap_check "the second guest's doll by id" test "$nc_rc:$(jqout '.[0].pid')" = "0:$pid2"

# --- Gone: dolls leave with their VMM.
guest_stop "$pid2"
guest_stop "$pid"
nc -j doll show
jq_check "after the guests end, none of their dolls is left" \
	"all(.[]; .pid != $pid and .pid != $pid2)"
nc_expect 1 doll show "$l1"
tap_exit
