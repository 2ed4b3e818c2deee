# shellcheck shell=sh
# What the nestctl tests share (POSIX sh, sourced; not a test itself):
# running nestctl and checking its exit code, guests to look at, and the
# debugfs view (Documentation/debugfs.rst) that nestctl's numbers are checked with.
# shellcheck source=../harness/lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"

NC=${KN_NESTCTL:-$KN_BUILD/nestctl/nestctl}
SPIN=$KN_BUILD/selftests/guest_spin
DOLLS=/sys/kernel/debug/kvm_nest/dolls
LEVELS=/sys/kernel/debug/kvm_nest/levels
# shellcheck disable=SC2034 # for the tests that source this
HOOKS=/sys/kernel/debug/kvm_nest/hooks
NC_WORK=$(mktemp -d /tmp/nestctl.XXXXXX)
NC_GUESTS=

nc_cleanup() {
	for _g in $NC_GUESTS; do kill "$_g" 2>/dev/null; done
	rm -rf "$NC_WORK"
}
trap nc_cleanup EXIT

# Skip without a built nestctl or guest; fail without jq (the JSON parser).
nc_require() {
	[ -x "$NC" ] || tap_skip_all "$NC not built (make -C userspace/nestctl)"
	[ -x "$SPIN" ] || tap_skip_all "$SPIN not built (make -C selftests)"
	command -v jq >/dev/null || tap_bail "jq not found: the tests parse nestctl's JSON with it"
	[ -r "$DOLLS" ] || tap_bail "$DOLLS unreadable: kvm-nest loaded, debugfs mounted?"
}

# nc <args...>: run nestctl; stdout in $NC_WORK/out, stderr in $NC_WORK/err,
# exit code in $nc_rc. Never fails, so that set -e tests go on.
nc() {
	nc_rc=0
	"$NC" "$@" >"$NC_WORK/out" 2>"$NC_WORK/err" || nc_rc=$?
}

# nc_expect <rc> <args...>: one test point: nestctl exits with rc (and says
# why on stderr, "Error: ..." or the usage, when rc is not 0).
nc_expect() {
	_want=$1
	shift
	nc "$@"
	if [ "$nc_rc" = "$_want" ] && { [ "$_want" = 0 ] || grep -qE '^(Error|Usage): ' "$NC_WORK/err"; }; then
		tap_ok "nestctl $* exits $_want"
	else
		tap_not_ok "nestctl $* exits $_want (got $nc_rc)"
		tap_diag "stderr: $(cat "$NC_WORK/err")"
	fi
}

# jqout <filter>: the filter on the last nestctl output; fails if it is not JSON.
jqout() { jq -r "$@" "$NC_WORK/out"; }
# jq_check <description> <filter>: a test point: the filter yields true.
jq_check() {
	if [ "$(jq -e "$2" "$NC_WORK/out" 2>"$NC_WORK/jqerr")" = true ]; then
		tap_ok "$1"
	else
		tap_not_ok "$1"
		tap_diag "filter: $2" "output: $(head -c 2000 "$NC_WORK/out")" "$(cat "$NC_WORK/jqerr")"
	fi
}

# debugfs, by key (fields may be added): dbg_sel <awk condition on k[]>
# <key> prints key of each matching doll line; dbg <id> <key>, one doll's
# field; dbg_l1 <pid>, a VMM's level-1 doll; dbg_kids <id>, its children;
# dbg_exit <id> <code>, an exit count (0 if none).
dbg_sel() {
	awk -v want="$2" '$1 == "doll" {
		delete k
		for (i = 2; i <= NF; i++) { j = index($i, "="); k[substr($i, 1, j - 1)] = substr($i, j + 1) }
		if ('"$1"') print k[want] }' "$DOLLS"
}
dbg() { dbg_sel "k[\"id\"] == $1" "$2"; }
dbg_l1() { dbg_sel "k[\"level\"] == 1 && k[\"pid\"] == $1" id; }
dbg_kids() { dbg_sel "k[\"parent\"] == $1" id; }
dbg_exit() {
	awk -v id="$1" -v c="$2" 'BEGIN { n = 0 }
		$1 == "exit" && $2 == "doll=" id && $3 == "code=" c { sub(/.* count=/, ""); n = $0 }
		END { print n }' "$DOLLS"
}
dbg_level() {
	sed -n "s/^level=$1 .* $2=\([0-9]*\).*/\1/p" "$LEVELS"
}

# between <lo> <x> <hi>
between() { [ "$1" -le "$2" ] && [ "$2" -le "$3" ]; }

# nc_wait_joined <pid> <seconds>: wait until the process's generic netlink
# socket joined a multicast group (a monitor is listening). /proc/net/netlink
# shows groups 1 to 32 only: past the time, say so and go on.
nc_wait_joined() {
	_end=$(($(date +%s) + $2))
	until awk -v pid="$1" '$2 == 16 && $3 == pid && $4 != "00000000" { f = 1 } END { exit !f }' /proc/net/netlink; do
		[ "$(date +%s)" -lt $_end ] || { tap_diag "pid $1 joined no group visible in /proc/net/netlink in $2 s"; return 0; }
		sleep 0.2
	done
}

# guest_start <level> <name> <seconds>: a guest_spin whose VMM is named
# name (guest_spin ignores what follows --; kvm-nest reads -name there).
# Sets guest_pid and guest_l1 (its level-1 doll), and guest_l2 at level 2.
guest_start() {
	"$SPIN" -s "$3" -l "$1" -- -name "$2" >"$NC_WORK/spin.$2.$$" 2>&1 &
	guest_pid=$!
	NC_GUESTS="$NC_GUESTS $guest_pid"
	guest_l1='' guest_l2=''
	_end=$(($(date +%s) + 60))
	while [ "$(date +%s)" -lt $_end ]; do
		guest_l1=$(dbg_l1 "$guest_pid")
		[ -n "$guest_l1" ] && guest_l2=$(dbg_kids "$guest_l1" | head -n 1)
		[ -n "$guest_l1" ] && { [ "$1" = 1 ] || [ -n "$guest_l2" ]; } && return 0
		kill -0 "$guest_pid" 2>/dev/null || break
		sleep 0.2
	done
	tap_diag "debugfs dolls:" "$(cat "$DOLLS")"
	tap_diag "guest_spin output:" "$(cat "$NC_WORK/spin.$2.$$")"
	tap_bail "no level-$1 doll for guest_spin -l $1 (pid $guest_pid) after 60 s"
}

# guest_stop <pid>: end it and wait for it.
guest_stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}
