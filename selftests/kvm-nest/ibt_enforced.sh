#!/bin/sh
# shellcheck disable=SC2317 # functions run through tap_check
# The IBT tier's gate: this host enforces kernel IBT, so every other test of
# the run is one that an indirect call to a sealed function would have
# crashed. Named only by the IBT tier (check.sh TIER=ibt); elsewhere it fails,
# since a run that asked for IBT and did not get it proves nothing.
set -eu
# shellcheck source=../harness/lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"

ibt_logged() { dmesg | grep -q 'CET detected: Indirect Branch Tracking enabled'; }
ibt_flag() { grep -m1 '^flags' /proc/cpuinfo | grep -qw ibt; }

tap_plan 2
tap_check "the kernel logged 'CET detected: Indirect Branch Tracking enabled'" ibt_logged
tap_check "the CPU flags list ibt" ibt_flag
tap_exit
