# shellcheck shell=bash
# What qemu-host.sh and bochs-host.sh share: arguments, the run directory,
# launching the emulator under a timeout while streaming its console, and
# the verdict from the console and result files. Sourced after common.sh.
#
# A run directory build/runs/<tier>-<alias>-<time>-<pid>/ holds run.env (read
# by host-init.sh inside the host), console.log (ttyS0) and result.log
# (ttyS1). It is kept after the run for post-mortem.

KN_RUNS=$KN_BUILD/runs
RUN_KERNEL=6.1 RUN_TIMEOUT=$RUN_DEFAULT_TIMEOUT RUN_MEM=$RUN_DEFAULT_MEM RUN_CMD=()
RUN_PID='' RUN_TAIL='' RUN_TIMED_OUT=0

kn_run_usage() {
	cat >&2 <<-EOU
	usage: ${0##*/} [--kernel ALIAS] [--timeout S] [--mem M] -- COMMAND...
	  Boot ALIAS (default 6.1) in the emulated host, run COMMAND there (cwd
	  $KN_TOP, shell syntax allowed), print its output (TAP) on stdout and
	  exit with its status: 0 pass, 1 fail, 4 skip. Console progress goes to
	  stderr (KN_QUIET=1 silences it). KN_* variables are passed to the host.
	EOU
	exit 2
}

kn_run_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--kernel) RUN_KERNEL=${2:?}; shift 2 ;;
		--timeout) RUN_TIMEOUT=${2:?}; shift 2 ;;
		--mem) RUN_MEM=${2:?}; shift 2 ;;
		--) shift; RUN_CMD=("$@"); break ;;
		*) kn_run_usage ;;
		esac
	done
	[ ${#RUN_CMD[@]} -gt 0 ] || kn_run_usage
	[[ $RUN_TIMEOUT =~ ^[0-9]+$ ]] || kn_die "--timeout wants seconds, got '$RUN_TIMEOUT'"
	[[ $RUN_MEM =~ ^[0-9]+[MG]$ ]] || kn_die "--mem wants <n>M or <n>G, got '$RUN_MEM'"
	RUN_MEM_MB=${RUN_MEM%?}
	[[ $RUN_MEM != *G ]] || RUN_MEM_MB=$((RUN_MEM_MB * 1024))
	RUN_KVER=$(kn_kver "$RUN_KERNEL")
	kn_need_kernel "$RUN_KERNEL"
	RUN_ROOT=$(kn_root "$RUN_KERNEL")
	# shellcheck disable=SC2034 # for the runner scripts
	RUN_VMLINUZ=$RUN_ROOT/boot/vmlinuz-$RUN_KVER
}

# kn_run_dir <tier>: create the run directory and its run.env.
kn_run_dir() {
	local v
	mkdir -p "$KN_RUNS"
	# Keep the newest 50 runs, and any run of the last 12 hours (one may
	# still be going).
	find "$KN_RUNS" -mindepth 1 -maxdepth 1 -type d -name '*-*-*' -printf '%T@ %p\n' |
		sort -rn | tail -n +51 | cut -d' ' -f2- |
		while IFS= read -r d; do
			[ -z "$(find "$d" -maxdepth 0 -mmin +720)" ] || rm -rf "$d"
		done
	RUN_DIR=$KN_RUNS/$1-$RUN_KERNEL-$(date +%Y%m%d-%H%M%S)-$$
	mkdir -p "$RUN_DIR"
	: >"$RUN_DIR/console.log"
	: >"$RUN_DIR/result.log"
	{
		for v in $(compgen -e | grep '^KN_'); do
			case $v in KN_MODDIR | KN_KVER | KN_VENDOR | KN_RUNS) continue ;; esac
			printf '%s=%s\n' "$v" "$(kn_shquote "${!v}")"
		done
		printf 'KN_KERNEL=%s\n' "$(kn_shquote "$RUN_KERNEL")"
		printf 'KN_RUNDIR=%s\n' "$(kn_shquote "$RUN_DIR")"
		printf 'KN_CMD=%s\n' "$(kn_shquote "${RUN_CMD[*]}")"
	} >"$RUN_DIR/run.env"
}

