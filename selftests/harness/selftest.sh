#!/bin/bash
# selftest.sh: prove the harness can fail. Boots QEMU hosts that pass, skip,
# crash, WARN and hang, plus one that runs run-tests.sh on a list of fake
# tests, and checks each verdict. Exit 0 if every verdict is the expected one.
set -eu
here=$(dirname "$0")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

dir=$KN_BUILD/harness-selftest
rm -rf "$dir"
mkdir -p "$dir"
fails=0
warn='echo "<4>WARNING: CPU: 0 PID: $$ at kn-harness-selftest" >/dev/kmsg'

# expect <name> <rc> <stderr ERE> -- <qemu-host.sh args...>
expect() {
	local name=$1 want=$2 re=$3 rc=0
	shift 4
	KN_QUIET=1 "$here/qemu-host.sh" "$@" >"$dir/$name.out" 2>"$dir/$name.err" || rc=$?
	if [ "$rc" = "$want" ] && grep -qE "$re" "$dir/$name.err"; then
		echo "ok - $name: rc $rc, /$re/"
	else
		echo "not ok - $name: rc $rc (want $want), /$re/ in:"
		sed 's/^/#   /' "$dir/$name.err"
		fails=$((fails + 1))
	fi
}

# Fake tests for the in-host runner.
t=$dir/tests
mkdir -p "$t"
cat >"$t/tests.list" <<-EOL
	# name vendor timeout
	pass any 10
	fail any 10
	skip any 10
	skipbare any 10
	warn any 10
	hang any 3
	unload any 10
	missing any 10
EOL
echo 'echo "ok 1 fine"' >"$t/pass.sh"
echo 'echo "not ok 1 broken"; exit 1' >"$t/fail.sh"
echo 'echo "1..0 # SKIP no such feature here"; exit 4' >"$t/skip.sh"
echo 'exit 4' >"$t/skipbare.sh"
echo "$warn" >"$t/warn.sh"
echo 'sleep 30' >"$t/hang.sh"
echo 'rmmod kvm_nest' >"$t/unload.sh"

expect pass 0 'PASS' -- -- true
expect skip 4 'SKIP' -- -- 'exit 4'
expect crash 1 'FAIL: kernel problem on the console: .*Kernel panic' -- -- 'echo c >/proc/sysrq-trigger'
expect warn 1 'FAIL: kernel problem on the console: .*WARNING: CPU:' -- -- "$warn"
expect hang 1 'FAIL: timeout after 40s' -- --timeout 40 -- 'sleep 600'
expect fakes 1 'FAIL' -- -- "KN_TESTS_LIST=$t/tests.list selftests/run-tests.sh"

# The in-host runner's verdict on each fake test.
tap=$dir/fakes.out
want=('^ok 1 pass$' '^not ok 2 fail # exit code 1$' '^ok 3 skip # SKIP no such feature here$'
	'^not ok 4 skipbare # skipped without giving a reason$' '^not ok 5 warn # kernel WARN'
	'^not ok 6 hang # timeout after 3s$' '^not ok 8 missing # missing$'
	'^# Totals: pass:[12] fail:[56] xfail:0 xpass:0 skip:1 error:0$')
# Without kvm-nest (not built yet), "unload" fails plainly (exit code 1).
if [ -f "$KN_BUILD/mod/6.1/kvm-nest/kvm-nest.ko" ]; then
	want+=('^not ok 7 unload # .*left kvm-nest unloaded')
else
	want+=('^not ok 7 unload # exit code 1$')
fi
for re in "${want[@]}"; do
	if grep -qE "$re" "$tap"; then
		echo "ok - run-tests: /$re/"
	else
		echo "not ok - run-tests: no line /$re/"
		fails=$((fails + 1))
	fi
done
echo "# harness selftest: $fails failure(s); outputs in $dir"
[ "$fails" -eq 0 ]
