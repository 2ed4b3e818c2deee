#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs each unit test program, shows its TAP, and sums up: exit 1 if any
# check failed or any program did not exit 0.
set -u
start=$EPOCHREALTIME
progs=0 failed=0 checks=0 bad=0
for t in "$@"; do
	name=$(basename "$t")
	out=$("$t" 2>&1)
	rc=$?
	printf '# %s\n%s\n' "$name" "$out"
	progs=$((progs + 1))
	checks=$((checks + $(grep -c '^ok ' <<<"$out") + $(grep -c '^not ok ' <<<"$out")))
	bad=$((bad + $(grep -c '^not ok ' <<<"$out")))
	if [ "$rc" != 0 ]; then
		failed=$((failed + 1))
		echo "# $name: FAILED (exit $rc)"
	fi
done
secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
echo "unit: $progs programs, $checks checks, $bad checks failed, $failed programs failed, $secs s"
[ "$failed" = 0 ]
