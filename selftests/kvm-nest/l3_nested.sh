#!/bin/sh
# Three levels of real KVM: an L1 Linux doll ("l1doll", qemu -enable-kvm on
# this host, kvm-nest loaded in it) runs l2_cpuid, whose L2 executes N
# CPUIDs; from this kernel's view that code is an L3. kvm-nest here must
# show the level-1 doll (name, qemu pid) and under it a level-2 doll with
# >= N CPUID exits and one with nested-entry (VMRUN / VMLAUNCH/VMRESUME)
# exits, in debugfs and through nestctl. The doll's kvm-nest reports its
# own dolls over the channel, so `nestctl -j doll tree` here must also show
# the L1-hosted VM at level 2 and its nested guest at level 3, each under
# its parent.
set -eu
# shellcheck source=../harness/lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"
# shellcheck source=../harness/lib/klog.sh
. "$KN_TOP/selftests/harness/lib/klog.sh"
# shellcheck source=../harness/lib/doll.sh
. "$KN_TOP/selftests/harness/lib/doll.sh"

# Enough CPUIDs that the doll's kvm-nest reports (once a second) while its
# nested guest exists.
N=${KN_L3_ITER:-4000}
DOLLS=/sys/kernel/debug/kvm_nest/dolls
L2=$KN_BUILD/selftests/l2_cpuid
NC=${KN_NESTCTL:-$KN_BUILD/nestctl/nestctl}
NAME=l1doll
case $KN_VENDOR in
svm) cpuid=0x72 entry='^0x80$' jcpuid=114 jentry='[128]' ;;
vmx) cpuid=0xa entry='^0x(14|18)$' jcpuid=10 jentry='[20,24]' ;;
esac
command -v qemu-system-x86_64 >/dev/null || tap_skip_all "no qemu-system-x86_64 in this host (Bochs tier has no 9p root)"
[ -x "$L2" ] || tap_bail "$L2 missing (make -C selftests)"
[ -r $DOLLS ] || tap_skip_all "kvm-nest not loaded ($KN_MODULE not built?): no $DOLLS"
[ -x "$NC" ] || tap_bail "$NC missing (make -C userspace/nestctl)"
command -v jq >/dev/null || tap_bail "jq not found: this test parses nestctl's JSON with it"

work=$(mktemp -d /tmp/l3.XXXXXX)
qpid=
trap '[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true; rm -rf "$work"' EXIT

# Summary of one debugfs snapshot: "<l1 id> <#l2> <max CPUID exits> <max entry exits>".
summary() {
	awk -v name=$NAME -v pid="$qpid" -v cpuid="$cpuid" -v entry="$entry" '
	function kv(   i, p) { split("", f); for (i = 2; i <= NF; i++) { p = index($i, "="); f[substr($i, 1, p - 1)] = substr($i, p + 1) } }
	function hex(s) { s = tolower(s); sub(/^0x0*/, "0x", s); return s == "0x" ? "0x0" : s }
	$1 == "doll" { kv(); lvl[f["id"]] = f["level"]; par[f["id"]] = f["parent"]
		if (f["level"] == 1 && f["name"] == name && f["pid"] == pid) l1 = f["id"] }
	$1 == "exit" { kv(); c = hex(f["code"])
		if (c == cpuid) cp[f["doll"]] += f["count"]
		if (c ~ entry) en[f["doll"]] += f["count"] }
	END { n = 0; mc = 0; me = 0
		for (d in lvl) if (l1 != "" && lvl[d] == 2 && par[d] == l1) {
			n++; if (cp[d] + 0 > mc) mc = cp[d] + 0; if (en[d] + 0 > me) me = en[d] + 0 }
		print (l1 == "" ? "-" : l1), n, mc, me }' "$1"
}

# The same from `nestctl -j doll show` (a list of dolls with their exits).
# shellcheck disable=SC2016 # jq's $variables
JQ_SHOW='
	def cnt(codes): [.exit[]? | select(.code as $c | any(codes[]; . == $c)) | .count] | add // 0;
	[.[] | select(.level == 1 and .name == $name and .pid == $pid)] as $m
	| if ($m | length) != 1 then "- 0 0 0" else $m[0].id as $l1
	| [.[] | select(.level == 2 and .parent == $l1)] as $d2
	| "\($l1) \($d2 | length) \([$d2[] | cnt([$cpuid])] | max // 0) \([$d2[] | cnt($entry)] | max // 0)" end'

