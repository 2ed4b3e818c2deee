#!/bin/bash
# check.sh: what `make check` runs. Builds the module for every pinned kernel
# and the test binaries, then runs the in-host suite (selftests/run-tests.sh)
# in emulated hosts:
#   TIER=commit (default): svm, then a short ibt run
#   TIER=svm: QEMU TCG, every alias of KN_KERNELS
#   TIER=vmx: Bochs, kernel 6.1
#   TIER=ibt: Bochs tigerlake (CET), kernel 6.12, IBT enforced
#   TIER=all: svm, vmx and ibt
# With ibt, the build-time IBT check's own test (ibt-check-test.sh) runs
# beside the hosts, reported as the run "build-ibt"; in commit and all
# (no KN_TESTS), so does dkms-test.sh ("build-dkms"). With svm, make deb
# builds the packages that pkg_install installs. KN_TESTS leaves ibt out
# of commit.
# Prints each run's TAP, a combined summary, per-tier times and finally
# "N passed, N failed, N skipped". Exit 0 only if nothing failed and every
# skip gave its reason. KN_KERNELS (space-separated aliases) overrides the
# list; KN_TESTS="name ..." runs only those tests (both tiers);
# KN_VMX_TESTS the VMX tier's subset (see below).
set -eu
here=$(dirname "$0")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

