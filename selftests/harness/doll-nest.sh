#!/bin/sh
# doll-nest.sh [-m INTERVAL] [l1-doll.sh options] -- COMMAND: a payload for
# l1-doll.sh: inside a doll, start a doll of its own (l1-doll.sh --bg) and
# relay its output live, each line prefixed "nest: ", until it ends; exit
# with its status. -m INTERVAL: also print, every INTERVAL seconds, the
# cgroup that this level put the inner doll's VMM in, and whether this
# level's agent runs and the kernel sees it: the kn-cg and kn-agent lines
# of lib/vmmwatch.sh.
# POSIX sh; needs the KN_* of host-init.sh.
set -eu
every=0
if [ "${1:-}" = -m ]; then every=$2; shift 2; fi
out=$("$KN_TOP/selftests/harness/l1-doll.sh" --bg "$@")
pid=$(echo "$out" | sed -n 's/^pid=\([0-9]*\) .*/\1/p')
dir=$(echo "$out" | sed -n 's/.* dir=//p')
echo "doll-nest: started $out"
trap 'kill "$pid" 2>/dev/null || true' INT TERM

if [ "$every" != 0 ]; then
	# shellcheck source=lib/vmmwatch.sh
	. "$KN_TOP/selftests/harness/lib/vmmwatch.sh"
	kn_watch_vmm "$pid" "$every" &
fi
tail -n +1 -F --pid="$pid" "$dir/result.log" 2>/dev/null | sed -u 's/\r$//; s/^/nest: /'
rc=0
"$KN_TOP/selftests/harness/l1-doll.sh" --wait "$dir" --timeout 30 || rc=$?
# Its console lives in this doll's /tmp: show the end of it on a failure.
[ "$rc" = 0 ] || tail -n 30 "$dir/console.log" | sed 's/\r$//; s/^/nest-console: /'
exit "$rc"
