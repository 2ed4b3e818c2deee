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