# All in main: bash then reads it whole, so editing this file while it
# runs cannot derail the running copy.
main() {
	TIER=${TIER:-commit}
	case $TIER in commit | svm | vmx | ibt | all) ;; *) kn_die "TIER=$TIER: use commit, svm, vmx, ibt or all" ;; esac
	# KN_TESTS names svm tests: the commit tier then leaves out the ibt run.
	want() {
		case $TIER:$1:${KN_TESTS:+named} in
		all:* | commit:svm:* | commit:ibt: | "$1:$1":*) return 0 ;;
		esac
		return 1
	}
	kernels=${KN_KERNELS:-$(kn_mkvar KN_KERNELS)}
	export KN_REQUIRE_MODULE=1
	# Per tier, so that two tiers can run at once.
	logs=$KN_BUILD/check/$TIER
	rm -rf "$logs"
	mkdir -p "$logs"
	t_all=$(kn_now)

	step() { printf 'check: %s\n' "$*" >&2; }
	step "dependencies"
	"$KN_TOP/scripts/deps.sh" >&2 || kn_die "scripts/deps.sh failed"
	step "make modules-all (fetches kernels as needed)"
	make -C "$KN_TOP" --no-print-directory modules-all >"$logs/modules.log" 2>&1 ||
		{ tail -n 30 "$logs/modules.log" >&2; kn_die "make modules-all failed ($logs/modules.log)"; }
	step "make -C selftests"
	make -C "$KN_TOP/selftests" --no-print-directory O="$KN_BUILD/selftests" >"$logs/selftests.log" 2>&1 ||
		{ tail -n 30 "$logs/selftests.log" >&2; kn_die "make -C selftests failed ($logs/selftests.log)"; }
	# Userspace tools the tests drive (nestctl): each builds into build/<name>.
	for mk in "$KN_TOP"/userspace/*/Makefile; do
		[ -f "$mk" ] || continue
		d=$(dirname "$mk")
		step "make -C ${d#"$KN_TOP"/}"
		make -C "$d" --no-print-directory >"$logs/${d##*/}.log" 2>&1 ||
			{ tail -n 30 "$logs/${d##*/}.log" >&2; kn_die "make -C $d failed ($logs/${d##*/}.log)"; }
	done

	# The packages, which pkg_install installs in an emulated host.
	if want svm; then
		step "make deb"
		make -C "$KN_TOP" --no-print-directory deb >"$logs/deb.log" 2>&1 ||
			{ tail -n 30 "$logs/deb.log" >&2; kn_die "make deb failed ($logs/deb.log)"; }
	fi

	# Host timeout: the tests' own timeouts (of NAMES, or all) plus boot.
	budget() {
		awk -v v="$1" -v names=" $2 " '!/^#/ && NF >= 3 && ($2 == "any" || $2 == v) &&
			(names == "  " ? $4 != "slow" : index(names, " " $1 " ")) { s += $3 } END { print s + 0 }' \
			"$KN_TOP/selftests/kvm-nest/tests.list"
	}
	svm_tests=${KN_TESTS:-}
	# Guest time in Bochs ran 30-80x slower than wall time here, so in-host
	# timeouts hardly bound a test there and the netlink/nestctl/stress tests
	# would take hours: the VMX tier runs the tests that exercise VMX itself.
	vmx_tests=${KN_TESTS:-${KN_VMX_TESTS:-host_sanity load_unload refuse_no_vendor l1_cpuid l2_cpuid doll_lifecycle deleg_answers deleg_counts deleg_forms deleg_revoke deleg_intercepts deleg_msr_write deleg_hostile deleg_ctl deleg_reset deleg_slot exit_census}}
	# IBT: the gate first; per commit then load/unload, VMs made and
	# destroyed, an L2, a delegated exit (kvm-nest was loaded at boot, before
	# any of them); TIER=ibt or all: the whole VMX list on 6.12.
	ibt_short="ibt_enforced load_unload doll_lifecycle l2_cpuid deleg_counts"
	[ "$TIER" = commit ] || ibt_short="ibt_enforced $vmx_tests"
	ibt_tests=${KN_IBT_TESTS:-$ibt_short}

	# run_one <tier> <runner> <alias> <timeout> <tests>: one emulated host, in
	# the background; its TAP goes to $logs/<tier>-<alias>.tap.
	pids=()
	run_one() {
		local tag=$1-$3 cmd="selftests/run-tests.sh $5"
		(
			t0=$(kn_now)
			rc=0
			"$here/$2" --kernel "$3" --timeout "$4" -- "$cmd" >"$logs/$tag.tap" 2>"$logs/$tag.err" || rc=$?
			echo "$rc $(kn_since "$t0")" >"$logs/$tag.rc"
		) &
		pids+=($!)
		# Live progress on stderr, from the runner's console stream.
		tail --pid=$! -n +1 -F "$logs/$tag.err" >&2 2>/dev/null &
	}

	runs=()
	tiers=()
	# run_build <name> <command...>: a test of the build on the development
	# machine, beside the hosts; its TAP goes to $logs/build-<name>.tap.
	run_build() {
		local tag=build-$1
		shift
		(
			t0=$(kn_now)
			rc=0
			"$@" >"$logs/$tag.tap" 2>&1 || rc=$?
			echo "$rc $(kn_since "$t0")" >"$logs/$tag.rc"
		) &
		pids+=($!)
		runs+=("$tag")
	}
	if want ibt; then
		tiers+=(build)
		step "build: the IBT check refuses what it must (ibt-check-test.sh)"
		run_build ibt "$here/ibt-check-test.sh" 6.12
	fi
	# DKMS refuses an unsupported tree and builds a supported one: per
	# commit and in all, not when tests are named.
	if [ -z "${KN_TESTS:-}" ] && { [ "$TIER" = commit ] || [ "$TIER" = all ]; }; then
		[[ " ${tiers[*]} " == *" build "* ]] || tiers+=(build)
		step "build: dkms refuses and builds (dkms-test.sh)"
		run_build dkms "$here/dkms-test.sh" 6.1
	fi

	# Bochs runs beside the two TCG hosts: its boot and few tests take about
	# 8 minutes, which would add that much to the per-commit wall time after them.
	if want ibt; then
		tiers+=(ibt)
		t=$(($(budget vmx "$ibt_tests") * 4 + 900))
		step "tier ibt: Bochs tigerlake on kernel 6.12: $ibt_tests (host timeout ${t}s)"
		KN_BOCHS_CPU=tigerlake run_one ibt bochs-host.sh 6.12 "$t" "$ibt_tests"
		runs+=("ibt-6.12")
	fi
	if want svm; then
		tiers+=(svm)
		t=$(($(budget svm "$svm_tests") + 300))
		step "tier svm: QEMU TCG on kernels $kernels (host timeout ${t}s each)"
		# Two hosts of one vCPU each run side by side on a 2-core machine.
		for k in $kernels; do
			run_one svm qemu-host.sh "$k" "$t" "$svm_tests"
			runs+=("svm-$k")
		done
		wait "${pids[@]}" || true
		pids=()
	fi
	wait "${pids[@]}" 2>/dev/null || true
	pids=()
	if want vmx; then
		tiers+=(vmx)
		t=$(($(budget vmx "$vmx_tests") * 4 + 900))
		step "tier vmx: Bochs on kernel 6.1: $vmx_tests (host timeout ${t}s)"
		run_one vmx bochs-host.sh 6.1 "$t" "$vmx_tests"
		runs+=("vmx-6.1")
		wait "${pids[@]}" || true
		pids=()
	fi
	sleep 1

	# Combined summary. A host that failed as a whole (crash, timeout, no
	# totals) counts as one failure on top of its tests' counts.
	pass=0 fail=0 skip=0 n=0
	echo "TAP version 13"
	echo "1..${#runs[@]}"
	for r in "${runs[@]}"; do
		n=$((n + 1))
		read -r rc secs <"$logs/$r.rc"
		echo "# ===== $r (${secs}s, rc $rc) ====="
		sed 's/^/# /' "$logs/$r.tap"
		tot=$(grep -a '^# Totals: ' "$logs/$r.tap" | tail -n 1 || true)
		p=0 f=0 s=0
		if [[ $tot =~ pass:([0-9]+)\ fail:([0-9]+).*skip:([0-9]+) ]]; then
			p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} s=${BASH_REMATCH[3]}
		fi
		if [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$f" = 0 ]; then
			f=1
			grep -a 'FAIL' "$logs/$r.err" | sed 's/^/# /' || true
		fi
		# kselftest skips must say why.
		bare=$(grep -acE '^ok [0-9]+ .*# SKIP *$' "$logs/$r.tap" || true)
		[ "$bare" = 0 ] || { echo "# $r: $bare skip(s) without a reason"; f=$((f + bare)); }
		pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
		if [ "$f" = 0 ]; then echo "ok $n $r # pass:$p skip:$s ${secs}s"; else echo "not ok $n $r # pass:$p fail:$f skip:$s ${secs}s"; fi
	done
	for t in "${tiers[@]}"; do
		line="tier $t:"
		for r in "${runs[@]}"; do
			[[ $r == "$t"-* ]] || continue
			read -r _ secs <"$logs/$r.rc"
			line+=" ${r#"$t"-} ${secs}s"
		done
		echo "# $line"
	done
	# Failures again at the end, where a truncated log still shows them.
	for r in "${runs[@]}"; do
		grep -a '^not ok ' "$logs/$r.tap" | sed "s/^not ok [0-9]* /# FAILED $r: /" || true
		grep -a '^# not ok ' "$logs/$r.tap" | head -n 5 | sed "s/^# /#   $r: /" || true
	done
	echo "# total wall $(kn_since "$t_all")s; logs in $logs"
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
}
main "$@"
