#!/bin/sh
# Per-commit slice of the stress run (make stress runs the full
# counts): the netlink, channel and VM churn loads at once, with kvm-nest
# unloaded and loaded twice meanwhile (a cycle takes 10-60 s under TCG),
# with 15 quiet seconds after each, in which judged channel rounds run.
# Counts and seed: the KN_STRESS_* variables of stress-host.sh.
: "${KN_STRESS_NL:=100000}" "${KN_STRESS_CH:=12000}" "${KN_STRESS_CH_PROCS:=4}"
: "${KN_STRESS_CHURN:=80}" "${KN_STRESS_REVOKE_EVERY:=10}" "${KN_STRESS_MOD:=2}"
: "${KN_STRESS_MOD_PAUSE:=15}"
export KN_STRESS_NL KN_STRESS_CH KN_STRESS_CH_PROCS KN_STRESS_CHURN \
	KN_STRESS_REVOKE_EVERY KN_STRESS_MOD KN_STRESS_MOD_PAUSE
exec sh "$KN_TOP/selftests/harness/stress-host.sh"
