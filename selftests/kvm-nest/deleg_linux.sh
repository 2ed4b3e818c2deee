#!/bin/sh
# Delegation through a real Linux L1 (delegation.rst): an L1 Linux doll with
# kvm-nest runs QEMU VMs (L2 from here) whose firmware, built by this test,
# loops on CPUID leaves 0 and 0x80000000 and prints a set of leaves. The
# doll's kvm-nest grants each vCPU's table (KVM_SET_CPUID2) to this kernel.
#   run a, accel=0: nothing delegated, the CPUIDs reach L1
#   run b, accel=1: the first half is delegated; then the doll unloads
#          kvm-nest while the VM lives, and its second half is not
#   run c, accel=1, kvm-nest loaded again in the doll: delegated again;
#          between its halves kvm-nest reloads here, forgetting every
#          policy, and the doll's kvm-nest must grant them again by itself
# Every half must print the same CPUID results. Counts are read here from
# the doll's level-2 ctx dolls (`nestctl -j doll show`) at markers the doll
# prints and then pauses on; the doll's own kvm-nest counts the CPUIDs that
# reached it. `deleg_linux.sh --doll N PAUSE` is the part run in the doll.
set -eu
# shellcheck source=../harness/lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"

N=${KN_DELEG_N:-2000}
PAUSE=${KN_DELEG_PAUSE:-10}
NC=${KN_NESTCTL:-$KN_BUILD/nestctl/nestctl}
case $KN_VENDOR in
svm) jcpuid=114 ;;
vmx) jcpuid=10 ;;
esac

# The leaves the firmware prints (function, index): delegable ones, leaves
# L1 must keep (0x1, 0x7, 0xd, KVM's 0x4000000x) and one beyond the table.
LEAVES='0 0
0x80000000 0
0x80000001 0
0x80000002 0
0x80000003 0
0x80000004 0
0x80000005 0
0x80000006 0
0x80000008 0
0x1 0
0x7 0
0xd 1
0x40000000 0
0x40000001 0
0x8fffffff 0'
K=$(echo "$LEAVES" | wc -l)

# firmware <N> <DIR>: a 64 KiB real-mode BIOS image, DIR/fw.bin. Each boot
# takes the next phase (a counter in RAM survives QMP system_reset):
#   0: 'S', half, 'H', halt   then: half, 'E', halt
# half = N x (CPUID 0, CPUID 0x80000000), then each leaf's EAX..EDX (16
# bytes) on the debug port 0xe9. CPL 0, interrupts off: no other exits.
firmware() {
	{
		cat <<EOF
	.code16
	.set N, $1
	.set DBG, 0xe9
	.set BUF, 0x500
	.set PHASE, 0x510
	.text
start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %ss
	movw \$0x7000, %sp
	movb PHASE, %bl
	incb PHASE
	cmpb \$0, %bl
	jne 1f
	movb \$'S', %al
	outb %al, \$DBG
	call half
	movb \$'H', %al
	jmp 3f
1:	call half
	movb \$'E', %al
3:	outb %al, \$DBG
4:	hlt
	jmp 4b
half:
	movl \$N, %esi
1:	xorl %eax, %eax
	xorl %ecx, %ecx
	cpuid
	movl \$0x80000000, %eax
	xorl %ecx, %ecx
	cpuid
	decl %esi
	jnz 1b
	movw \$(leaves - start), %di
2:	movl %cs:(%di), %eax
	movl %cs:4(%di), %ecx
	cpuid
	movl %eax, BUF
	movl %ebx, BUF + 4
	movl %ecx, BUF + 8
	movl %edx, BUF + 12
	movw \$BUF, %si
	movw \$16, %cx
	movw \$DBG, %dx
	cld
	rep outsb
	addw \$8, %di
	cmpw \$(leaves_end - start), %di
	jne 2b
	ret
leaves:
EOF
		echo "$LEAVES" | while read -r f i; do echo "	.long $f, $i"; done
		cat <<EOF
leaves_end:
	.org 0xfff0
	ljmp \$0xf000, \$0
	.org 0x10000
EOF
	} >"$2/fw.S"
	as --32 -o "$2/fw.o" "$2/fw.S" && objcopy -O binary -j .text "$2/fw.o" "$2/fw.bin"
}

