#!/bin/bash
# demo.sh: what `make demo` runs. Boots the embedded default emulated host
# (Debian 6.1 under QEMU TCG, AMD SVM), starts an L1 Linux doll that runs
# kvm-nest and two guests of its own, one of which runs a nested guest in
# turn, shows the doll tree as nestctl sees it from the top, and applies
# their envelopes from one file (demo-tree.json).
set -eu
here=$(dirname "$0")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
kernel=${KN_DEMO_KERNEL:-6.1}

step() { printf 'demo: %s\n' "$*" >&2; }
step "dependencies"
"$KN_TOP/scripts/deps.sh" >&2
step "building kvm-nest for $kernel, the guest programs and nestctl"
mkdir -p "$KN_BUILD"
{
	make -C "$KN_TOP" --no-print-directory KN_KERNEL="$kernel" modules &&
	make -C "$KN_TOP/selftests" --no-print-directory O="$KN_BUILD/selftests" &&
	make -C "$KN_TOP/userspace/nestctl" --no-print-directory
} >"$KN_BUILD/demo-build.log" 2>&1 ||
	{ tail -n 20 "$KN_BUILD/demo-build.log" >&2; kn_die "build failed (build/demo-build.log)"; }
step "booting the emulated host (about a minute under TCG)"
exec "$here/qemu-host.sh" --kernel "$kernel" --timeout 900 -- \
	"$KN_TOP/selftests/harness/demo-host.sh"
