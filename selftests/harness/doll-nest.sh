#!/bin/sh
# doll-nest.sh [-m INTERVAL] [l1-doll.sh options] -- COMMAND: a payload for
# l1-doll.sh: inside a doll, start a doll of its own (l1-doll.sh --bg) and
# relay its output live, each line prefixed "nest: ", until it ends; exit
# with its status. -m INTERVAL: also print, every INTERVAL seconds, the
# cgroup that this level put the inner doll's VMM in, and whether this
# level's agent runs and the kernel sees it (the last lines of its log when
# it is gone):
#   kn-cg pid=<qemu pid> cgroup=<path> cpu.max=<..> cpu.weight=<..> cpuset.cpus=<..> memory.max=<..> memory.min=<..>
#   kn-agent pid=<pid or -> listening=<true|false|?>
# POSIX sh; needs the KN_* of host-init.sh.
set -eu
every=0
if [ "${1:-}" = -m ]; then every=$2; shift 2; fi
out=$("$KN_TOP/selftests/harness/l1-doll.sh" --bg "$@")
pid=$(echo "$out" | sed -n 's/^pid=\([0-9]*\) .*/\1/p')
dir=$(echo "$out" | sed -n 's/.* dir=//p')
echo "doll-nest: started $out"
trap 'kill "$pid" 2>/dev/null || true' INT TERM

cgline() {
	_c=$(sed -n 's/^0:://p' "/proc/$pid/cgroup" 2>/dev/null) || return 0
	_l="kn-cg pid=$pid cgroup=$_c"
	for _f in cpu.max cpu.weight cpuset.cpus memory.max memory.min; do
		_l="$_l $_f=$(tr ' ' _ <"/sys/fs/cgroup$_c/$_f" 2>/dev/null || echo -)"
	done
	echo "$_l"
}
agentline() {
	_a=$(cat /run/kn-agent.pid 2>/dev/null || echo -)
	kill -0 "$_a" 2>/dev/null || _a=-
	_l=$("$KN_BUILD/nestctl/nestctl" -j envelope show self 2>/dev/null | jq -r .self.agent 2>/dev/null || echo '?')
	echo "kn-agent pid=$_a listening=$_l"
	[ "$_a" != - ] || tail -n 5 /tmp/kn-agent.log 2>/dev/null | sed 's/^/kn-agent-log: /'
}
if [ "$every" != 0 ]; then
	while kill -0 "$pid" 2>/dev/null; do cgline; agentline; sleep "$every"; done &
fi
tail -n +1 -F --pid="$pid" "$dir/result.log" 2>/dev/null | sed -u 's/\r$//; s/^/nest: /'
rc=0
"$KN_TOP/selftests/harness/l1-doll.sh" --wait "$dir" --timeout 30 || rc=$?
# Its console lives in this doll's /tmp: show the end of it on a failure.
[ "$rc" = 0 ] || tail -n 30 "$dir/console.log" | sed 's/\r$//; s/^/nest-console: /'
exit "$rc"
