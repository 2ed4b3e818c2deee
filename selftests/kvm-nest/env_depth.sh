#!/bin/sh
# Envelopes below level 1, in minutes: an L1 Linux doll (kvm-nest and its
# agent running in it) runs ch_child, a small VM "env-l2" whose guest talks
# to L1's kvm-nest over the channel as a child kvm-nest would: HELLO, then
# FETCH four times a second, reading its own envelope and usage from the
# answer. From here, L0:
#  - env-l2 shows at level 2 under the L1 doll; its HELLO was answered
#    with depth 2; doll ping reaches L1 over the channel (hops >= 1);
#    pings this kernel malforms on purpose (an op above 255 whose low
#    byte is PING, no doll id, a doll id failing the policy) are refused
#    by L1's kvm-nest at once with EINVAL and its reason;
#  - an envelope set here on env-l2 travels down, L1 admits it, L1's agent
#    applies it to ch_child's cgroup (printed from inside L1), the guest
#    reads exactly those fields back through FETCH, and nestctl envelope
#    show here shows them; the guest reads its usage as L1 measured it;
#  - admission at L2: a reservation beyond L1's own is refused with L1 and
#    the numbers named, and nothing changes; L0 lowering L1's envelope under
#    what L2 holds succeeds (a child cannot veto its parent) and shows L1
#    overcommitted, and L2's envelope stays;
#  - nestctl envelope apply of a file naming env-l1 and env-l2: applied
#    in the safe order, again with nothing sent, changed with only the
#    change sent, refused at L2 with L1 set back (env_apply_lib.sh).
# env_depth_linux tests the same with an L2 Linux doll (slow).
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"
# shellcheck source=env_depth_lib.sh
. "$KN_TOP/selftests/kvm-nest/env_depth_lib.sh"
# shellcheck source=env_apply_lib.sh
. "$KN_TOP/selftests/kvm-nest/env_apply_lib.sh"
DEPTH_IN='^kn-fetch '
DEPTH_NAME=env-l2
CHILD=$KN_BUILD/selftests/ch_child

env_require
[ -x "$CHILD" ] || tap_bail "$CHILD not built (make -C selftests)"
tap_plan 50
env_agent_check

cmd="$KN_TOP/selftests/harness/vmm-watch.sh -m 2 -- $CHILD -p 5 -- -name $DEPTH_NAME"
depth_l1 "$cmd"

# The L1 doll boots in 60-240 s here; ch_child fetches at once.
depth_find_l2 $DEPTH_NAME 600
hello=$(depth_last '^kn-hello ')
tap_check "the L2's HELLO was answered by L1's kvm-nest: version 1, depth 2 ($hello)" \
	test -n "$(echo "$hello" | grep -E '^kn-hello ret=0 version=1 depth=2$')"
in2=$(depth_last "$DEPTH_IN")
tap_check "before any set the L2 reads no envelope fields, and well-formed answers ($in2)" \
	test -n "$(echo "$in2" | grep -E '^kn-fetch depth=2 len=[0-9]+ sent=none .* bad=0$')"

depth_pings
depth_bad_pings
depth_set
depth_applied
# Exactly the fields set, each with its value, and nothing else.
depth_inside 'sent=cpu.limit,cpu.reserve,mem.limit cpu.limit=0.400 cpu.reserve=0.200 cpu.weight=- cpus=- mem.limit=536870912 mem.reserve=0 ' \
	"FETCH answers exactly cpu.limit 0.400, cpu.reserve 0.200, mem.limit 536870912"
tap_check "inside L2: depth 2, the answer well-formed (bad=0), no commands for it" \
	test -n "$(echo "$in2" | grep -E '^kn-fetch depth=2 len=[1-9][0-9]* .* cmds=0 bad=0$')"

# Usage as L1 measures it (once a second): ch_child's RSS is some MiB.
sleep 2
in2=$(depth_last "$DEPTH_IN")
umem=$(echo "$in2" | sed -n 's/.* usage\.mem=\([0-9]*\) .*/\1/p')
l0mem=$("$NC" -j envelope show "$l2" 2>/dev/null | jq -r --argjson id "$l2" '.dolls[] | select(.id == $id) | .usage.mem' 2>/dev/null || true)
tap_check "the L2 reads its memory use as L1 measured it: usage.mem ${umem:-none} > 0 (L0 shows ${l0mem:-none})" \
	test -n "$umem" -a "${umem:-0}" -gt 0 -a "${l0mem:-0}" -gt 0

depth_admission
depth_unset
depth_inside 'sent=none cpu.limit=max cpu.reserve=0.000 .*mem.limit=max ' "FETCH answers no envelope fields again"
apply_all
bad=$(depth_lines | grep -E -m1 'Bail out|^kn-fetch .*(len=-|bad=[1-9])' || true)
# It prints at least every 5 s while it runs.
alive=$(depth_wait "$DEPTH_IN" 12 || true)
tap_check "the L2 VM ran throughout, every FETCH answered and well-formed${bad:+: $bad}" \
	test -z "$bad" -a -n "$alive"
depth_end
tap_exit
