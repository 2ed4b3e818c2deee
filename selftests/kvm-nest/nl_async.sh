#!/bin/sh
# No handler of the kvm_nest family waits for long (security.rst,
# "Control plane: no stalls, no lost messages"): generic
# netlink runs handlers under its lock, and a family registering (any
# modprobe of a module with one) waits for every handler under way.  With
# a child that hangs (ch_hung: HELLO, one reported doll, then silence) and
# an "envelope set" and a "doll ping" for that doll in flight:
#  - the kernel answers both requests at once (a cookie), nestctl waits;
#  - loading team.ko, which registers the "team" family, takes under 10 s,
#    and so does a read of the kvm_nest family, and a dry run on another
#    doll (also under valgrind: the waiting path leaks nothing);
#  - once the parent gives up (90 s), both nestctl commands end with the
#    child's silence as the reason, exit 1;
#  - one socket gets at most 16 such waiting requests queued, and another
#    socket still gets its own queued (nl_fair).
set -u
KN_TOP=${KN_TOP:?}
# shellcheck source=nestctl_lib.sh
. "$KN_TOP/selftests/kvm-nest/nestctl_lib.sh"
HUNG=$KN_BUILD/selftests/ch_hung
FAIR=$KN_BUILD/selftests/nl_fair
# The module to load, with no dependencies on either pinned kernel.
TEAM=$KN_MODDIR/kernel/drivers/net/team/team.ko
# ms: what a module load and a read may take at most while ops wait. A
# handler that waited would hold them for the parent's 90 s bound; TCG
# with three emulators on two cores took 1.0-1.2 s for a doll show.
BOUND_MS=10000
# s: the parent's bound on a child's answer is 90 s; some slack for TCG.
WAIT_S=150

nc_require
[ -x "$HUNG" ] || tap_skip_all "$HUNG not built (make -C selftests)"
[ -f "$TEAM" ] || tap_skip_all "$TEAM missing: no module with a genl family to load"
kn_loaded() { [ -e "/sys/module/$1/initstate" ]; }
kn_loaded team && tap_skip_all "team is loaded already: cannot time its load"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

tap_plan 11

"$HUNG" -s 400 >"$NC_WORK/hung" 2>&1 &
hung=$!
NC_GUESTS="$NC_GUESTS $hung"
for _ in $(seq 100); do
	grep -q '^kn-hung ' "$NC_WORK/hung" && break
	sleep 0.1
done
doll=$(sed -n 's/^kn-hung vm=[0-9]* doll=\([0-9]*\)$/\1/p' "$NC_WORK/hung")
[ -n "$doll" ] || tap_bail "ch_hung did not report its doll: $(cat "$NC_WORK/hung")"
tap_diag "the hung child's doll: $doll"

t0=$(now_ms)
"$NC" envelope set "$doll" cpu.weight 200 >"$NC_WORK/set.out" 2>"$NC_WORK/set.err" &
set_pid=$!
"$NC" doll ping "$doll" >"$NC_WORK/ping.out" 2>"$NC_WORK/ping.err" &
ping_pid=$!
NC_GUESTS="$NC_GUESTS $set_pid $ping_pid"
sleep 2
tap_check "envelope set and doll ping wait for the hung child" \
	kill -0 "$set_pid" "$ping_pid"

a=$(now_ms)
insmod "$TEAM"
rc=$?
b=$(now_ms)
load_ms=$((b - a))
tap_check "insmod team.ko (a genl family) exits 0 in ${load_ms} ms (< $BOUND_MS) while they wait" \
	test "$rc" = 0 -a "$load_ms" -lt "$BOUND_MS"
kn_loaded team && rmmod team

a=$(now_ms)
nc -j doll show "$doll"
b=$(now_ms)
tap_check "doll show answers in $((b - a)) ms (< $BOUND_MS) while they wait" \
	test "$nc_rc" = 0 -a $((b - a)) -lt "$BOUND_MS"

# Another doll's change is not held up by the hung one: a dry run on the
# hung child's own level-1 doll needs no agent, and comes back at once.
vm=$(sed -n 's/^kn-hung vm=\([0-9]*\) .*/\1/p' "$NC_WORK/hung")
a=$(now_ms)
nc envelope set "$vm" cpu.weight 300 dry-run
b=$(now_ms)
tap_check "a dry run on doll $vm comes back in $((b - a)) ms (< $BOUND_MS) (rc $nc_rc)" \
	test "$nc_rc" = 0 -a $((b - a)) -lt "$BOUND_MS"

# The waiting path of nestctl leaks nothing (valgrind, when installed).
if command -v valgrind >/dev/null; then
	vg_rc=0
	valgrind -q --num-callers=50 --suppressions="$KN_TOP/selftests/kvm-nest/valgrind.supp" \
		--leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
		--error-exitcode=99 "$NC" envelope set "$vm" cpu.weight 300 dry-run \
		>"$NC_WORK/vg.out" 2>"$NC_WORK/vg.err" || vg_rc=$?
	tap_check "valgrind nestctl envelope set $vm ... dry-run: exit $vg_rc, clean" \
		test "$vg_rc" = 0 -a ! -s "$NC_WORK/vg.err"
	[ "$vg_rc" = 0 ] || tap_diag "$(head -c 2000 "$NC_WORK/vg.err")"
else
	tap_skip "valgrind nestctl envelope set" "valgrind not installed"
fi

set_rc=0 ping_rc=0
wait "$set_pid" || set_rc=$?
wait "$ping_pid" || ping_rc=$?
t1=$(now_ms)
NC_GUESTS=$hung
tap_diag "envelope set: rc $set_rc after $(((t1 - t0) / 1000)) s: $(cat "$NC_WORK/set.err")" \
	"doll ping: rc $ping_rc: $(cat "$NC_WORK/ping.err")"
tap_check "both ended within $WAIT_S s" test $((t1 - t0)) -lt $((WAIT_S * 1000))
tap_check "envelope set exits 1: the child did not answer" \
	sh -c "test $set_rc = 1 && grep -q \"kvm-nest did not answer within 90 s\" '$NC_WORK/set.err'"
tap_check "doll ping exits 1: the child did not answer" \
	sh -c "test $ping_rc = 1 && grep -q \"kvm-nest did not answer within 90 s\" '$NC_WORK/ping.err'"
tap_check "envelope set printed that it waits for the child's level" \
	grep -q "^waiting for level 1 " "$NC_WORK/set.err"

# Fairness of the queue: pings of the hung doll stay queued for 90 s, or
# until the child goes (the test's end kills it).
fair=$("$FAIR" "$doll" 2>&1)
tap_diag "$fair"
tap_check "one socket gets 16 waiting requests queued, the 17th EBUSY with a reason" \
	sh -c "echo '$fair' | grep -q '^kn-fair accepted=16 refused=16 other=[0-9]* msg=this socket has 16 '"
tap_check "meanwhile another socket's request is queued" \
	sh -c "echo '$fair' | grep -q ' other=0 '"

tap_exit
