# shellcheck shell=sh
# The envelope agent (`nestctl agent`, Documentation/envelopes.rst) of an emulated host
# or L1 doll: host-init.sh starts it once kvm-nest is loaded, run-tests.sh
# starts it again if a test's module reload ended it. POSIX sh, sourced
# after kmod.sh. Its output goes to a file, never to the kernel log, so the
# tests' "kernel log clean" checks see only the kernel.

KN_AGENT_LOG=/tmp/kn-agent.log
KN_AGENT_PIDFILE=/run/kn-agent.pid

kn_agent_nestctl() { echo "${KN_NESTCTL:-$KN_BUILD/nestctl/nestctl}"; }

# Built, and new enough to have the agent object.
kn_agent_supported() {
	_nc=$(kn_agent_nestctl)
	[ -x "$_nc" ] && "$_nc" -h 2>&1 | grep -qw agent
}

kn_agent_pid() {
	_p=$(cat "$KN_AGENT_PIDFILE" 2>/dev/null) || return 1
	kill -0 "$_p" 2>/dev/null && echo "$_p"
}

# kn_agent_start: start it unless it runs, kvm-nest is not loaded or
# nestctl has no agent. Returns 0 once one listens (it logs so after it
# joined kvm-nest's groups; a loaded host may take seconds), 1 if it died
# or did not listen within 30 s.
kn_agent_start() {
	kn_agent_pid >/dev/null && return 0
	kn_loaded kvm_nest || return 1
	kn_agent_supported || return 1
	echo "kn-agent: starting $(kn_agent_nestctl) agent at $(cut -d' ' -f1 /proc/uptime)s" >>"$KN_AGENT_LOG"
	_from=$(($(wc -l <"$KN_AGENT_LOG") + 1))
	"$(kn_agent_nestctl)" agent </dev/null >>"$KN_AGENT_LOG" 2>&1 &
	echo $! >"$KN_AGENT_PIDFILE"
	_i=0
	while kn_agent_pid >/dev/null; do
		tail -n +"$_from" "$KN_AGENT_LOG" | grep -q 'listening for envelopes to apply' && return 0
		_i=$((_i + 1))
		[ $_i -le 300 ] || break
		sleep 0.1
	done
	echo "kn-agent: not listening after $((_i / 10)) s" >>"$KN_AGENT_LOG"
	return 1
}
