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
tree=$KN_TOP/selftests/harness/demo-tree.json
echo "# starting L1 doll 'demo-l1' (Debian kernel, kvm_amd nested=1, kvm-nest),"
echo "# which runs two L2 guests: 'db' runs an L3 guest (guest_spin -l 2), 'app'"
echo "# spins (guest_spin -l 1)"
out=$("$KN_TOP/selftests/harness/l1-doll.sh" --bg --module --name demo-l1 \
	--timeout 600 -- "$spin -s 240 -l 2 -- -name db & $spin -s 240 -l 1 -- -name app; wait")
pid=${out#pid=}
pid=${pid%% *}
dir=${out##*dir=}
trap 'kill "$pid" 2>/dev/null || true' EXIT

# The L1 doll's kvm-nest reports once a second after it has booted.
i=0
until [ "$("$nestctl" -j doll show 2>/dev/null |
	jq '[.[] | select(.level == 3 or .name == "db" or .name == "app")] | length')" = 3 ]; do
	i=$((i + 1))
	if [ $i -gt 180 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "not ok 1 - no L2 dolls db and app with an L3 after ${i}s; doll console: $dir/console.log"
		tail -n 20 "$dir/console.log" | sed 's/^/# /'
		exit 1
	fi
	sleep 1
done
echo "# the tree was complete after ${i}s; exits per second over 2 s:"
"$nestctl" -i 2 doll tree | sed 's/^/# /'
echo "# exits per level, as this host counted them:"
"$nestctl" stats | sed 's/^/# /'

# Envelopes from one file: L1's is applied here (cgroups on its QEMU, by
# this host's agent); the L2s' go down the channel to L1's kvm-nest and
# its agent. Applying it again changes nothing.
echo "# $tree:"
sed 's/^/#   /' "$tree"
fail=0
for pass in first again; do
	echo "# nestctl envelope apply ($pass)"
	out=$("$nestctl" envelope apply "$tree" 2>&1) || fail=1
	printf '%s\n' "$out" | sed 's/^/#   /'
	# L0 sees the L2s' envelopes with L1's next report.
	sleep 2
done
echo "# the envelopes, with what each doll uses (L0's view of every level):"
"$nestctl" envelope show | sed 's/^/# /'
if [ "$fail" = 0 ] && [ "$out" = "nothing to change" ]; then
	echo "ok 1 - doll tree L1 -> two L2s -> L3 shown, with envelopes from one file"
else
	echo "not ok 1 - the envelope file could not be applied, or again it changed something (see above)"
	exit 1
fi
