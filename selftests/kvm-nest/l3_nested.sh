#!/bin/sh
# Three levels of real KVM: an L1 Linux doll ("l1doll", qemu -enable-kvm on
# this host) runs l2_cpuid, whose L2 executes N CPUIDs; from this kernel's
# view that code is an L3. kvm-nest here must show the level-1 doll (name,
# qemu pid) and under it a level-2 doll with >= N CPUID exits and one with
# nested-entry (VMRUN / VMLAUNCH/VMRESUME) exits.
set -eu
# shellcheck source=../harness/lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"
# shellcheck source=../harness/lib/klog.sh
. "$KN_TOP/selftests/harness/lib/klog.sh"

N=${KN_L3_ITER:-200}
DOLLS=/sys/kernel/debug/kvm_nest/dolls
L2=$KN_BUILD/selftests/l2_cpuid
NAME=l1doll
case $KN_VENDOR in
svm) cpuid=0x72 entry='^0x80$' ;;
vmx) cpuid=0xa entry='^0x(14|18)$' ;;
esac
command -v qemu-system-x86_64 >/dev/null || tap_skip_all "no qemu-system-x86_64 in this host (Bochs tier has no 9p root)"
[ -x "$L2" ] || tap_bail "$L2 missing (make -C selftests)"
[ -r $DOLLS ] || tap_skip_all "kvm-nest not loaded ($KN_MODULE not built?): no $DOLLS"

work=$(mktemp -d /tmp/l3.XXXXXX)
qpid=
trap '[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true; rm -rf "$work"' EXIT
alive() {
	_st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$_st" ] && [ "$_st" != Z ]
}

# Summary of one dolls snapshot: "<l1 id> <#l2> <max CPUID exits> <max entry exits>".
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

tap_plan 5
mark=l3.$$
kn_mark $mark
out=$("$KN_TOP/selftests/harness/l1-doll.sh" --bg --name $NAME --timeout 500 -- "$L2 -n $N --no-accounting")
qpid=$(echo "$out" | sed -n 's/^pid=\([0-9]*\) .*/\1/p')
ddir=$(echo "$out" | sed -n 's/.* dir=//p')
tap_diag "doll: $out, l2_cpuid -n $N"

# Poll while the doll runs: dolls vanish with their VMs, so keep the best.
best="- 0 0 0"
i=0
while alive "$qpid"; do
	i=$((i + 1))
	cat $DOLLS >"$work/snap" 2>/dev/null || true
	s=$(summary "$work/snap")
	# shellcheck disable=SC2086
	set -- $s $best
	if [ "$1" != - ] && { [ "$3" -gt "$7" ] || [ "$4" -gt "$8" ] || [ "$6" = - ]; }; then
		best=$s
		cp "$work/snap" "$work/best"
	fi
	sleep 0.5
done
rc=0
"$KN_TOP/selftests/harness/l1-doll.sh" --wait "$ddir" --timeout 30 >"$work/doll.out" 2>&1 || rc=$?
qpid=
tap_diag "doll output (rc=$rc):" "$(cat "$work/doll.out")"
# shellcheck disable=SC2086
set -- $best
l1=$1 nl2=$2 maxc=$3 maxe=$4
if [ -f "$work/best" ]; then
	tap_diag "dolls of $NAME (best of $i snapshots):"
	tap_diag "$(awk -v l1="$l1" '$1 == "doll" { keep = ($2 == "id=" l1 || $4 == "parent=" l1) } keep' "$work/best")"
fi
tap_check "the doll ran l2_cpuid to completion (rc $rc: 0 or 4)" test "$rc" -eq 0 -o "$rc" -eq 4
tap_check "level-1 doll name=$NAME pid=<its qemu> seen (id $l1)" test "$l1" != -
tap_check "$nl2 level-2 doll(s) under it, max CPUID ($cpuid) exits $maxc >= $N" test "$maxc" -ge "$N"
tap_check "a level-2 doll under it has nested-entry exits ($maxe)" test "$maxe" -gt 0
bad=$(kn_log_since $mark | kn_log_bad || true)
[ -z "$bad" ] || tap_diag "$bad"
tap_check "kernel log clean" test -z "$bad"
tap_exit
