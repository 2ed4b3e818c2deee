#!/bin/sh
# demo-host.sh: the demo, inside the emulated host (see demo.sh). Prints
# TAP so that the runner can judge it like any test.
set -eu
: "${KN_TOP:?run inside an emulated host}"
nestctl=$KN_TOP/build/nestctl/nestctl
spin=$KN_TOP/build/selftests/guest_spin

echo "TAP version 13"
echo "1..1"
echo "# L0: this emulated host, kvm-nest loaded"
echo "# starting L1 doll 'demo-l1' (Debian kernel, kvm_amd nested=1, kvm-nest),"
echo "# which runs an L2 guest that runs an L3 guest (guest_spin -l 2)"
out=$("$KN_TOP/selftests/harness/l1-doll.sh" --bg --module --name demo-l1 \
	--timeout 600 -- "$spin" -s 240 -l 2)
pid=${out#pid=}
pid=${pid%% *}
dir=${out##*dir=}
trap 'kill "$pid" 2>/dev/null || true' EXIT

# The L1 doll's kvm-nest reports once a second after it has booted.
i=0
until "$nestctl" -j doll show 2>/dev/null | grep -q '"level":3'; do
	i=$((i + 1))
	if [ $i -gt 180 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "not ok 1 - no level-3 doll after ${i}s; doll console: $dir/console.log"
		tail -n 20 "$dir/console.log" | sed 's/^/# /'
		exit 1
	fi
	sleep 1
done
echo "# the tree was complete after ${i}s; exits per second over 2 s:"
"$nestctl" -i 2 doll tree | sed 's/^/# /'
echo "# exits per level, as this host counted them:"
"$nestctl" stats | sed 's/^/# /'

# Envelopes: L1's is applied here (cgroups on its QEMU, by this host's
# agent); L2's goes down the channel to L1's kvm-nest and its agent.
l1=$("$nestctl" -j doll show | jq -r '[.[] | select(.level == 1 and .name == "demo-l1")][0].id')
l2=$("$nestctl" -j doll show | jq -r '[.[] | select(.level == 2 and .vcpus == 1)][0].id')
fail=0
set_env() {
	echo "# nestctl envelope set $*"
	out=$("$nestctl" envelope set "$@" 2>&1) || fail=1
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/#   /'
}
set_env "$l1" cpu.limit 0.9 cpu.reserve 0.25 cpu.weight 200 mem.reserve 256M
set_env "$l2" cpu.limit 0.5 cpu.reserve 0.1
echo "# the envelopes, with what each doll uses (L0's view of every level):"
"$nestctl" envelope show | sed 's/^/# /'
if [ "$fail" = 0 ]; then
	echo "ok 1 - doll tree L1 -> L2 -> L3 shown, with envelopes at L1 and L2"
else
	echo "not ok 1 - an envelope could not be set (see above)"
	exit 1
fi
