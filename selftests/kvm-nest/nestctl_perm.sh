#!/bin/sh
# Reading is open to every user, changing needs CAP_NET_ADMIN: as nobody
# (setpriv), nestctl shows dolls, trees, stats and events, but stats reset
# fails with the EPERM message and exit 1 and resets nothing; so it does
# for root without CAP_NET_ADMIN in its bounding set.
set -u
KN_TOP=${KN_TOP:?}
# shellcheck source=nestctl_lib.sh
. "$KN_TOP/selftests/kvm-nest/nestctl_lib.sh"
nc_require
command -v setpriv >/dev/null || tap_skip_all "setpriv not found"
NAME=knperm$$
EPERM_MSG='Error: stats reset needs CAP_NET_ADMIN (Operation not permitted)'
NOBODY="--reuid=65534 --regid=65534 --clear-groups"

# as <setpriv options...> -- <nestctl args...>: nc, under setpriv.
as() {
	_opts=
	while [ "$1" != -- ]; do _opts="$_opts $1"; shift; done
	shift
	nc_rc=0
	# shellcheck disable=SC2086 # the options are words
	setpriv $_opts "$NC" "$@" >"$NC_WORK/out" 2>"$NC_WORK/err" || nc_rc=$?
}

tap_plan 10
guest_start 1 "$NAME" 300
pid=$guest_pid l1=$guest_l1

# shellcheck disable=SC2086
as $NOBODY -- -j doll show
jq_check "as nobody: doll show lists the guest's doll" \
	"[.[] | select(.id == $l1 and .pid == $pid and .name == \"$NAME\")] | length == 1"
# shellcheck disable=SC2086
as $NOBODY -- -j -i 0 doll tree
jq_check "as nobody: doll tree has it" "[.[] | select(.id == $l1)] | length == 1"
# shellcheck disable=SC2086
as $NOBODY -- -j stats "$NAME"
jq_check "as nobody: stats of it" ".doll.id == $l1 and .levels[0].dolls == 1"
# shellcheck disable=SC2086
as $NOBODY -- version
tap_check "as nobody: version" test "$nc_rc:$(sed -n 1p "$NC_WORK/out")" = "0:nestctl $(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$KN_TOP/dkms.conf")"

before=$(dbg "$l1" exits)
# shellcheck disable=SC2086
as $NOBODY -- stats reset
tap_check "as nobody: stats reset exits 1 with the EPERM message" \
	test "$nc_rc:$(cat "$NC_WORK/err")" = "1:$EPERM_MSG"
# shellcheck disable=SC2086
as $NOBODY -- stats reset "$NAME"
tap_check "as nobody: stats reset $NAME exits 1 with the EPERM message" \
	test "$nc_rc:$(cat "$NC_WORK/err")" = "1:$EPERM_MSG"
as --bounding-set=-net_admin -- stats reset "$l1"
tap_check "root without CAP_NET_ADMIN: stats reset exits 1 with the EPERM message" \
	test "$nc_rc:$(cat "$NC_WORK/err")" = "1:$EPERM_MSG"
after=$(dbg "$l1" exits)
tap_check "nothing was reset (exits $before -> $after)" test "$after" -ge "$before"

# Events are open to every user too.
# shellcheck disable=SC2086
setpriv $NOBODY "$NC" -j monitor >"$NC_WORK/mon" 2>"$NC_WORK/monerr" &
mon=$!
NC_GUESTS="$NC_GUESTS $mon"
nc_wait_joined $mon 10
guest_stop "$pid"
seen() { grep -q "\"event\":\"doll-del\",\"id\":$l1," "$NC_WORK/mon"; }
_end=$(($(date +%s) + 20))
until seen || [ "$(date +%s)" -ge $_end ]; do sleep 0.5; done
tap_check "as nobody: monitor sees the doll go" seen
kill "$mon"
rc=0
wait "$mon" || rc=$?
tap_check "as nobody: monitor ends cleanly on SIGTERM (exit $rc)" \
	test "$rc:$(cat "$NC_WORK/monerr")" = "0:"
tap_exit