# Summary of `nestctl -j doll tree`: "<l1 id> <#children> <#VMs among them>
# <#level-3 dolls under those> <bad links> <max exits of a level-3 doll>".
# A link is bad unless the child is one level deeper and its path is the
# parent's path, "/", its id. A level-2 doll with vcpus is a VM that the
# doll's kernel runs (reported over the channel); nested contexts have none.
# shellcheck disable=SC2016
JQ_TREE='
	def bad: ([.children[]? as $c | select($c.level != .level + 1 or $c.path != "\(.path)/\($c.id)")] | length)
		+ ([.children[]? | bad] | add // 0);
	[.[] | select(.level == 1 and .name == $name and .pid == $pid)] as $m
	| if ($m | length) != 1 then "- 0 0 0 0 0" else $m[0] as $l1
	| [$l1.children[]? | select(.vcpus != null)] as $vm
	| [$vm[].children[]?] as $d3
	| "\($l1.id) \([$l1.children[]?] | length) \($vm | length) \($d3 | length) \(($l1 | bad) + (if $l1.path == "\($l1.id)" then 0 else 1 end)) \([$d3[].exits] | max // 0)" end'

jqs() { jq -r --arg name $NAME --argjson pid "$qpid" --argjson cpuid "$jcpuid" --argjson entry "$jentry" "$1" "$2"; }

tap_plan 13
mark=l3.$$
kn_mark $mark
# The doll lingers after l2_cpuid so the last snapshots see its final
# counts: a context's dolls go only with the doll's VM.
kn_doll_start $NAME 600 "$L2 -n $N; r=\$?; sleep 8; exit \$r"
tap_diag "doll: $doll_said, kvm-nest loaded in it, l2_cpuid -n $N"

# Poll while the doll runs: dolls vanish with their VMs, so keep the best
# of each view. A snapshot that is no JSON counts against nestctl.
best="- 0 0 0" sbest="- 0 0 0" tbest="- 0 0 0 0 0"
i=0 jbad=0 jgood=0 jfail=0
while kn_alive "$qpid"; do
	i=$((i + 1))
	cat $DOLLS >"$work/snap" 2>/dev/null || true
	# For the record: a context of the doll mapped to what it reported.
	grep -m1 ' kind=ctx .* runs=[1-9]' "$work/snap" >>"$work/runs" 2>/dev/null || true
	s=$(summary "$work/snap")
	# shellcheck disable=SC2086
	set -- $s $best
	if [ "$1" != - ] && { [ "$3" -gt "$7" ] || [ "$4" -gt "$8" ] || [ "$5" = - ]; }; then
		best=$s
		cp "$work/snap" "$work/best"
	fi
	for v in show tree; do
		rc=0
		if [ $v = show ]; then "$NC" -j doll show >"$work/$v.json" 2>"$work/$v.err" || rc=$?
		else "$NC" -j -i 0 doll tree >"$work/$v.json" 2>"$work/$v.err" || rc=$?
		fi
		if [ $rc != 0 ]; then
			jfail=$((jfail + 1))
			cp "$work/$v.err" "$work/fail.err"
			continue
		fi
		if ! jq -e . "$work/$v.json" >/dev/null 2>&1; then
			jbad=$((jbad + 1))
			cp "$work/$v.json" "$work/bad.json"
			continue
		fi
		jgood=$((jgood + 1))
		if [ $v = show ]; then
			s=$(jqs "$JQ_SHOW" "$work/show.json")
			# shellcheck disable=SC2086
			set -- $s $sbest
			if [ "$1" != - ] && { [ "$3" -gt "$7" ] || [ "$4" -gt "$8" ] || [ "$5" = - ]; }; then
				sbest=$s
			fi
		else
			s=$(jqs "$JQ_TREE" "$work/tree.json")
			# shellcheck disable=SC2086
			set -- $s $tbest
			# The most level-3 dolls, then the most exits of one of them.
			if [ "$1" != - ] && { [ "$4" -gt "${10}" ] || { [ "$4" -eq "${10}" ] && [ "$6" -gt "${12}" ]; } || [ "$7" = - ]; }; then
				tbest=$s
				cp "$work/tree.json" "$work/tree.best"
				cp "$work/snap" "$work/tree.snap"
			fi
		fi
	done
	sleep 0.5
done
kn_doll_end "$work/doll.out"
rc=$doll_rc
tap_diag "doll output (rc=$rc):" "$(cat "$work/doll.out")"
# shellcheck disable=SC2086
set -- $best
l1=$1 nl2=$2 maxc=$3 maxe=$4
if [ -f "$work/best" ]; then
	tap_diag "debugfs: dolls of $NAME (best of $i snapshots):"
	tap_diag "$(awk -v l1="$l1" '$1 == "doll" { keep = ($2 == "id=" l1 || $4 == "parent=" l1) } keep' "$work/best")"
fi
tap_check "the doll ran l2_cpuid to completion with its own accounting checks (rc $rc)" test "$rc" -eq 0
tap_check "debugfs: level-1 doll name=$NAME pid=<its qemu> seen (id $l1)" test "$l1" != -
tap_check "debugfs: $nl2 level-2 doll(s) under it, max CPUID ($cpuid) exits $maxc >= $N" test "$maxc" -ge "$N"
tap_check "debugfs: a level-2 doll under it has nested-entry exits ($maxe)" test "$maxe" -gt 0

# The same through nestctl.
[ "$jbad" = 0 ] || tap_diag "nestctl output that is not JSON:" "$(head -c 2000 "$work/bad.json")"
[ "$jfail" = 0 ] || tap_diag "nestctl failed $jfail times, last: $(head -c 1000 "$work/fail.err")"
tap_check "nestctl -j: $jgood outputs parsed as JSON, $jbad not, $jfail runs failed" \
	test "$jbad" = 0 -a "$jfail" = 0 -a "$jgood" -gt 0
# shellcheck disable=SC2086
set -- $sbest
tap_check "nestctl -j doll show: level-1 doll $1 of $NAME, the one debugfs shows ($l1)" test "$1" = "$l1" -a "$l1" != -
tap_check "nestctl -j doll show: $2 level-2 doll(s) under it, max CPUID exits $3 >= $N, max nested-entry exits $4 > 0" \
	test "$3" -ge "$N" -a "$4" -gt 0
# shellcheck disable=SC2086
set -- $tbest
if [ -f "$work/tree.best" ]; then
	tap_diag "nestctl -j -i 0 doll tree, the snapshot with the most level-3 dolls:"
	tap_diag "$(jq -c --argjson pid "$l1" '.[] | select(.id == $pid)' "$work/tree.best" | head -c 3000)"
	tap_diag "debugfs at that time:"
	tap_diag "$(grep '^doll ' "$work/tree.snap")"
fi
if [ -s "$work/runs" ]; then
	tap_diag "a context mapped to a reported doll (of $(wc -l <"$work/runs") snapshots): $(tail -n 1 "$work/runs")"
else
	tap_diag "no snapshot showed a context mapped to a reported doll (runs=0 throughout)"
fi
tap_check "nestctl -j doll tree: level-1 doll $1 of $NAME at the top, the one debugfs shows ($l1)" test "$1" = "$l1" -a "$l1" != -
tap_check "nestctl -j doll tree: $2 level-2 doll(s) under it, $3 of them VMs of the doll, $4 level-3 doll(s) under those" \
	test "$3" -ge 1 -a "$4" -ge 1
tap_check "nestctl -j doll tree: every level and path matches its parent ($5 wrong)" test "$5" = 0 -a "$1" != -
tap_check "nestctl -j doll tree: a level-3 doll has the exits the doll counted for it ($6 > 0)" test "$6" -gt 0
# L3's exits reach L0 on the contexts the doll reports for its VM's guests.
l3x=$(awk '$1 == "level=3" { sub(/^exits=/, "", $3); print $3 }' /sys/kernel/debug/kvm_nest/levels)
tap_diag "L0's levels: $(tr '\n' ';' </sys/kernel/debug/kvm_nest/levels)"
tap_check "debugfs levels: L3's exits counted at level 3 (${l3x:-none} > 0)" test "${l3x:-0}" -gt 0
bad=$(kn_log_since $mark | kn_log_bad || true)
[ -z "$bad" ] || tap_diag "$bad"
tap_check "kernel log clean" test -z "$bad"
tap_exit
