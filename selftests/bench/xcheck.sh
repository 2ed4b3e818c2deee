#!/bin/sh
# xcheck.sh: run tools/bpftrace/nested-exits.bt around one kn-bench run (L2
# under kn-bench's own L1: both levels, several exit codes) and compare its
# counts with kvm-nest's, per level and exit code: those of the VM's dolls
# just before it ended (kn-bench --dolls-out) and the "levels" totals.
# Prints one KNB-XCHECK JSON line and a summary; exits 1 on a difference.
set -eu
# shellcheck source=lib.sh
. "$KN_TOP/selftests/bench/lib.sh"
bt=$KN_TOP/tools/bpftrace/nested-exits.bt
levels=/sys/kernel/debug/kvm_nest/levels
census=/sys/kernel/debug/kvm_nest/census
command -v bpftrace >/dev/null || { echo 'KNB-XCHECK {"skipped":"no bpftrace"}'; exit 0; }
work=$(mktemp -d /tmp/knb-xcheck.XXXXXX)
btpid=
# Level-1 exits by code are counted only with the census on.
census0=$(cat $census)
trap '[ -z "$btpid" ] || kill "$btpid" 2>/dev/null || true; echo "$census0" >$census; rm -rf "$work"' EXIT
echo 1 >$census

bpftrace "$bt" >"$work/bt.out" 2>&1 &
btpid=$!
# It compiles and attaches first: tens of seconds under TCG.
i=0
until grep -q '^Tracing' "$work/bt.out"; do
	kill -0 "$btpid" 2>/dev/null || knb_die "bpftrace failed: $(cat "$work/bt.out")"
	i=$((i + 1))
	[ $i -lt 600 ] || knb_die "bpftrace did not attach in 120s"
	sleep 0.2
done
cp $levels "$work/levels0"
"$KNB_BIN" run -l 2 -o cpuid,hlt,touch -r 2 -t 20 -c stock -s xcheck \
	--dolls-out "$work/dolls" >"$work/run.out" || knb_die "kn-bench run for the cross-check failed"
cp $levels "$work/levels1"
kill -INT "$btpid"
wait "$btpid" || true
btpid=
pid=$(sed -n 's/^KNB {.*"pid":\([0-9]*\),.*/\1/p' "$work/run.out" | head -n 1)

# One awk over the four files; each sets its own part of the counts.
awk -v pid="$pid" '
function hex(n) { return sprintf("0x%x", n) }
function kv(first,   i, p) { split("", f); for (i = first; i <= NF; i++) { p = index($i, "="); f[substr($i, 1, p - 1)] = substr($i, p + 1) } }
FILENAME ~ /bt.out$/ && match($0, /^@level[12]\[[0-9]+\]: -?[0-9]+$/) {
	l = substr($0, 7, 1); split($0, a, /[][]/); n = $2 + 0
	if (n) { bt[l, hex(a[2])] += n; codes[l, hex(a[2])] = 1; btt[l] += n }
}
FILENAME ~ /dolls$/ && $1 == "doll" { kv(2); lvl[f["id"]] = f["level"]
	if (f["level"] == 1 && f["pid"] == pid) mine[f["id"]] = 1
	if (f["level"] == 2 && (f["parent"] in mine)) mine[f["id"]] = 1 }
FILENAME ~ /dolls$/ && $1 == "exit" { kv(2); if (f["doll"] in mine) {
	l = lvl[f["doll"]]; c = f["code"]; kn[l, c] += f["count"]; codes[l, c] = 1; knt[l] += f["count"] } }
FILENAME ~ /levels0$/ { kv(1); lv0[f["level"]] = f["exits"] }
FILENAME ~ /levels1$/ { kv(1); lv1[f["level"]] = f["exits"] }
END {
	bad = 0
	for (k in codes) { split(k, p, SUBSEP); if (bt[k] != kn[k]) bad++
		row[p[1]] = row[p[1]] sprintf("%s\"%s\":[%d,%d]", row[p[1]] == "" ? "" : ",", p[2], bt[k], kn[k]) }
	for (l = 1; l <= 2; l++) if (btt[l] != knt[l] || btt[l] != lv1[l] - lv0[l]) bad++
	printf "KNB-XCHECK {\"tool\":\"tools/bpftrace/nested-exits.bt\",\"pid\":%d,", pid
	printf "\"by_code\":{\"1\":{%s},\"2\":{%s}},", row[1], row[2]
	printf "\"total\":{\"bpftrace\":[%d,%d],\"dolls\":[%d,%d],\"levels\":[%d,%d]},", btt[1], btt[2], knt[1], knt[2], lv1[1] - lv0[1], lv1[2] - lv0[2]
	printf "\"mismatches\":%d}\n", bad
	printf "bench: cross-check: level-1/level-2 exits: bpftrace %d/%d, kvm-nest dolls %d/%d, levels %d/%d; %d mismatch(es)\n", btt[1], btt[2], knt[1], knt[2], lv1[1] - lv0[1], lv1[2] - lv0[2], bad > "/dev/stderr"
	exit bad != 0
}' "$work/bt.out" "$work/dolls" "$work/levels0" "$work/levels1"