# ---- In the doll -------------------------------------------------------
# step <name> [seconds]: tell the emulated host (result port) and give it
# time.
step() {
	echo "deleg-step $1"
	sleep "${2:-$PAUSE}"
	echo "deleg-go $1"
}

# size_at_least <bytes>: wait for the VM's debug output (5 min at most).
size_at_least() {
	_t=0
	while [ "$(stat -c %s "$dd/dbg" 2>/dev/null || echo 0)" -lt "$1" ]; do
		kill -0 "$vpid" 2>/dev/null || { echo "deleg: the VM ended early" >&2; return 1; }
		_t=$((_t + 1))
		[ $_t -lt 1500 ] || { echo "deleg: no output of $1 bytes after 300 s" >&2; return 1; }
		sleep 0.2
	done
}

# census_on: the doll's kvm-nest counts its VM's own exits by code only
# with the census on (debugfs.rst, census).
census_on() {
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug || true
	echo 1 >/sys/kernel/debug/kvm_nest/census || echo "deleg: cannot switch the census on" >&2
}

# l1_cpuid <tag>: CPUID exits this doll's kvm-nest counted for the VM
# (empty without kvm-nest; one retry, then nestctl's error, if unreadable).
l1_cpuid() {
	for _try in 1 2; do
		_c=$("$NC" -j doll show 2>"$dd/nc.err" | jq --argjson pid "$vpid" --argjson c "$jcpuid" \
			'[.[] | select(.level == 1 and .pid == $pid) | .exit[]? | select(.code == $c) | .count] | add // 0' \
			2>>"$dd/nc.err") && break
		_c="- ($(tr '\n' ' ' <"$dd/nc.err"))"
		sleep 1
	done
	echo "deleg-l1 $1 $_c"
}

qmp() { python3 "$KN_TOP/selftests/harness/qmp.py" "$dd/qmp.sock" "$@" >/dev/null; }

# vm_log <run>: why a VM went wrong, for the host's diagnostics.
vm_log() {
	echo "deleg: QEMU of run $1 (pid $vpid) alive: $(kill -0 "$vpid" 2>/dev/null && echo yes || echo no)"
	sed 's/^/deleg-qemu: /' "$dd/qemu.log"
	dmesg | tail -n 15 | sed 's/^/deleg-dmesg: /'
}

# unload: kvm-nest out of the doll, after the host has counted.
unload() {
	step b1
	rc=0
	rmmod kvm_nest || rc=$?
	echo "deleg-rmmod $rc"
}

# vm <run>: one VM through its phases; in run b the doll unloads kvm-nest
# between the halves, the VM halted but alive.
vm() {
	rm -f "$dd/dbg" "$dd/qmp.sock"
	qemu-system-x86_64 -enable-kvm -nodefaults -M pc -m 16 -smp 1 -display none \
		-L "$dd/fw" -bios "$dd/fw.bin" -debugcon "file:$dd/dbg" \
		-qmp "unix:$dd/qmp.sock,server=on,wait=off" </dev/null >"$dd/qemu.log" 2>&1 &
	vpid=$!
	half=$((16 * K))
	size_at_least $((half + 2)) || { vm_log "$1"; return 1; }
	l1_cpuid "${1}1"
	[ "$1" != b ] || unload
	# The host reloads kvm-nest: rmmod, insmod and our next report.
	[ "$1" != c ] || step c1 $((PAUSE + 20))
	qmp system_reset || vm_log "$1"
	size_at_least $((2 * half + 3)) || { vm_log "$1"; return 1; }
	l1_cpuid "${1}2"
	[ "$1" != c ] || step c
	_q=0 _rc=0
	qmp quit || _q=$?
	[ "$_q" = 0 ] || { vm_log "$1"; kill -9 "$vpid" 2>/dev/null || true; }
	wait "$vpid" || _rc=$?
	echo "deleg-end $1 qmp=$_q qemu=$_rc"
	_m=$(od -An -c -j 0 -N 1 "$dd/dbg")$(od -An -c -j $((half + 1)) -N 1 "$dd/dbg")$(od -An -c -j $((2 * half + 2)) -N 1 "$dd/dbg")
	echo "deleg-marks $1 $(echo "$_m" | tr -d ' ')"
	echo "deleg-res ${1}1 $(od -An -v -tx4 -j 1 -N "$half" "$dd/dbg" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')"
	echo "deleg-res ${1}2 $(od -An -v -tx4 -j $((half + 2)) -N "$half" "$dd/dbg" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')"
}


