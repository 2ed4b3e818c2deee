#!/bin/sh
# vmm-watch.sh [-m INTERVAL] -- COMMAND...: a payload for l1-doll.sh: run
# COMMAND, a VMM (e.g. build/selftests/ch_child), with its output as it
# comes, and every INTERVAL seconds (default 2) the kn-cg line of the
# cgroup this level put it in and the kn-agent line of this level's agent
# (lib/vmmwatch.sh); exit with COMMAND's status.
# POSIX sh; needs the KN_* of host-init.sh.
set -eu
every=2
if [ "${1:-}" = -m ]; then every=$2; shift 2; fi
[ "${1:-}" != -- ] || shift
[ $# -gt 0 ] || { echo "usage: $0 [-m INTERVAL] -- COMMAND..." >&2; exit 2; }
# shellcheck source=lib/vmmwatch.sh
. "$KN_TOP/selftests/harness/lib/vmmwatch.sh"
"$@" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' INT TERM
echo "vmm-watch: started pid=$pid: $*"
kn_watch_vmm "$pid" "$every" &
rc=0
wait "$pid" || rc=$?
exit "$rc"
