#!/bin/sh
# in-doll.sh [KN_BENCH_<NAME>=VALUE...]: kn-bench inside an L1 Linux doll,
# started by in-host.sh with l1-doll.sh (whose run file carries no KN_BENCH_*,
# hence the arguments). The doll's levels 1 and 2 are L2 and L3 seen from the
# emulated host, whose "kn-bench watch" reads kvm-nest there at each marker
# while this side sleeps KN_BENCH_PAUSE_MS.
set -eu
for a; do
	case $a in
	KN_BENCH_*=*) export "${a?}" ;;
	*) echo "usage: in-doll.sh [KN_BENCH_<NAME>=VALUE...]" >&2; exit 2 ;;
	esac
done
# shellcheck source=lib.sh
. "$KN_TOP/selftests/bench/lib.sh"
pause=${KN_BENCH_PAUSE_MS:-200}
target=${KN_BENCH_DOLL_TARGET_MS:-300}
knb_info 1
knb_rounds "$pause" -l 1 -s linux --depth 1 --markers "$pause" -t "$target" \
	--hlt-us "${KN_BENCH_HLT_US_L2:-2000}"
knb_rounds "$pause" -l 2 -s linux+bench-hv --depth 1 --markers "$pause" -t "$target" \
	--hlt-us "${KN_BENCH_HLT_US_L3:-10000}"
