#!/bin/sh
# nestctl under valgrind: no leak of any kind and no memory error, for the
# commands that cover every path (dumps, do, lookups, tree, stats, info) on
# a live nested guest, for the error paths, and for a monitor (filtered,
# stamped: monitor -t doll) that sees a guest come and go and is then
# stopped by SIGTERM; "st" is stats by its prefix. envelope diff and apply
# of a file: the running doll's step (cpus 0-255 on a 1-CPU host) is
# refused, so apply sets back and drops the pending envelope it made first; then one
# that only makes a pending envelope, listed by envelope show. Valgrind under TCG
# takes some 20 s a run: the list is short on purpose.
set -u
KN_TOP=${KN_TOP:?}
# shellcheck source=nestctl_lib.sh
. "$KN_TOP/selftests/kvm-nest/nestctl_lib.sh"
nc_require
command -v valgrind >/dev/null || tap_skip_all "valgrind not found"
# valgrind.supp: libvirt's and glib's own process-wide allocations.
VG="valgrind -q --num-callers=50 --suppressions=$KN_TOP/selftests/kvm-nest/valgrind.supp --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --error-exitcode=99"
NAME=knvg$$

# vg <rc> <args...>: one test point: nestctl under valgrind exits rc, and
# valgrind reports nothing.
vg() {
	_want=$1
	shift
	_rc=0
	# shellcheck disable=SC2086 # VG is words
	$VG "$NC" "$@" >"$NC_WORK/out" 2>"$NC_WORK/err" || _rc=$?
	if [ "$_rc" = "$_want" ] && ! grep -q '^==[0-9]*==' "$NC_WORK/err"; then
		tap_ok "valgrind nestctl $*: exit $_rc, clean"
	else
		tap_not_ok "valgrind nestctl $*: exit $_rc (want $_want)"
		tap_diag "$(head -n 60 "$NC_WORK/err")"
	fi
}

tap_plan 16
# It outlives every valgrind run below, which took 751 s on a loaded host;
# the test kills it when it ends.
guest_start 2 "$NAME" 1100
vg 0 doll show "$NAME/$guest_l2"
vg 0 -j -p -i 0.2 doll tree
vg 0 st
vg 0 -j stats "$NAME"
vg 0 version
vg 1 doll show 4000000000
vg 0 doll set "$NAME/$guest_l2" delegate cpuid pause off
vg 0 doll set "$guest_l2" delegate all on
vg 2 doll set 1 delegate cpu off
F=$NC_WORK/tree.json
printf '{"dolls": [{"name": "%s-later", "envelope": {"cpu.limit": "0.5"}},\n{"name": "%s", "envelope": {"cpus": "0-255"}}]}\n' \
	"$NAME" "$NAME" >"$F"
vg 1 envelope diff "$F"
vg 1 envelope apply "$F"
printf '{"dolls": [{"name": "%s-later", "envelope": {"cpu.limit": "0.5"}}]}\n' "$NAME" >"$F"
vg 0 envelope apply "$F"
vg 0 -j envelope show
vg 0 envelope del name "$NAME-later"
guest_stop "$guest_pid"

# shellcheck disable=SC2086
$VG "$NC" -j monitor -t doll >"$NC_WORK/mon" 2>"$NC_WORK/monerr" &
mon=$!
NC_GUESTS="$NC_GUESTS $mon"
nc_wait_joined $mon 180	# valgrind starts slowly on a loaded host
# Long enough for guest_start to see its doll on a loaded host.
guest_start 1 "$NAME" 5
wait "$guest_pid"
_end=$(($(date +%s) + 30))
until grep -q '"event":"doll-del"' "$NC_WORK/mon" || [ "$(date +%s)" -ge $_end ]; do sleep 0.5; done
tap_check "valgrind nestctl -j monitor -t doll: saw the guest come and go" \
	test "$(grep -c "\"pid\":$guest_pid," "$NC_WORK/mon")" = 2
kill "$mon"
rc=0
wait "$mon" || rc=$?
if [ "$rc" = 0 ] && ! grep -q '^==[0-9]*==' "$NC_WORK/monerr"; then
	tap_ok "valgrind nestctl -j monitor -t doll: SIGTERM, exit 0, clean"
else
	tap_not_ok "valgrind nestctl -j monitor -t doll: exit $rc"
	tap_diag "$(head -n 60 "$NC_WORK/monerr")"
fi
tap_exit
