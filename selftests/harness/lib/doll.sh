# shellcheck shell=sh disable=SC2034 # doll_rc, ddir and doll_said are for the test
# L1 dolls in the background for a test (selftests/harness/l1-doll.sh):
# start one, watch it, wait for its end. The test's EXIT trap kills $qpid
# if it is still set.

# kn_alive PID: the process exists and is no zombie.
kn_alive() {
	_st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$_st" ] && [ "$_st" != Z ]
}

# kn_doll_start NAME TIMEOUT COMMAND: an L1 doll with kvm-nest loaded in
# it, running COMMAND. Sets qpid, ddir and doll_said (l1-doll.sh's line),
# or bails out with that line.
kn_doll_start() {
	doll_said=$("$KN_TOP/selftests/harness/l1-doll.sh" --bg --module --name "$1" \
		--timeout "$2" -- "$3")
	qpid=$(echo "$doll_said" | sed -n 's/^pid=\([0-9]*\) .*/\1/p')
	ddir=$(echo "$doll_said" | sed -n 's/.* dir=//p')
	if [ -z "$qpid" ] || [ ! -d "$ddir" ]; then
		tap_bail "l1-doll.sh --bg said '$doll_said'"
	fi
}

# kn_doll_end OUT: waits (30 s at most) for the doll to end; its output
# goes to OUT, its exit status to doll_rc. Clears qpid.
kn_doll_end() {
	doll_rc=0
	"$KN_TOP/selftests/harness/l1-doll.sh" --wait "$ddir" --timeout 30 >"$1" 2>&1 ||
		doll_rc=$?
	qpid=
}

# kn_doll_steps PREFIX HANDLER: while the doll runs, HANDLER NAME for each
# new "PREFIX-step NAME" line of its result log, in order (the doll
# pauses after each). Sets steps_done, and steps_late: the names whose
# "PREFIX-go NAME" was there already when HANDLER returned.
kn_doll_steps() {
	steps_done=0 steps_late=
	_log=$ddir/steps.log
	while kn_alive "$qpid"; do
		# QEMU creates it when it starts, seconds later under TCG.
		if [ -f "$ddir/result.log" ]; then tr -d '\r' <"$ddir/result.log" >"$_log"; else : >"$_log"; fi
		# A line the doll is still writing is not read yet.
		[ -z "$(tail -c1 "$_log")" ] || sed -i '$d' "$_log"
		_n=$(grep -c "^$1-step " "$_log" || true)
		while [ "$steps_done" -lt "$_n" ]; do
			steps_done=$((steps_done + 1))
			_s=$(grep "^$1-step " "$_log" | sed -n "${steps_done}p" | cut -d' ' -f2)
			"$2" "$_s"
			tr -d '\r' <"$ddir/result.log" | grep -qx "$1-go $_s" && steps_late="$steps_late $_s"
		done
		sleep 0.2
	done
}
