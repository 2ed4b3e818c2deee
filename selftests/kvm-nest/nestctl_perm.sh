#!/bin/sh
# What nestctl shows a user without CAP_NET_ADMIN (Documentation/security.rst,
# "Netlink permissions and the parent's authority"). As uid 1000 (setpriv),
# with a level-2 guest running: doll show, doll tree and stats list the
# dolls by id, path and level, but no pid, name, counters, vCPUs, memory
# or context address; a doll cannot be named by its name; the envelope view
# has no reservations; version has no hooks; monitor cannot join the events
# group; stats reset fails with the EPERM message, as it does for root
# without CAP_NET_ADMIN, and resets nothing. Root sees it all.
set -u
KN_TOP=${KN_TOP:?}
# shellcheck source=nestctl_lib.sh
. "$KN_TOP/selftests/kvm-nest/nestctl_lib.sh"
nc_require
command -v setpriv >/dev/null || tap_skip_all "setpriv not found"
NAME=knperm$$
EPERM_MSG='Error: stats reset needs CAP_NET_ADMIN (Operation not permitted)'
USER1000="--reuid=1000 --regid=1000 --clear-groups"
# What no unprivileged doll entry may carry.
SECRET='["pid", "name", "exits", "guest_ns", "reflected", "vcpus", "mem", "ctx", "delegated"]'

# as <setpriv options...> -- <nestctl args...>: nc, under setpriv, 20 s at
# most (a monitor that could join would run until killed: exit 124).
as() {
	_opts=
	while [ "$1" != -- ]; do _opts="$_opts $1"; shift; done
	shift
	nc_rc=0
	# shellcheck disable=SC2086 # the options are words
	timeout 20 setpriv $_opts "$NC" "$@" >"$NC_WORK/out" 2>"$NC_WORK/err" || nc_rc=$?
}

tap_plan 14
guest_start 2 "$NAME" 300
pid=$guest_pid l1=$guest_l1 l2=$guest_l2

nc -j doll show
jq_check "root: doll show has the guest's doll with its pid and name, and its context's address" \
	"([.[] | select(.id == $l1 and .pid == $pid and .name == \"$NAME\" and has(\"exits\"))] | length == 1) and
	 ([.[] | select(.id == $l2 and has(\"ctx\"))] | length == 1)"

# shellcheck disable=SC2086
as $USER1000 -- -j doll show
jq_check "uid 1000: doll show lists both dolls by id, path and level" \
	"([.[] | select(.id == $l1 and .level == 1 and .path == \"$l1\")] | length == 1) and
	 ([.[] | select(.id == $l2 and .level == 2 and .parent == $l1)] | length == 1)"
jq_check "uid 1000: no pid, name, counter, size or context address, no exits by reason" \
	"all(.[]; . as \$d | ($SECRET | all(. as \$s | \$d | has(\$s) | not)) and .exit == [])"
# shellcheck disable=SC2086
as $USER1000 -- -j -i 0 doll tree
jq_check "uid 1000: doll tree has the guest under its id, without pid or exits" \
	"[.[] | select(.id == $l1 and (has(\"pid\") or has(\"exits\") or has(\"name\") | not) and
	   ([.children[] | select(.id == $l2)] | length == 1))] | length == 1"
# shellcheck disable=SC2086
as $USER1000 -- -j stats
jq_check "uid 1000: stats counts the dolls per level, without exits or guest time" \
	".levels[0].dolls >= 1 and .levels[1].dolls >= 1 and all(.levels[]; has(\"exits\") or has(\"guest_ns\") | not)"
# shellcheck disable=SC2086
as $USER1000 -- stats "$NAME"
tap_check "uid 1000: stats $NAME exits 1: names need CAP_NET_ADMIN ($(cat "$NC_WORK/err"))" \
	test "$nc_rc" = 1 -a -n "$(grep -F 'names need CAP_NET_ADMIN: give an id' "$NC_WORK/err")"
# shellcheck disable=SC2086
as $USER1000 -- -j envelope show self
jq_check "uid 1000: envelope show self has no reservations" \
	".self.reserved.cpu == null and .self.reserved.mem == null and .self.depth == 0"
# shellcheck disable=SC2086
as $USER1000 -- -j version
jq_check "uid 1000: version has the module's version, no hooks" \
	".module.version == \"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$KN_TOP/dkms.conf")\" and .module.hook == []"

before=$(dbg "$l1" exits)
# shellcheck disable=SC2086
as $USER1000 -- stats reset
tap_check "uid 1000: stats reset exits 1 with the EPERM message" \
	test "$nc_rc:$(cat "$NC_WORK/err")" = "1:$EPERM_MSG"
# shellcheck disable=SC2086
as $USER1000 -- stats reset "$l1"
tap_check "uid 1000: stats reset $l1 exits 1 with the EPERM message" \
	test "$nc_rc:$(cat "$NC_WORK/err")" = "1:$EPERM_MSG"
as --bounding-set=-net_admin -- stats reset "$l1"
tap_check "root without CAP_NET_ADMIN: stats reset exits 1 with the EPERM message" \
	test "$nc_rc:$(cat "$NC_WORK/err")" = "1:$EPERM_MSG"
after=$(dbg "$l1" exits)
tap_check "nothing was reset (exits $before -> $after)" test "$after" -ge "$before"

# Events name pids and tenants' VMs: the group needs CAP_NET_ADMIN.
# shellcheck disable=SC2086
as $USER1000 -- monitor
tap_check "uid 1000: monitor cannot join the events group: exit 1, EPERM ($(cat "$NC_WORK/err"))" \
	test "$nc_rc:$(cat "$NC_WORK/err")" = "1:Error: monitor: cannot join group events of kvm_nest: Operation not permitted"
as --bounding-set=-net_admin -- monitor
tap_check "root without CAP_NET_ADMIN: monitor cannot join either ($(cat "$NC_WORK/err"))" \
	test "$nc_rc" = 1 -a -n "$(grep -F 'Operation not permitted' "$NC_WORK/err")"
guest_stop "$pid"
tap_exit
