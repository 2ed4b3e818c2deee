# shellcheck shell=sh
# TAP 13 helpers for the in-host shell tests (POSIX sh, sourced).

tap_n=0
tap_failed=0
tap_planned=

tap_plan() { tap_planned=$1; echo "TAP version 13"; echo "1..$1"; }
tap_diag() { for _l in "$@"; do printf '%s\n' "$_l" | sed 's/^/# /'; done; }
tap_ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n $*"; }
tap_not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n $*"; }
tap_skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n $1 # SKIP $2"; }

# tap_check <description> <command...>: one test point from a command's status.
tap_check() {
	_d=$1
	shift
	if "$@"; then tap_ok "$_d"; else tap_not_ok "$_d"; fi
}

# Whole test skipped (exit 4, kselftest), with its reason.
tap_skip_all() { echo "TAP version 13"; echo "1..0 # SKIP $*"; exit 4; }

# Give up on the remaining points: report and fail.
tap_bail() { echo "Bail out! $*"; exit 1; }

# The exit status: a failed point, or a count of points other than the
# plan's (a point lost on some path), fails the test.
tap_exit() {
	if [ -n "$tap_planned" ] && [ "$tap_n" -ne "$tap_planned" ]; then
		echo "# planned $tap_planned points, ran $tap_n"
		exit 1
	fi
	[ "$tap_failed" -eq 0 ] || exit 1
	exit 0
}
