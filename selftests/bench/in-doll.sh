#!/bin/sh
# in-doll.sh [KN_BENCH_<NAME>=VALUE...]: kn-bench inside a Linux doll,
# started by in-host.sh with l1-doll.sh (whose run file carries no KN_BENCH_*,
# hence the arguments). In the L1 doll (depth 1) its levels 1 and 2 are L2
# and L3 seen from the emulated host, whose "kn-bench watch" reads kvm-nest
# there at each marker while this side sleeps KN_BENCH_PAUSE_MS. With
# KN_BENCH_DOLL2=1 the L1 doll then starts a Linux doll of its own and runs
# this script there (depth 2: L3 and L4), passing its output on to the
# watcher and following its configurations with its own kvm-nest.
set -eu
args=
for a; do
	case $a in
	KN_BENCH_*=*) export "${a?}"; args="$args $a" ;;
	*) echo "usage: in-doll.sh [KN_BENCH_<NAME>=VALUE...]" >&2; exit 2 ;;
	esac
done
# shellcheck source=lib.sh
. "$KN_TOP/selftests/bench/lib.sh"
depth=${KN_BENCH_DEPTH:-1}
pause=${KN_BENCH_PAUSE_MS:-200}
target=${KN_BENCH_DOLL_TARGET_MS:-300}
stack=linux
[ "$depth" = 1 ] || stack=linux+linux
knb_info "$depth"
# HLT timer delays by the level the op runs at.
hlt() {
	eval "echo \${KN_BENCH_HLT_US_L$1:-$2}"
}
knb_rounds "$pause" -l 1 -s "$stack" --depth "$depth" --markers "$pause" -t "$target" \
	--hlt-us "$(hlt $((depth + 1)) $((depth == 1 ? 2000 : 10000)))"
knb_rounds "$pause" -l 2 -s "$stack+bench-hv" --depth "$depth" --markers "$pause" -t "$target" \
	--hlt-us "$(hlt $((depth + 2)) $((depth == 1 ? 10000 : 20000)))"
[ "$depth" = 1 ] && [ "${KN_BENCH_DOLL2:-0}" = 1 ] || exit 0

# The doll in the doll. Each hop of its lines to the watcher costs time:
# its markers' pause is longer.
out=$("$KN_TOP/selftests/harness/l1-doll.sh" --bg --module --quiet --name knbench2 \
	--mem "${KN_BENCH_DOLL2_MEM:-512M}" -- \
	"sh $KN_TOP/selftests/bench/in-doll.sh$args KN_BENCH_DEPTH=2 KN_BENCH_PAUSE_MS=${KN_BENCH_DOLL2_PAUSE_MS:-3000}") ||
	knb_die "l1-doll.sh --bg in the doll: $out"
pid=$(echo "$out" | sed -n 's/^pid=\([0-9]*\) .*/\1/p')
dir=${out##*dir=}
[ -n "$pid" ] && [ -d "$dir" ] || knb_die "l1-doll.sh --bg in the doll said '$out'"
# Until the inner doll's QEMU ends (tail --pid), from when QEMU makes the
# file (-F); its KN-END is its own.
# No filter between tail and the loop: one (tr, say) would buffer the
# lines into late bursts, and the watcher needs each marker at once.
cr=$(printf '\r')
tail -n +1 --pid="$pid" -F "$dir/result.log" 2>/dev/null | while IFS= read -r line; do
	line=${line%"$cr"}
	case $line in
	KN-*) ;;
	KNB-CONFIG\ *) knb_accel "${line#KNB-CONFIG }"; echo "$line" ;;
	*) echo "$line" ;;
	esac
done
knb_accel stock
"$KN_TOP/selftests/harness/l1-doll.sh" --wait "$dir" --timeout 60 >/dev/null ||
	knb_die "the doll in the doll failed"
