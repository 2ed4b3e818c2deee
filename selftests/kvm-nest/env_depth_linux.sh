#!/bin/sh
# Envelopes below level 1, with an L2 Linux doll: an L1 Linux doll
# (kvm-nest and its agent running in it) runs an L2 Linux doll "env-l2"
# (kvm-nest in it too). From here, L0:
#  - doll ping reaches the kernel that hosts env-l2 (L1) over the channel:
#    hops >= 1 (0 for the L1 doll, which this kernel hosts);
#  - an envelope set here on env-l2 travels down, L1 admits it and its agent
#    applies it to env-l2's VMM cgroup (printed from inside L1), env-l2 reads
#    it in /sys/kernel/kvm_nest/envelope (printed from inside L2), and
#    nestctl envelope show here shows it;
#  - admission at L2: a reservation beyond L1's own is refused with L1 and
#    the numbers named, and nothing changes; L0 lowering L1's envelope
#    under what L2 holds succeeds and shows L1 overcommitted.
# The inner dolls print on their result ports; doll-nest.sh relays L2's
# lines through L1's ("nest: ..."), which this test reads live. Slow: the
# L2 Linux doll boots in 14-25 min under TCG; env_depth tests the same
# with a small L2 VM in minutes.
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"
# shellcheck source=env_depth_lib.sh
. "$KN_TOP/selftests/kvm-nest/env_depth_lib.sh"
DEPTH_IN='^nest: kn-env '
DEPTH_NAME=env-l2

env_require
tap_plan 27
env_agent_check

cmd="$KN_TOP/selftests/harness/doll-nest.sh -m 2 --name $DEPTH_NAME --mem 384M --module --quiet -- $BUSY -i -m 2"
depth_l1 "$cmd"

# Usable once the L2's own kvm-nest prints its envelope. A Linux doll
# inside a doll boots in 12-20 minutes on a loaded 2-core machine.
depth_find_l2 $DEPTH_NAME 1500
depth_pings
depth_set
depth_applied
depth_inside 'cpu.limit=0.400 .*cpu.reserve=0.200 .*mem.limit=536870912' \
	"/sys/kernel/kvm_nest/envelope says cpu.limit 0.400, cpu.reserve 0.200, mem.limit 536870912"
tap_check "inside L2, /sys/kernel/kvm_nest/depth is 2" test -n "$(echo "$in2" | grep 'depth=2 ')"
tap_diag "L2's usage as measured from below: $("$NC" envelope show "$l2" 2>&1 | tail -n 1)"
depth_admission
depth_unset
depth_inside 'cpu.limit=max .*cpu.reserve=0.000 .*mem.limit=max' "the envelope is unset again"
depth_end
tap_exit
