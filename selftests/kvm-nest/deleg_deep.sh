#!/bin/sh
# Deep delegation (delegation.rst, "At any depth"): an L1 Linux doll with
# kvm-nest runs deleg_deep_doll, a test hypervisor (L2 from here) whose
# guest (L3) loops on CPUID. The test hypervisor delegates its table to
# the doll's kvm-nest, which forwards it here and keeps a slot per vCPU
# saying which of its VMs' nested guests runs; this kernel then answers
# L3's CPUIDs in the exit it took. Counts are this kernel's, summed over
# the doll's level-2 contexts, at the markers the doll prints and pauses on:
#   a: delegated here (>= N), none reached the test hypervisor
#   b: revoked by the test hypervisor: none answered here, all N reach it
#   c: delegated again, this kernel's accel 0: the doll's kvm-nest answers
# Then the switch of the L3 doll, which the doll's kvm-nest holds; this
# kernel routes "nestctl doll set <its id here>" there (delegation.rst,
# "Switches"), with its accel on again:
#   d: CPUID off: none answered here, all N reach the test hypervisor
#   e: CPUID on again: answered here again, none reach it
# Then RDMSR: the test hypervisor delegates its constant MSRs too, the
# doll's kvm-nest lists in its slot those whose reads the test hypervisor
# intercepts, and its guest reads one N times:
#   m: delegated here (>= N), none reached the test hypervisor
#   n: this kernel's accel 0: none delegated here (the doll's kvm-nest
#      answers them), none reached the test hypervisor
set -eu
# shellcheck source=../harness/lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"
# shellcheck source=../harness/lib/klog.sh
. "$KN_TOP/selftests/harness/lib/klog.sh"
# shellcheck source=../harness/lib/doll.sh
. "$KN_TOP/selftests/harness/lib/doll.sh"

N=${KN_DEEP_N:-2000}
PAUSE=${KN_DEEP_PAUSE:-8}
NC=${KN_NESTCTL:-$KN_BUILD/nestctl/nestctl}
BIN=$KN_BUILD/selftests/deleg_deep_doll
KNOB=/sys/module/kvm_nest/parameters/accel
NAME=deep
command -v qemu-system-x86_64 >/dev/null || tap_skip_all "no qemu-system-x86_64 in this host (Bochs tier has no 9p root)"
[ -r /sys/kernel/debug/kvm_nest/dolls ] || tap_skip_all "kvm-nest not loaded ($KN_MODULE not built?)"
[ -w $KNOB ] || tap_bail "$KNOB missing: this kvm-nest has no accel switch"
[ -x "$NC" ] || tap_bail "$NC missing (make -C userspace/nestctl)"
[ -x "$BIN" ] || tap_bail "$BIN missing (make -C selftests)"
command -v jq >/dev/null || tap_bail "jq not found: this test parses nestctl's JSON with it"

work=$(mktemp -d /tmp/deep.XXXXXX)
qpid=
accel0=$(cat $KNOB)
trap 'echo "$accel0" >$KNOB; [ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true; rm -rf "$work"' EXIT

