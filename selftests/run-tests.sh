#!/bin/sh
# run-tests.sh [NAME...]: in-host kselftest-style runner (POSIX sh, busybox ok).
# Runs the tests of selftests/kvm-nest/tests.list that apply to this CPU's
# vendor (or only the NAMEs given), each under its timeout, and prints TAP 13.
# A test is a script <name>.sh next to the list or a binary
# build/selftests/<name>; it fails if it exits non-zero, times out, leaves
# kvm-nest unloaded, or if the kernel logs a WARN/BUG/Oops while it runs.
# Exit: 0 all passed, 1 a failure, 4 everything skipped.
# KN_TESTS_LIST: another list (the harness's own selftest uses one).
set -u # not -e: one failing step must not stop the runner
KN_TOP=${KN_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
KN_BUILD=${KN_BUILD:-$KN_TOP/build}
KN_KVER=${KN_KVER:-$(uname -r)}
if [ -z "${KN_VENDOR:-}" ]; then
	if grep -qw svm /proc/cpuinfo; then KN_VENDOR=svm; elif grep -qw vmx /proc/cpuinfo; then KN_VENDOR=vmx; else KN_VENDOR=none; fi
fi
if [ -z "${KN_KERNEL:-}" ]; then
	for d in "$KN_BUILD"/kernels/*/root/lib/modules/"$KN_KVER"; do
		[ -d "$d" ] && KN_KERNEL=${d#"$KN_BUILD"/kernels/} && KN_KERNEL=${KN_KERNEL%%/*}
	done
fi
: "${KN_KERNEL:?no build/kernels/<alias> matches this kernel $KN_KVER}"
KN_MODDIR=${KN_MODDIR:-$KN_BUILD/kernels/$KN_KERNEL/root/lib/modules/$KN_KVER}
KN_MODULE=${KN_MODULE:-$KN_BUILD/mod/$KN_KERNEL/kvm-nest/kvm-nest.ko}
export KN_TOP KN_BUILD KN_KERNEL KN_KVER KN_VENDOR KN_MODULE KN_MODDIR

# shellcheck source=harness/lib/klog.sh
. "$KN_TOP/selftests/harness/lib/klog.sh"
# shellcheck source=harness/lib/kmod.sh
. "$KN_TOP/selftests/harness/lib/kmod.sh"
# shellcheck source=harness/lib/agent.sh
. "$KN_TOP/selftests/harness/lib/agent.sh"

list=${KN_TESTS_LIST:-$KN_TOP/selftests/kvm-nest/tests.list}
tdir=$(dirname "$list")
tmp=$(mktemp -d /tmp/kn-run.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Selected tests, one "name timeout" per line; a bad line is an error.
sel=$tmp/selected
: >"$sel"
lineno=0
while read -r name vendor tmo extra; do
	lineno=$((lineno + 1))
	case $name in '' | '#'*) continue ;; esac
	case $vendor:$tmo:$extra in
	any:*: | svm:*: | vmx:*: | any:*:slow | svm:*:slow | vmx:*:slow) ;;
	*) echo "Bail out! $list:$lineno: want '<name> any|svm|vmx <timeout-s> [slow]'"; exit 1 ;;
	esac
	case $tmo in '' | *[!0-9]*) echo "Bail out! $list:$lineno: bad timeout '$tmo'"; exit 1 ;; esac
	[ "$vendor" = any ] || [ "$vendor" = "$KN_VENDOR" ] || continue
	if [ $# -gt 0 ]; then
		case " $* " in *" $name "*) ;; *) continue ;; esac
	elif [ "$extra" = slow ]; then
		continue	# not per commit: only when named
	fi
	echo "$name $tmo" >>"$sel"
done <"$list"
for want in "$@"; do
	grep -q "^$want " "$sel" || { echo "Bail out! test '$want' is not in $list for vendor $KN_VENDOR"; exit 1; }
done

total=$(wc -l <"$sel")
echo "TAP version 13"
if [ "$total" -eq 0 ]; then
	echo "1..0 # SKIP no test for vendor $KN_VENDOR in $list"
	exit 4
fi
echo "1..$total"

prefix() { while IFS= read -r l; do printf '# %s\n' "$l"; done; }

pass=0 fail=0 skip=0 n=0
while read -r name tmo; do
	n=$((n + 1))
	echo "# selftests: kvm-nest: $name"
	if [ -f "$tdir/$name.sh" ]; then
		set -- sh "$tdir/$name.sh"
	elif [ -x "$KN_BUILD/selftests/$name" ]; then
		set -- "$KN_BUILD/selftests/$name"
	else
		echo "# neither $tdir/$name.sh nor build/selftests/$name exists (make -C selftests)"
		echo "not ok $n $name # missing"
		fail=$((fail + 1))
		continue
	fi
	had_nest=0
	kn_loaded kvm_nest && had_nest=1
	# The envelope agent comes back if a module reload ended it.
	[ "$had_nest" = 0 ] || kn_agent_start >/dev/null 2>&1 || true
	mark="test-$n-$name-$$"
	kn_mark "$mark"
	t0=$(date +%s)
	{
		timeout -s TERM -k 10 "$tmo" "$@" </dev/null 2>&1
		echo $? >"$tmp/rc"
	} | tee "$tmp/out" | prefix
	rc=$(cat "$tmp/rc")
	dt=$(($(date +%s) - t0))
	why=
	case $rc in 124 | 137 | 143) [ "$dt" -ge "$tmo" ] && why="timeout after ${tmo}s" ;; esac
	[ -n "$why" ] || case $rc in 0 | 4) ;; *) why="exit code $rc" ;; esac
	bad=$(kn_log_since "$mark" | kn_log_bad)
	if [ -n "$bad" ]; then
		echo "# kernel problem while $name ran:"
		echo "$bad" | head -n 20 | prefix
		why="${why:+$why, }kernel WARN/BUG/Oops"
	fi
	if [ "$had_nest" = 1 ] && ! kn_loaded kvm_nest; then
		why="${why:+$why, }left kvm-nest unloaded"
		kn_load_kvm && kn_load_nest || echo "# could not reload kvm-nest"
	fi
	echo "# $name: ${dt}s"
	if [ -n "$why" ]; then
		echo "not ok $n $name # $why"
		fail=$((fail + 1))
	elif [ "$rc" = 4 ]; then
		# kselftest: a skip carries its reason ("# SKIP <reason>").
		reason=$(grep -o '# *SKIP.*' "$tmp/out" | head -n 1 | sed 's/^# *SKIP[: ]*//')
		if [ -n "$reason" ]; then
			echo "ok $n $name # SKIP $reason"
			skip=$((skip + 1))
		else
			echo "not ok $n $name # skipped without giving a reason"
			fail=$((fail + 1))
		fi
	else
		echo "ok $n $name"
		pass=$((pass + 1))
	fi
done <"$sel"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ "$fail" -eq 0 ] || exit 1
[ "$pass" -gt 0 ] || exit 4
exit 0