kn_run_kill() {
	[ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null || return 0
	kill -TERM "$RUN_PID" 2>/dev/null || true
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$RUN_PID" 2>/dev/null || return 0
		sleep 0.5
	done
	kill -KILL "$RUN_PID" 2>/dev/null || true
}

# Live console stream: userspace lines and the interesting kernel lines;
# KN_VERBOSE=1 shows all. The console file always keeps everything.
KN_STREAM_KEEP='kvm|nest|SVM|VMX|Run /init|WARN|BUG|Oops|panic|Call Trace|RIP:|error|fail|taint|sysrq'
kn_run_filter() {
	if [ "${KN_VERBOSE:-0}" = 1 ]; then
		sed -u 's/\r$//; s/\x1b\[[0-9;?]*[A-Za-z]//g'
	else
		sed -u 's/\r$//; s/\x1b\[[0-9;?]*[A-Za-z]//g' |
			sed -u -n -E "/^\[ *[0-9]+\.[0-9]+\] /!{p;d}; \%$KN_STREAM_KEEP%p"
	fi
}

# kn_run_launch <label> <stdin-file> <emulator command...>: start it in
# the background, stream the console, wait for exit or the deadline.
kn_run_launch() {
	local label=$1 input=$2 deadline ended=
	shift 2
	RUN_T0=$(kn_now)
	trap 'kn_run_kill; kn_log "interrupted; run dir kept: $RUN_DIR"; exit 130' INT TERM
	trap 'kn_run_kill' EXIT
	"$@" <"$input" >"$RUN_DIR/emulator.log" 2>&1 &
	RUN_PID=$!
	if [ "${KN_QUIET:-0}" != 1 ]; then
		tail --pid="$RUN_PID" -n +1 -F "$RUN_DIR/console.log" 2>/dev/null |
			kn_run_filter | sed -u "s/^/[$label] /" >&2 &
		RUN_TAIL=$!
	fi
	deadline=$(($(date +%s) + RUN_TIMEOUT))
	while kill -0 "$RUN_PID" 2>/dev/null; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			RUN_TIMED_OUT=1
			kn_log "timeout after ${RUN_TIMEOUT}s: stopping the emulator"
			kn_run_kill
			break
		fi
		# A panicked Bochs reboots forever: stop as soon as the panic shows.
		if grep -aq 'Kernel panic - not syncing' "$RUN_DIR/console.log"; then
			sleep 2
			kn_run_kill
			break
		fi
		# Powered off but the emulator lingers: give it 10 s, then stop it.
		if [ -z "$ended" ] && grep -q '^KN-END' "$RUN_DIR/result.log"; then
			ended=$(($(date +%s) + 10))
		elif [ -n "$ended" ] && [ "$(date +%s)" -ge "$ended" ]; then
			kn_run_kill
		fi
		sleep 0.5
	done
	# The emulator's own status means nothing (Bochs exits 1 on poweroff).
	wait "$RUN_PID" 2>/dev/null || true
	[ -z "$RUN_TAIL" ] || wait "$RUN_TAIL" 2>/dev/null || true
	RUN_WALL=$(kn_since "$RUN_T0")
	trap - INT TERM EXIT
}

# KN_BAD_CONSOLE: one definition for every runner.
# shellcheck source=klog.sh
. "$KN_TOP/selftests/harness/lib/klog.sh"

# kn_run_verdict <label>: print the host's output (TAP) on stdout, explain
# any failure on stderr, and return 0/1/4.
kn_run_verdict() {
	local label=$1 con=$RUN_DIR/console.log res=$RUN_DIR/result.log
	local why=() rc line t
	tr -d '\r' <"$res" | grep -av '^KN-' || true
	[ "$RUN_TIMED_OUT" = 0 ] || why+=("timeout after ${RUN_TIMEOUT}s")
	line=$(grep -aE -m1 "$KN_BAD_CONSOLE" "$con" | tr -d '\r')
	[ -z "$line" ] || why+=("kernel problem on the console: $line")
	line=$(grep -a -m1 '^KN-ERROR' "$res" | tr -d '\r')
	[ -z "$line" ] || why+=("host: ${line#KN-ERROR }")
	grep -aq '^KN-END' "$res" || why+=("no KN-END on the result port: the host crashed, hung or never booted")
	rc=$(tr -d '\r' <"$res" | sed -n 's/^KN-RESULT rc=\([0-9]*\).*/\1/p' | tail -n 1)
	[ -n "$rc" ] || rc=1
	t=$(tr -d '\r' <"$res" | sed -n 's/^KN-TIME //p')
	kn_log "$label: wall ${RUN_WALL}s${t:+ (uptime marks: $t)}"
	if [ ${#why[@]} -gt 0 ]; then
		for line in "${why[@]}"; do kn_log "$label: FAIL: $line"; done
		kn_log "$label: run dir kept for post-mortem: $RUN_DIR"
		return 1
	fi
	case $rc in
	0) kn_log "$label: PASS" ;;
	4) kn_log "$label: SKIP" ;;
	*) kn_log "$label: FAIL (rc=$rc); run dir: $RUN_DIR"; rc=1 ;;
	esac
	return "$rc"
}
