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

tap_plan 9
mark=deep.$$
kn_mark $mark
echo 1 >$KNOB
kn_doll_start $NAME 900 "$BIN $N $PAUSE"
tap_diag "doll: $doll_said; N=$N CPUIDs per phase"

at_step() {
	snap "$1"
	[ "$1" != b ] || echo 0 >$KNOB
	tap_diag "at $1 (accel here $(cat $KNOB)): l1 #ctx delegated most = $(cat "$work/$1")"
}
kn_doll_steps deep at_step
kn_doll_end "$work/doll.out"
tap_diag "doll output (rc=$doll_rc):" "$(cat "$work/doll.out")"
[ "$doll_rc" = 0 ] || tap_diag "the doll's console, last lines:" "$(tail -n 25 "$ddir/console.log" | tr -d '\r')"
tap_check "the doll ran the three phases (rc $doll_rc)" grep -qx deep-done "$work/doll.out"
tap_check "the test hypervisor greeted and delegated ($(sed -n 's/^deep-setup //p' "$work/doll.out"))" \
	grep -q '^deep-setup hello+delegate=0 warm=[1-9]' "$work/doll.out"

for s in pre a b c; do [ -f "$work/$s" ] || echo "- 0 0 0" >"$work/$s"; done
d() { echo $(($(cut -d' ' -f3 "$work/$2") - $(cut -d' ' -f3 "$work/$1"))); }
ph() { sed -n "s/^deep-phase $1 //p" "$work/doll.out"; }

dg=$(d pre a)
tap_check "a: delegated here +$dg >= $N: this kernel answered the L3 CPUIDs" test "$dg" -ge "$N"
tap_check "a: none reached the test hypervisor, none wrong ($(ph a))" \
	test "$(ph a)" = "l1_cpuid=0 l2_bad=0"
dg=$(d a b)
tap_check "b: after the revocation, delegated here +$dg = 0" test "$dg" -eq 0
tap_check "b: all $N reached the test hypervisor, none wrong ($(ph b))" \
	test "$(ph b)" = "l1_cpuid=$N l2_bad=0"
dg=$(d b c)
tap_check "c: accel 0 here, delegated here +$dg = 0" test "$dg" -eq 0
tap_check "c: the doll's kvm-nest answered them, none wrong ($(ph c))" \
	test "$(ph c)" = "l1_cpuid=0 l2_bad=0"
bad=$(kn_log_since $mark | kn_log_bad || true)
[ -z "$bad" ] || tap_diag "$bad"
tap_check "kernel log clean" test -z "$bad"
tap_exit
