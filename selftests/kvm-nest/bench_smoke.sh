#!/bin/sh
# bench_smoke.sh: `make bench`'s measurements, small and fast: every op at
# L1 (a VM of this host) and at L2 (under kn-bench's own L1), stock. Each
# must be present and sane: n2 > n1, every repetition there with its time
# and kvm-nest's exit counts; an L1 CPUID costs one L0 exit, every op at L2
# at least one, and a CPUID more at L2 than at L1. Nothing about timing
# (with this small N a 0.2 us PAUSE may even come out negative).
set -eu
# shellcheck source=../harness/lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"

BIN=$KN_BUILD/selftests/kn-bench
OPS="cpuid rdmsr hcall hlt touch pause"
REPS=2
[ -x "$BIN" ] || tap_bail "$BIN missing (make -C selftests/bench)"
# The Bochs tier's initramfs embeds no jq; the QEMU tier sees the dev machine's.
command -v jq >/dev/null || tap_skip_all "no jq in this host (Bochs initramfs)"
[ -r /sys/kernel/debug/kvm_nest/dolls ] || tap_skip_all "kvm-nest not loaded: no exit counts"

work=$(mktemp -d /tmp/bench_smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
for l in 1 2; do
	"$BIN" run -l $l -r $REPS -n 64 >"$work/l$l" 2>"$work/l$l.err" ||
		tap_bail "kn-bench run -l $l failed: $(tail -n 5 "$work/l$l" "$work/l$l.err")"
done
tap_diag "$(cat "$work/l1.err" "$work/l2.err")"

# get <level> <op> <jq filter>: from that measurement's result line.
get() { sed -n 's/^KNB //p' "$work/l$1" | jq -r --arg op "$2" "select(.op == \$op) | $3"; }

tap_plan 14
for l in 1 2; do
	for op in $OPS; do
		sane=$(get $l "$op" "(.n2 > .n1 and .reps == $REPS and (.time_ns.samples | length) == $REPS
			and (.exits_l0.per_op.samples | length) == $REPS
			and (.op != \"hlt\" or (.wake_ns.samples | length) == $REPS))")
		[ "$l" = 1 ] || [ "$sane" != true ] ||
			sane=$(get $l "$op" ".exits_l0.per_op.median >= 1")
		tap_check "L$l $op: present and sane$([ $l = 2 ] && echo ', >= 1 L0 exit per op')" \
			test "$sane" = true
	done
done
c1=$(get 1 cpuid '.exits_l0.per_op.median')
c2=$(get 2 cpuid '.exits_l0.per_op.median')
tap_check "L1 CPUID costs one L0 exit ($c1)" awk -v x="$c1" 'BEGIN { exit !(x > 0.9 && x < 1.5) }'
tap_check "stock L2 CPUID costs more L0 exits ($c2) than L1 ($c1)" \
	awk -v a="$c1" -v b="$c2" 'BEGIN { exit !(b > a) }'
tap_exit