in_doll() {
	N=$1 PAUSE=$2
	dd=$(mktemp -d /tmp/deleg.XXXXXX)
	mkdir "$dd/fw"
	ln -s /usr/share/qemu/kvmvapic.bin /usr/share/qemu/linuxboot_dma.bin "$dd/fw/"
	firmware "$N" "$dd"
	census_on
	step pre-a
	vm a
	step pre-b
	vm b
	step b2
	# shellcheck source=../harness/lib/kmod.sh
	. "$KN_TOP/selftests/harness/lib/kmod.sh"
	rc=0
	kn_load_nest || rc=$?
	echo "deleg-insmod $rc"
	census_on
	vm c
	echo "deleg-done"
}

if [ "${1:-}" = --doll ]; then
	in_doll "$2" "$3"
	exit 0
fi

# ---- In the emulated host ---------------------------------------------
# shellcheck source=../harness/lib/klog.sh
. "$KN_TOP/selftests/harness/lib/klog.sh"
# shellcheck source=../harness/lib/kmod.sh
. "$KN_TOP/selftests/harness/lib/kmod.sh"
# shellcheck source=../harness/lib/doll.sh
. "$KN_TOP/selftests/harness/lib/doll.sh"
KNOB=/sys/module/kvm_nest/parameters/accel
NAME=deleg
command -v qemu-system-x86_64 >/dev/null || tap_skip_all "no qemu-system-x86_64 in this host (Bochs tier has no 9p root)"
[ -r /sys/kernel/debug/kvm_nest/dolls ] || tap_skip_all "kvm-nest not loaded ($KN_MODULE not built?)"
[ -w $KNOB ] || tap_bail "$KNOB missing: this kvm-nest has no accel switch"
[ -x "$NC" ] || tap_bail "$NC missing (make -C userspace/nestctl)"
for t in jq as objcopy; do command -v $t >/dev/null || tap_bail "$t not found (jq parses nestctl's JSON; as and objcopy build the firmware)"; done

work=$(mktemp -d /tmp/deleg.XXXXXX)
qpid=
accel0=$(cat $KNOB)
trap 'echo "$accel0" >$KNOB; [ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true; rm -rf "$work"' EXIT
# The firmware builds here too: an assembler problem is not the doll's.
firmware 1 "$work" || tap_bail "cannot build the test firmware with as/objcopy"

# snap <step>: "<l1 id> <#ctx dolls> <delegated> <reflected> <CPUID exits>
# <all exits>"
# summed over the level-2 ctx dolls under the doll (reported dolls have no
# ctx and carry the doll's own counts), into $work/<step>.
# shellcheck disable=SC2016 # jq's $variables
JQ='[.[] | select(.level == 1 and .name == $name and .pid == $pid)] as $m
	| if ($m | length) != 1 then "- 0 0 0 0 0" else $m[0].id as $l1
	| [.[] | select(.level == 2 and .parent == $l1 and has("ctx"))] as $c
	| "\($l1) \($c | length) \([$c[].delegated // 0] | add // 0) \([$c[].reflected] | add // 0) \([$c[].exit[]? | select(.code == $cpuid) | .count] | add // 0) \([$c[].exits] | add // 0)" end'
snap() {
	"$NC" -j doll show >"$work/$1.json" 2>"$work/$1.err" || true
	jq -r --arg name $NAME --argjson pid "$qpid" --argjson cpuid "$jcpuid" "$JQ" "$work/$1.json" \
		>"$work/$1" 2>>"$work/$1.err" || echo "- 0 0 0 0 0" >"$work/$1"
}

