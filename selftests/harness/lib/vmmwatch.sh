# shellcheck shell=sh
# What a level shows of a VMM it runs, for the payloads that relay it to
# the level above (doll-nest.sh, vmm-watch.sh). POSIX sh; needs KN_BUILD.
#   kn-cg pid=<pid> cgroup=<path> cpu.max=<..> cpu.weight=<..> cpuset.cpus=<..> memory.max=<..> memory.min=<..> cpu.eff=<..> memory.eff=<..>
#   kn-agent pid=<pid or -> listening=<true|false|?>
# (spaces in values become "_"; "-" for a file that is not there).

# kn_cg_line PID: the cgroup this level put PID in; nothing once it is gone.
kn_cg_line() {
	_c=$(sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null) || return 0
	[ -n "$_c" ] || return 0
	_l="kn-cg pid=$1 cgroup=$_c"
	for _f in cpu.max cpu.weight cpuset.cpus memory.max memory.min; do
		_l="$_l $_f=$(tr ' ' _ 2>/dev/null <"/sys/fs/cgroup$_c/$_f" || echo -)"
	done
	echo "$_l $(kn_cg_eff "$_c")"
}

# kn_cg_eff CGROUP: the bounds in force there, the tightest of it and its
# ancestors: "cpu.eff=<CPUs, quota/period, or max> memory.eff=<bytes or max>".
kn_cg_eff() {
	_d=$1 _v=
	while [ -n "$_d" ] && [ "$_d" != / ]; do
		_q=$(tr ' ' / 2>/dev/null <"/sys/fs/cgroup$_d/cpu.max") || _q=max/1
		_m=$(cat 2>/dev/null "/sys/fs/cgroup$_d/memory.max") || _m=max
		_v="$_v $_q $_m"
		_d=${_d%/*}
	done
	echo "$_v" | awk '{
		c = -1; m = -1
		for (i = 1; i < NF; i += 2) {
			split($i, q, "/")
			if (q[1] != "max" && q[2] > 0 && (c < 0 || q[1] / q[2] < c)) c = q[1] / q[2]
			if ($(i + 1) != "max" && (m < 0 || $(i + 1) + 0 < m)) m = $(i + 1) + 0
		}
		printf "cpu.eff=%s memory.eff=%s\n", c < 0 ? "max" : sprintf("%.3f", c), m < 0 ? "max" : sprintf("%.0f", m)
	}'
}

# kn_agent_line: whether this level's agent runs and the kernel sees it
# listen; the end of its log when it is gone.
kn_agent_line() {
	_a=$(cat /run/kn-agent.pid 2>/dev/null || echo -)
	kill -0 "$_a" 2>/dev/null || _a=-
	_l=$("$KN_BUILD/nestctl/nestctl" -j envelope show self 2>/dev/null | jq -r .self.agent 2>/dev/null || echo '?')
	echo "kn-agent pid=$_a listening=${_l:-?}"
	[ "$_a" != - ] || tail -n 5 /tmp/kn-agent.log 2>/dev/null | sed 's/^/kn-agent-log: /'
}

# kn_watch_vmm PID INTERVAL: both lines every INTERVAL seconds while PID
# lives (run it in the background).
kn_watch_vmm() {
	while kill -0 "$1" 2>/dev/null; do
		kn_cg_line "$1"
		kn_agent_line
		sleep "$2"
	done
}
