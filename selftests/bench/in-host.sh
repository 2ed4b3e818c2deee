#!/bin/sh
# in-host.sh: `make bench` inside one emulated host (run.sh starts it with
# qemu-host.sh). Stock vs kvm-nest, alternating, at
#   L1  ops in a VM of this host                     (stack "direct")
#   L2  ops in an L2 under kn-bench's own L1          (stack "bench-hv")
#   xcheck: tools/bpftrace/nested-exits.bt against kvm-nest (xcheck.sh)
#   L1  kvm-nest unloaded, accel 0, accel 1, shuffled (overhead.sh)
#   L2  ops in a VM of an L1 Linux doll               (stack "linux")
#   L3  ... in an L2 under kn-bench's L1 in the doll  (stack "linux+bench-hv")
#   L3  with KN_BENCH_DOLL2=1: in a VM of a Linux doll in that doll
#       (stack "linux+linux"), and L4 under kn-bench's L1 there
#       ("linux+linux+bench-hv")
# Prints KNB-INFO/KNB/KNB-XCHECK/KNB-OVERHEAD/KNB-HOOKS/KNB-TIME lines
# (bench.rst) and progress.
# Parameters: the KN_BENCH_* of run.sh, which qemu-host.sh passes on.
set -eu
# shellcheck source=lib.sh
. "$KN_TOP/selftests/bench/lib.sh"
[ -x "$KNB_BIN" ] || knb_die "$KNB_BIN missing (make -C selftests/bench)"
[ -r /sys/kernel/debug/kvm_nest/dolls ] ||
	knb_die "kvm-nest is not loaded in this host: no exit counts (make modules-all)"
up() { cut -d' ' -f1 /proc/uptime; }
mark() { echo "KNB-TIME $1 $(up)"; }

knb_info 0
mark start
target=${KN_BENCH_TARGET_MS:-100}
knb_rounds 0 -l 1 -s direct -t "$target" --hlt-us "${KN_BENCH_HLT_US_L1:-1000}"
mark direct
knb_rounds 0 -l 2 -s bench-hv -t "$target" --hlt-us "${KN_BENCH_HLT_US_L2:-1000}"
mark bench-hv
if [ "${KN_BENCH_XCHECK:-1}" = 1 ]; then
	# A disagreement is reported (report.sh fails on it); the bench goes on.
	sh "$KN_TOP/selftests/bench/xcheck.sh" || echo "bench: cross-check FAILED" >&2
	mark xcheck
fi
overhead=0
if [ "${KN_BENCH_OVERHEAD_ROUNDS:-5}" -gt 0 ]; then
	# It leaves kvm-nest loaded with accel 0, even when it fails.
	sh "$KN_TOP/selftests/bench/overhead.sh" || overhead=1
	[ -r /sys/kernel/debug/kvm_nest/dolls ] ||
		knb_die "kvm-nest is not loaded again after the overhead step"
	mark overhead
fi
[ "$overhead" = 0 ] || echo "bench: overhead step FAILED (above)" >&2
[ "${KN_BENCH_DOLL:-1}" = 1 ] || exit "$overhead"

# The doll: its bench prints markers; our watcher reads kvm-nest here,
# with the exit census on (bench.rst, "The exit census").
census=
[ "${KN_BENCH_CENSUS:-1}" = 0 ] || census=/sys/kernel/debug/kvm_nest/census
pause=${KN_BENCH_PAUSE_MS:-200}
KN_BENCH_DOLL2=${KN_BENCH_DOLL2:-1}
args=" KN_BENCH_ROUNDS=${KN_BENCH_DOLL_ROUNDS:-1}"
for v in REPS OPS PAUSE_MS DOLL_TARGET_MS HLT_US_L2 HLT_US_L3 HLT_US_L4 DOLL2 DOLL2_MEM \
	DOLL2_PAUSE_MS; do
	eval "val=\${KN_BENCH_$v:-}"
	# shellcheck disable=SC2154 # set by the eval
	[ -z "$val" ] || args="$args KN_BENCH_$v=$val"
done
doll=$KN_TOP/selftests/harness/l1-doll.sh
out=$("$doll" --bg --module --name knbench --mem 1G -- \
	"sh $KN_TOP/selftests/bench/in-doll.sh$args") || knb_die "l1-doll.sh --bg: $out"
pid=$(echo "$out" | sed -n 's/^pid=\([0-9]*\) .*/\1/p')
dir=${out##*dir=}
if [ -z "$pid" ] || [ ! -d "$dir" ]; then knb_die "l1-doll.sh --bg said '$out'"; fi
rc=0
"$KNB_BIN" watch --pid "$pid" --log "$dir/result.log" --knob "$KNB_KNOB" \
	--pause-ms "$pause" --timeout "${KN_BENCH_DOLL_TIMEOUT:-3000}" ${census:+--census "$census"} || rc=$?
knb_accel stock
"$doll" --wait "$dir" --timeout 60 >/dev/null || knb_die "the doll failed (l1-doll.sh above)"
[ "$rc" = 0 ] || knb_die "kn-bench watch failed ($rc)"
mark doll
exit "$overhead"