tap_plan 22
mark=deleg.$$
kn_mark $mark
echo 0 >$KNOB
kn_doll_start $NAME 900 "sh $KN_TOP/selftests/kvm-nest/deleg_linux.sh --doll $N $PAUSE"
tap_diag "doll: $doll_said; N=$N (each half: $((2 * N)) CPUIDs + $K printed leaves)"

# Act on each marker while the doll pauses after it; a marker whose GO
# line is already there when we are done was handled late.
at_step() {
	snap "$1"
	case $1 in
	pre-a) echo 0 >$KNOB ;;
	pre-b) echo 1 >$KNOB ;;
	c1)
		# Counts restart with the module: c1r is the new base.
		reload=0
		{ kn_unload_nest && kn_load_nest && echo 1 >$KNOB; } >"$work/reload.log" 2>&1 || reload=$?
		sleep 3
		snap c1r
		;;
	esac
	tap_diag "at $1 (accel $(cat $KNOB)): l1 #ctx delegated reflected cpuid exits = $(cat "$work/$1")"
}
kn_doll_steps deleg at_step
kn_doll_end "$work/doll.out"
rc=$doll_rc
tap_diag "doll output (rc=$rc):" "$(grep -v '^deleg-res' "$work/doll.out")"
[ "$rc" = 0 ] || tap_diag "the doll's console, last lines:" "$(tail -n 25 "$ddir/console.log" | tr -d '\r')"
tap_check "the doll ran its three VMs (rc $rc)" grep -qx deleg-done "$work/doll.out"
tap_check "each VM quit by QMP, QEMU exit 0 ($(grep -c '^deleg-end [abc] qmp=0 qemu=0$' "$work/doll.out") of 3)" \
	test "$(grep -c '^deleg-end [abc] qmp=0 qemu=0$' "$work/doll.out")" = 3
tap_check "every marker handled while the doll paused (late:${steps_late:- none})" test -z "$steps_late" -a "$steps_done" = 6

# d <from> <to> <field 3..6>: the change of a sum between two steps.
d() { echo $(($(cut -d' ' -f"$3" "$work/$2") - $(cut -d' ' -f"$3" "$work/$1"))); }
l1v() { sed -n "s/^deleg-l1 $1 //p" "$work/doll.out"; }
two=$((2 * N))
for s in pre-a pre-b b1 b2 c1 c1r c; do [ -f "$work/$s" ] || echo "- 0 0 0 0 0" >"$work/$s"; done
# shellcheck disable=SC2046
set -- $(cat "$work/pre-a")
l1=$1
tap_check "level-1 doll $NAME seen here before its first VM (id $l1, $2 ctx dolls)" test "$l1" != - -a "$2" = 0

# Run a, accel 0: stock.
dg=$(d pre-a pre-b 3) rf=$(d pre-a pre-b 4) cp=$(d pre-a pre-b 5)
tap_check "accel 0: delegated +$dg = 0" test "$dg" -eq 0
tap_check "accel 0: CPUID exits +$cp >= $((2 * two)), reflected +$rf >= $((2 * two))" \
	test "$cp" -ge $((2 * two)) -a "$rf" -ge $((2 * two))
tap_check "accel 0: the doll's kvm-nest saw $(l1v a1) CPUIDs of the first half (>= $two)" \
	test "$(l1v a1)" -ge "$two" 2>/dev/null

# Run b, first half, accel 1, policy granted: delegated, not seen by L1.
dg=$(d pre-b b1 3) rf=$(d pre-b b1 4) cp=$(d pre-b b1 5)
tap_diag "accel 1, first half: $(d pre-b b1 6) L0 exits of level-2 contexts in all (VM start and output included)"
tap_check "accel 1: delegated +$dg in [$two, $((two + K))] (the loop, and the printed leaves in the table)" \
	test "$dg" -ge "$two" -a "$dg" -le $((two + K))
tap_check "accel 1: CPUID exits +$cp >= $two, each one L0 exit; reflected +$rf < $N" \
	test "$cp" -ge "$two" -a "$rf" -lt "$N"