# snap <step>: "<l1 id> <#ctx dolls> <delegated> <most delegated of one>"
# over the level-2 ctx dolls under the doll, into $work/<step>.
# shellcheck disable=SC2016 # jq's $variables
JQ='[.[] | select(.level == 1 and .name == $name and .pid == $pid)] as $m
	| if ($m | length) != 1 then "- 0 0 0" else $m[0].id as $l1
	| [.[] | select(.level == 2 and .parent == $l1 and has("ctx")) | .delegated // 0] as $c
	| "\($l1) \($c | length) \($c | add // 0) \($c | max // 0)" end'
snap() {
	"$NC" -j doll show >"$work/$1.json" 2>"$work/$1.err" || true
	jq -r --arg name $NAME --argjson pid "$qpid" "$JQ" "$work/$1.json" \
		>"$work/$1" 2>>"$work/$1.err" || echo "- 0 0 0" >"$work/$1"
}

# l3ids: this kernel's ids of the level-3 dolls under the doll, reported
# by its kvm-nest (their parent is a level-2 doll of the doll).
# shellcheck disable=SC2016 # jq's $variables
JQ3='[.[] | select(.level == 1 and .name == $name and .pid == $pid)] as $m
	| if ($m | length) != 1 then "" else $m[0].id as $l1
	| [.[] | select(.level == 2 and .parent == $l1) | .id] as $l2
	| [.[] | select(.level == 3 and (.parent as $p | any($l2[]; . == $p))) | .id]
	| map(tostring) | join(" ") end'
l3ids() {
	"$NC" -j doll show 2>/dev/null | jq -r --arg name $NAME --argjson pid "$qpid" "$JQ3" 2>/dev/null || true
}
# switch <on|off>: CPUID of every L3 doll, by this kernel's id; the
# outcome ("<ids> rc=<worst>") into $work/set-<on|off>, nestctl's words
# into $work/set-<on|off>.out.
switch() {
	_ids=$(l3ids) _rc=0
	[ -n "$_ids" ] || _rc=none
	for _i in $_ids; do
		"$NC" doll set "$_i" delegate cpuid "$1" >>"$work/set-$1.out" 2>&1 || _rc=$?
	done
	echo "${_ids:-none} rc=$_rc" >"$work/set-$1"
}
# shown_off <id>: what this kernel's doll show says is off at it, once
# the doll's kvm-nest reported the switch (it reports once a second; 4 s
# at most, well within the doll's pause).
shown_off() {
	_end=$(($(date +%s) + 4))
	while :; do
		_s=$("$NC" -j doll show "$1" 2>/dev/null |
			jq -r '"\(.[0].delegate_off // [] | join(",")) from=\(.[0].delegate_off_from // "-")"' 2>/dev/null || true)
		[ "$_s" != "cpuid from=report" ] && [ "$(date +%s)" -lt "$_end" ] || break
		sleep 0.2
	done
	echo "$_s"
}

tap_plan 23
mark=deep.$$
kn_mark $mark
echo 1 >$KNOB
kn_doll_start $NAME 900 "$BIN $N $PAUSE"
tap_diag "doll: $doll_said; N=$N CPUIDs per phase"

at_step() {
	snap "$1"
	[ "$1" != b ] || echo 0 >$KNOB
	if [ "$1" = c ]; then
		echo 1 >$KNOB
		switch off
		set -- c "$(cut -d' ' -f1 "$work/set-off")"
		[ "$2" = none ] || shown_off "$2" >"$work/shown-off"
	fi
	[ "$1" != d ] || switch on
	[ "$1" != m ] || echo 0 >$KNOB
	tap_diag "at $1 (accel here $(cat $KNOB)): l1 #ctx delegated most = $(cat "$work/$1")"
}
kn_doll_steps deep at_step
# A step handled after the doll went on measured the wrong phase.
[ -z "$steps_late" ] || tap_diag "late steps (the doll went on before they were done):$steps_late"
kn_doll_end "$work/doll.out"
tap_diag "doll output (rc=$doll_rc):" "$(cat "$work/doll.out")"
[ "$doll_rc" = 0 ] || tap_diag "the doll's console, last lines:" "$(tail -n 25 "$ddir/console.log" | tr -d '\r')"
tap_check "the doll ran all its phases (rc $doll_rc)" grep -qx deep-done "$work/doll.out"
tap_check "the test hypervisor greeted and delegated ($(sed -n 's/^deep-setup //p' "$work/doll.out"))" \
	grep -q '^deep-setup hello+delegate=0 warm=[1-9]' "$work/doll.out"

for s in pre a b c d e m n; do [ -f "$work/$s" ] || echo "- 0 0 0" >"$work/$s"; done
d() { echo $(($(cut -d' ' -f3 "$work/$2") - $(cut -d' ' -f3 "$work/$1"))); }
ph() { sed -n "s/^deep-phase $1 //p" "$work/doll.out"; }

# phase <from> <to> <what here> <-ge|-eq> <count> <who answered> <doll's account>:
# what this kernel answered from phase <from> to <to>, and what the doll saw.
phase() {
	dg=$(d "$1" "$2") rel='='
	[ "$4" = -eq ] || rel='>='
	tap_check "$2: $3, delegated here +$dg $rel $5" test "$dg" "$4" "$5"
	tap_check "$2: $6, none wrong ($(ph "$2"))" test "$(ph "$2")" = "$7"
}
phase pre a "this kernel answered the L3 CPUIDs" -ge "$N" \
	"none reached the test hypervisor" "l1_cpuid=0 l2_bad=0"
phase a b "after the revocation" -eq 0 \
	"all $N reached the test hypervisor" "l1_cpuid=$N l2_bad=0"
phase b c "accel 0 here" -eq 0 \
	"the doll's kvm-nest answered them" "l1_cpuid=0 l2_bad=0"

# The routed switch. Ids and nestctl's words are in the diagnostics.
for s in off on; do
	[ -f "$work/set-$s" ] || echo "none rc=unset" >"$work/set-$s"
	[ ! -s "$work/set-$s.out" ] || tap_diag "nestctl doll set ... $s said:" "$(cat "$work/set-$s.out")"
done
tap_check "c: CPUID off at the L3 doll(s) by this kernel's id, routed to the doll's kvm-nest ($(cat "$work/set-off"))" \
	grep -q '^[0-9][0-9 ]* rc=0$' "$work/set-off"
tap_check "c: doll show here says what the doll's kvm-nest reported: off cpuid ($(cat "$work/shown-off" 2>/dev/null))" \
	grep -qx 'cpuid from=report' "$work/shown-off"
tap_check "every step handled while the doll waited ($steps_done of 8, late:${steps_late:- none})" \
	test "$steps_done" = 8 -a -z "$steps_late"
phase c d "accel 1 here but CPUID off for L3 there" -eq 0 \
	"all $N reached the test hypervisor" "l1_cpuid=$N l2_bad=0"
tap_check "d: CPUID back on at the L3 doll(s) ($(cat "$work/set-on"))" \
	grep -q '^[0-9][0-9 ]* rc=0$' "$work/set-on"
phase d e "switched on again" -ge "$N" \
	"none reached the test hypervisor" "l1_cpuid=0 l2_bad=0"
tap_check "m: the test hypervisor delegated CPUID and MSRs ($(sed -n 's/^deep-delegate-msr //p' "$work/doll.out"))" \
	grep -q '^deep-delegate-msr 0 ([1-9]' "$work/doll.out"
phase e m "this kernel answered the L3 RDMSRs" -ge "$N" \
	"none reached the test hypervisor" "l1_rdmsr=0 l2_bad=0"
phase m n "accel 0 here" -eq 0 \
	"the doll's kvm-nest answered them" "l1_rdmsr=0 l2_bad=0"
"$NC" doll set 4000000000 delegate cpuid off >"$work/bogus" 2>&1 && rc=0 || rc=$?
tap_check "a bogus id is refused, saying so (rc $rc: $(head -c 200 "$work/bogus"))" \
	sh -c '[ "$1" -ne 0 ] && grep -q "no doll" "$2"' - "$rc" "$work/bogus"
bad=$(kn_log_since $mark | kn_log_bad || true)
[ -z "$bad" ] || tap_diag "$bad"
tap_check "kernel log clean" test -z "$bad"
tap_exit