tap_check "accel 1: the doll's kvm-nest saw $(l1v b1) CPUIDs (<= $K printed leaves)" \
	test "$(l1v b1)" -le "$K" 2>/dev/null
# Run b, second half: kvm-nest unloaded in the doll while the VM lived.
tap_check "rmmod kvm_nest in the doll with the VM alive ($(sed -n 's/^deleg-rmmod //p' "$work/doll.out"))" \
	grep -qx 'deleg-rmmod 0' "$work/doll.out"
dg=$(d b1 b2 3) rf=$(d b1 b2 4) cp=$(d b1 b2 5)
tap_check "after the doll's unload: delegated +$dg = 0 (its policy revoked)" test "$dg" -eq 0
tap_check "after the doll's unload: CPUID exits +$cp >= $two, reflected +$rf >= $two" \
	test "$cp" -ge "$two" -a "$rf" -ge "$two"
# Run c: kvm-nest reloaded in the doll grants the new VM's table.
tap_check "insmod kvm-nest again in the doll" grep -qx 'deleg-insmod 0' "$work/doll.out"
dg=$(d b2 c1 3) rf=$(d b2 c1 4)
tap_check "reloaded in the doll: delegated +$dg in [$two, $((two + K))], reflected +$rf < $N" \
	test "$dg" -ge "$two" -a "$dg" -le $((two + K)) -a "$rf" -lt "$N"
# Run c, second half: after kvm-nest reloaded here.
tap_check "kvm-nest reloaded here between the halves (rc ${reload:-none}: $(tr '\n' ' ' <"$work/reload.log" 2>/dev/null))" \
	test "${reload:-1}" = 0
dg=$(d c1r c 3) rf=$(d c1r c 4)
tap_check "reloaded here: the doll granted again, delegated +$dg in [$two, $((two + K))], reflected +$rf < $N" \
	test "$dg" -ge "$two" -a "$dg" -le $((two + K)) -a "$rf" -lt "$N"
# The doll's counts are totals over the VM's life: halves are differences.
# A count the doll could not read fails its check, not the script.
c1=$(l1v c1) c2=$(l1v c2)
case "x$c1 x$c2" in
*[!0-9x\ ]* | *"x "* | *x) c2="unreadable (c1 '$c1', c2 '$c2')" ;;
*) c2=$((c2 - c1)) ;;
esac
tap_check "reloaded: the doll's kvm-nest saw $c1 and $c2 CPUIDs in the halves (<= $K each)" \
	test "${c1:-99999}" -le "$K" -a "$c2" -le "$K" -a "$c2" -ge 0 2>/dev/null

# Same answers: six halves, stock, delegated, revoked, granted again.
res=$(grep '^deleg-res ' "$work/doll.out" | cut -d' ' -f3- | sort -u)
tap_diag "results (EAX EBX ECX EDX per printed leaf):" "$(echo "$res" | head -n 3)"
tap_check "all three VMs ran 'S', 'H', 'E' in order ($(grep -c '^deleg-marks [abc] SHE$' "$work/doll.out") of 3)" \
	test "$(grep -c '^deleg-marks [abc] SHE$' "$work/doll.out")" = 3
tap_check "the 6 halves printed the same CPUID results ($(grep -c '^deleg-res ' "$work/doll.out") halves, $(echo "$res" | grep -c .) distinct)" \
	test "$(grep -c '^deleg-res ' "$work/doll.out")" = 6 -a "$(echo "$res" | grep -c .)" = 1
# Leaf 0 said something: a vendor and a maximum leaf.
# shellcheck disable=SC2086
set -- $res
tap_check "leaf 0 answered (max leaf 0x${1:-?}, vendor words ${2:-?} ${4:-?} ${3:-?})" \
	test "$(printf '%d' "0x${1:-0}")" -gt 0 -a "${2:-00000000}" != 00000000
bad=$(kn_log_since $mark | kn_log_bad || true)
[ -z "$bad" ] || tap_diag "$bad"
tap_check "kernel log clean" test -z "$bad"
tap_exit
