#!/bin/sh
# The libvirt hook (userspace/libvirt/kvm-nest) end to end in this emulated
# host: libvirtd runs on writable copies of its config and state (this
# host's / is read-only), with the hook installed; a domain whose XML holds
# an envelope starts and is a level-1 doll with that envelope, enforced on
# its VMM's cgroup; a domain whose reservation does not fit is refused with
# the kernel's reason and changes nothing; destroying a domain drops its
# envelope and gives its reservation back. Documentation/libvirt.rst.
# A user's QEMU (uid 1000) that names itself like a running domain gets no
# virsh on that domain: a RAM limit on it is refused with the reason and
# the domain's balloon is unchanged; one named like a domain about to
# start neither blocks that start nor takes its envelope
# (Documentation/security.rst "The agent and VMM identity").
# SC2317: functions run from trap and tap_check; SC2016: jq variables.
# shellcheck disable=SC2317,SC2016
set -eu
# shellcheck source=../harness/lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"
# shellcheck source=../harness/lib/klog.sh
. "$KN_TOP/selftests/harness/lib/klog.sh"

NC=${KN_NESTCTL:-$KN_BUILD/nestctl/nestctl}
HOOK=$KN_TOP/userspace/libvirt/kvm-nest
NS=https://kvm-nest.example/envelope/1
A=kn-env-a B=kn-env-b
# A reserves half a CPU; B asks for more than the other half (the host has
# KN_SMP CPUs, 1 by default), so B fits only once A is gone.
ncpu=$(grep -c '^processor' /proc/cpuinfo)
A_RES=$((ncpu * 1000 / 2))
B_RES=$((ncpu * 1000 - A_RES + 250))
milli() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
USER_ID=1000

command -v qemu-system-x86_64 >/dev/null || tap_skip_all "no qemu-system-x86_64 in this host (Bochs tier has no 9p root)"
for t in libvirtd virsh jq; do
	command -v $t >/dev/null || tap_bail "$t missing: run scripts/deps.sh on the development machine"
done
[ -x "$NC" ] || tap_skip_all "$NC not built (make -C userspace/nestctl)"
"$NC" envelope help 2>&1 | grep -q 'envelope set' || tap_bail "$NC has no envelope object: rebuild it"
[ -d /sys/module/kvm_nest ] || tap_skip_all "kvm-nest not loaded ($KN_MODULE not built?)"
for d in /etc/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt; do
	[ -d $d ] || tap_bail "$d missing: libvirt-daemon-system not installed (scripts/deps.sh)"
done

work=$(mktemp -d /run/kn-libvirt.XXXXXX)
mounted=
kvm_mode=$(stat -c %a /dev/kvm)
users=
cleanup() {
	set +e
	for _p in $users; do kill "$_p" 2>/dev/null; done
	chmod "$kvm_mode" /dev/kvm
	for dom in $A $B; do
		virsh destroy "$dom" >/dev/null 2>&1
		virsh undefine "$dom" >/dev/null 2>&1
	done
	_p=$(cat "$work/libvirtd.pid" 2>/dev/null) && kill "$_p" 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		if [ -z "${_p:-}" ] || ! kill -0 "$_p" 2>/dev/null; then break; fi
		sleep 0.5
	done
	for m in $mounted; do umount "$m"; done
	rm -rf "$work"
}
trap cleanup EXIT
export LIBVIRT_DEFAULT_URI=qemu:///system

# libvirtd's sandbox: its config copied to tmpfs and bound over /etc/libvirt
# (the hook is installed in the copy), tmpfs for its state, logs and cache.
sandbox() {
	cp -a /etc/libvirt "$work/etc"
	# No default network: it would want dnsmasq and a bridge.
	rm -f "$work/etc/qemu/networks/autostart/"*
	# Root-owned QEMU without a security driver or namespaces: the root
	# is a read-only 9p mount, nothing can be relabelled or chowned.
	cat >>"$work/etc/qemu.conf" <<-EOF
	user = "root"
	group = "root"
	dynamic_ownership = 0
	remember_owner = 0
	security_driver = "none"
	namespaces = [ ]
	stdio_handler = "file"
	EOF
	echo 'log_outputs = "3:file:/var/log/libvirt/libvirtd.log"' >>"$work/etc/libvirtd.conf"
	mkdir -p "$work/etc/hooks/qemu.d"
	install -m755 "$HOOK" "$work/etc/hooks/qemu.d/kvm-nest"
	mount --bind "$work/etc" /etc/libvirt && mounted="/etc/libvirt $mounted"
	for d in /var/lib/libvirt /var/log/libvirt /var/cache/libvirt; do
		mount -t tmpfs -o mode=755 tmpfs $d && mounted="$d $mounted"
	done
	mkdir -p /var/lib/libvirt/qemu /var/log/libvirt/qemu /var/cache/libvirt/qemu
}

# The hook finds nestctl in libvirtd's PATH, which libvirtd passes on.
start_libvirtd() {
	PATH=$(dirname "$NC"):$PATH libvirtd -d -p "$work/libvirtd.pid" || return 1
	# It probes QEMU's capabilities first: about 35 s under TCG.
	for _ in $(seq 180); do
		virsh version >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}

# The doll's guest: the harness kernel and initramfs, with a run file that
# only waits (no kvm-nest inside: this test is about the level that hosts it).
kver=$(uname -r)
vmlinuz=$KN_BUILD/kernels/$KN_KERNEL/root/boot/vmlinuz-$kver
initrd=${KN_INITRD:-$KN_BUILD/harness/initramfs-$KN_KERNEL.cpio.gz}
guest_initrd() {
	mkdir -p "$work/extra/kn"
	printf "KN_TOP='%s'\nKN_KERNEL='%s'\nKN_LOAD_MODULE=0\nKN_REQUIRE_MODULE=0\nKN_CMD='sleep 100000'\n" \
		"$KN_TOP" "$KN_KERNEL" >"$work/extra/kn/run.env"
	(cd "$work/extra" && find kn | cpio -o -H newc 2>/dev/null | gzip -c) >"$work/extra.cpio.gz"
	cat "$initrd" "$work/extra.cpio.gz" >"$work/initrd"
}

# domain NAME [ENVELOPE-ATTRIBUTES]: its XML in $work/NAME.xml.
domain() {
	_env=
	[ -z "${2:-}" ] || _env="<kvmnest:envelope xmlns:kvmnest=\"$NS\" $2/>"
	# QEMU traces every QMP command it gets, and every balloon request.
	cat >"$work/$1.xml" <<-EOF
	<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
	  <name>$1</name>
	  <memory unit='MiB'>256</memory>
	  <vcpu>1</vcpu>
	  <metadata>$_env</metadata>
	  <os>
	    <type arch='x86_64'>hvm</type>
	    <kernel>$vmlinuz</kernel>
	    <initrd>$work/initrd</initrd>
	    <cmdline>console=ttyS0 panic=-1 kn.init=$KN_TOP/selftests/harness/host-init.sh</cmdline>
	  </os>
	  <cpu mode='host-passthrough'><feature policy='disable' name='xsave'/></cpu>
	  <on_poweroff>destroy</on_poweroff>
	  <on_reboot>destroy</on_reboot>
	  <on_crash>destroy</on_crash>
	  <qemu:commandline>
	    <qemu:arg value='-trace'/><qemu:arg value='handle_qmp_command'/>
	    <qemu:arg value='-trace'/><qemu:arg value='qmp_enter_balloon'/>
	    <qemu:arg value='-D'/><qemu:arg value='$work/$1.trace'/>
	  </qemu:commandline>
	  <devices>
	    <emulator>$(command -v qemu-system-x86_64)</emulator>
	    <serial type='file'><source path='$work/$1.console'/><target port='0'/></serial>
	    <memballoon model='virtio'/>
	  </devices>
	</domain>
	EOF
}

# show: nestctl -j envelope show into $work/show.json.
show() { "$NC" -j envelope show >"$work/show.json" 2>"$work/show.err"; }
# jqs FILTER: the filter on the last show.
jqs() { jq -r "$@" "$work/show.json" 2>/dev/null; }
resv_cpu() { show && jqs '.self.reserved.cpu * 1000 | round'; }
# within S CMD...: CMD succeeds within S seconds (tried every 0.5 s).
within() {
	_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 0.5
	done
}
# env_now NAME FILTER: the level-1 doll NAME is shown and its envelope
# passes FILTER (on .envelope).
env_now() {
	show && [ "$(jqs --arg n "$1" "[.dolls[] | select(.name == \$n and .level == 1) | .envelope | $2] == [true]")" = true ]
}
# env_is NAME FILTER: env_now within 30 s, else what nestctl showed.
env_is() {
	within 30 env_now "$@" && return 0
	tap_diag "nestctl envelope show:" "$(cat "$work/show.json" "$work/show.err")"
	return 1
}
# resv_is MILLI: this kernel's dolls and pending envelopes reserve MILLI.
resv_is() { r=$(resv_cpu) && [ "$r" = "$1" ]; }
# no_doll NAME: no doll of that name is shown.
no_doll() { show && [ "$(jqs --arg n "$1" '[.dolls[] | select(.name == $n)] | length')" = 0 ]; }
# has PID FILE VALUE: some cgroup from PID's up to the root has FILE
# holding VALUE (the agent may use libvirt's cgroup or make its own).
has() {
	[ -r "/proc/$1/cgroup" ] || { tap_diag "no process $1 (QEMU of $A)"; return 1; }
	cg=/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$1/cgroup")
	while [ "${cg#/sys/fs/cgroup}" != "$cg" ]; do
		[ "$(cat "$cg/$2" 2>/dev/null)" = "$3" ] && return 0
		cg=${cg%/*}
	done
	tap_diag "$2 is not '$3' in any cgroup of pid $1 ($(cat "/proc/$1/cgroup"))"
	return 1
}
# enforced PID: A's envelope on its VMM's cgroups.
enforced() {
	has "$1" cpu.max "50000 100000" && has "$1" cpu.weight 200 && has "$1" memory.max 1073741824
}
vm_state() { virsh domstate "$1" 2>/dev/null | head -n 1; }
# user_vm NAME: a paused QEMU of uid $USER_ID with -name guest=NAME, as
# libvirt names its QEMUs, and no QMP; $upid, and $uid_doll its doll.
user_vm() {
	chmod o+rw /dev/kvm
	setpriv --reuid=$USER_ID --regid=$USER_ID --clear-groups \
		qemu-system-x86_64 -enable-kvm -cpu host,-xsave -m 256 -S -nodefaults \
		-display none -L "$work/fw" -name "guest=$1,debug-threads=on" \
		</dev/null >"$work/user.$1.log" 2>&1 &
	upid=$!
	users="$users $upid"
	uid_doll=
	for _ in $(seq 120); do
		uid_doll=$(doll_of "$upid")
		[ -n "$uid_doll" ] && break
		sleep 0.5
	done
	chmod "$kvm_mode" /dev/kvm
	[ -n "$uid_doll" ] || tap_diag "no doll for the user's QEMU $1: $(cat "$work/user.$1.log")"
}
# doll_of PID: the id of the level-1 doll whose VMM is PID.
doll_of() { "$NC" -j doll show 2>/dev/null | jq -r --argjson p "$1" '.[] | select(.pid == $p and .level == 1) | .id'; }
# env_of_pid PID FILTER: the envelope of PID's doll passes FILTER.
env_of_pid() {
	_id=$(doll_of "$1")
	[ -n "$_id" ] && show && [ "$(jqs --argjson i "$_id" "[.dolls[] | select(.id == \$i) | .envelope | $2] == [true]")" = true ]
}
actual() { virsh dommemstat "$1" 2>/dev/null | sed -n 's/^actual //p'; }
# QMP commands a domain's QEMU got, and balloon requests among them
# (libvirt's -msg timestamp=on puts "PID@TIME:" before each trace line).
sent() { grep -c "handle_qmp_command" "$work/$1.trace" 2>/dev/null || true; }
balloons() { grep -c "qmp_enter_balloon" "$work/$1.trace" 2>/dev/null || true; }

tap_plan 21
mark=env_libvirt.$$
kn_mark $mark
show || tap_bail "nestctl -j envelope show failed: $(cat "$work/show.err")"
base=$(jqs '.self.reserved.cpu * 1000 | round')
tap_diag "host: $ncpu CPU(s), $(milli "$base") CPUs reserved before the test, agent: $(jqs .self.agent)"
[ "$((base + A_RES))" -le "$((ncpu * 1000))" ] || tap_bail "$(milli "$base") CPUs already reserved: no room for the test"

sandbox
t0=$(date +%s)
if start_libvirtd; then
	tap_ok "libvirtd started on a writable copy of /etc/libvirt with the hook ($(($(date +%s) - t0)) s)"
else
	tap_not_ok "libvirtd started on a writable copy of /etc/libvirt with the hook"
	tap_diag "$(tail -n 20 /var/log/libvirt/libvirtd.log 2>/dev/null)"
	tap_bail "no libvirtd"
fi
guest_initrd
mkdir -m 755 "$work/fw"
for f in /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin /usr/share/qemu/kvmvapic.bin; do
	ln -s "$f" "$work/fw/"
done
domain $A "cpu.limit=\"0.5\" cpu.reserve=\"$(milli $A_RES)\" cpu.weight=\"200\" mem.limit=\"1G\" mem.reserve=\"128M\""
domain $B
# B gets its envelope the way Documentation/libvirt.rst shows.
out=$(virsh define "$work/$A.xml" 2>&1 && virsh define "$work/$B.xml" 2>&1 &&
	virsh metadata $B --uri $NS --key kvmnest --set "<envelope cpu.reserve=\"$(milli $B_RES)\"/>" --config 2>&1) || true
n=$(virsh list --all --name | grep -c '^kn-env-' || true)
virsh dumpxml $B >"$work/$B.dump" 2>&1 || true
tap_check "virsh define $A (envelope in the XML) and $B (virsh metadata --set)" \
	sh -c "[ $n = 2 ] && grep 'envelope' '$work/$B.dump' | grep '$NS' | grep -q 'cpu.reserve=\"$(milli $B_RES)\"'"
[ "$n" = 2 ] || tap_diag "$out"
grep -q "$NS" "$work/$B.dump" || tap_diag "$out" "$B: $(grep -A2 '<metadata' "$work/$B.dump")"

out=$(virsh start $A 2>&1) || true
tap_check "virsh start $A (envelope in its XML)" test "$(vm_state $A)" = running
[ "$(vm_state $A)" = running ] || tap_diag "$out" "$(tail -n 5 /var/log/libvirt/qemu/$A.log 2>/dev/null)"
pid=$(cat /run/libvirt/qemu/$A.pid 2>/dev/null || echo 0)
tap_check "$A is a level-1 doll with the XML's envelope in nestctl envelope show" \
	env_is $A ".cpu_limit == 0.5 and (.cpu_reserve * 1000 | round) == $A_RES and .cpu_weight == 200 and .mem_limit == 1073741824 and .mem_reserve == 134217728"
r=$(resv_cpu)
tap_check "its reservation counts: $(milli "$r") CPUs reserved = $(milli "$base") + $(milli $A_RES)" test "$r" = $((base + A_RES))
# The agent applies it once the kernel attached it: give it 30 s.
within 30 enforced "$pid" >/dev/null || true
tap_diag "$A's QEMU (pid $pid) is in cgroup $(sed -n 's/^0:://p' "/proc/$pid/cgroup" 2>/dev/null)"
tap_check "enforced on its VMM (pid $pid): cpu.max 50000 100000, cpu.weight 200, memory.max 1G" enforced "$pid"
if [ -r "/proc/$pid/cgroup" ] && ! enforced "$pid" >/dev/null; then
	# libvirt puts QEMU's threads in threaded cgroups (emulator, vcpuN)
	# under the domain's cgroup: show the agent what it had to work with.
	cg=/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	for c in "$cg" "${cg%/*}"; do
		tap_diag "$c: type $(cat "$c/cgroup.type"), procs $(tr '\n' ' ' <"$c/cgroup.procs" 2>/dev/null)," \
			"  subtree_control $(cat "$c/cgroup.subtree_control"), cpu.max $(cat "$c/cpu.max" 2>/dev/null)"
	done
	tap_diag "agent log:" "$(tail -n 20 /tmp/kn-agent.log 2>/dev/null)"
fi

# A user's QEMU named like A: the agent must not drive A through virsh.
user_vm $A
tap_check "a QEMU of uid $USER_ID named guest=$A runs (pid $upid, doll ${uid_doll:-none})" test -n "$uid_doll"
a0=$(actual $A) b0=$(balloons $A)
rc=0
"$NC" envelope set "${uid_doll:-0}" mem.limit 128M >"$work/thief.out" 2>&1 || rc=$?
tap_diag "envelope set ${uid_doll:-0} mem.limit 128M: exit $rc: $(cat "$work/thief.out")"
tap_check "a RAM limit on it is refused: libvirt runs $A as pid $pid, not as it" \
	sh -c "[ $rc != 0 ] && grep -q \"libvirt runs domain '$A' as pid $pid, not as this VMM (pid $upid)\" '$work/thief.out'"
sleep 2
a1=$(actual $A) b1=$(balloons $A) s1=$(sent $A)
tap_check "$A's balloon is unchanged: its QEMU got $b0 -> $b1 balloon requests (of $s1 QMP commands); actual $a0 -> $a1 KiB" \
	test "${s1:-0}" -gt 0 -a "$b0" = "$b1" -a -n "$a0" -a "$a0" = "$a1"
tap_check "$A keeps its envelope" env_of_pid "$pid" ".cpu_limit == 0.5 and .mem_limit == 1073741824"
kill "$upid" 2>/dev/null || true

rc=0
virsh start $B >"$work/b.out" 2>&1 || rc=$?
tap_diag "virsh start $B (cpu.reserve $(milli $B_RES)):" "$(cat "$work/b.out")"
tap_check "virsh start $B refused (reservation does not fit)" test "$rc" != 0 -a "$(vm_state $B)" != running
tap_check "the refusal says it is kvm-nest's and gives the numbers" \
	sh -c "grep -q 'kvm-nest hook' '$work/b.out' && grep -q '$(milli $B_RES)' '$work/b.out'"
r=$(resv_cpu)
tap_check "nothing changed: $(milli "$r") CPUs reserved, $B not a doll" \
	sh -c "[ '$r' = $((base + A_RES)) ] && [ \"\$(jq '[.dolls[] | select(.name == \"$B\")] | length' '$work/show.json')\" = 0 ]"

virsh destroy $A >/dev/null 2>&1 || true
gone=0
within 30 no_doll $A && within 10 resv_is "$base" && gone=1
tap_check "virsh destroy $A: doll gone, reservation back to $(milli "$base") CPUs" test $gone = 1
[ $gone = 1 ] || tap_diag "nestctl envelope show:" "$(cat "$work/show.json" "$work/show.err")"
rc=0
"$NC" envelope del name $A >"$work/del.out" 2>&1 || rc=$?
tap_check "its pending envelope is gone too (envelope del name $A: none)" \
	sh -c "[ $rc = 1 ] && grep -qiE 'no pending envelope|no such' '$work/del.out'"
tap_diag "envelope del name $A: rc $rc: $(cat "$work/del.out")"

# A user's QEMU named like B runs first: B must start all the same.
user_vm $B
ub=$upid
tap_check "a QEMU of uid $USER_ID named guest=$B runs before $B starts (pid $ub, doll ${uid_doll:-none})" test -n "$uid_doll"
out=$(virsh start $B 2>&1) || true
tap_check "now $B fits: started" test "$(vm_state $B)" = running
[ "$(vm_state $B)" = running ] || tap_diag "$out"
bpid=$(cat /run/libvirt/qemu/$B.pid 2>/dev/null || echo 0)
tap_check "$B (pid $bpid) has its envelope (cpu.reserve $(milli $B_RES))" \
	within 30 env_of_pid "$bpid" "(.cpu_reserve * 1000 | round) == $B_RES and .cpu_limit == null"
tap_check "the user's QEMU named $B did not take it" env_of_pid "$ub" "(.cpu_reserve // 0) == 0"
tap_diag "nestctl envelope show:" "$(cat "$work/show.json")"
kill "$ub" 2>/dev/null || true

virsh destroy $B >/dev/null 2>&1 || true
virsh undefine $A >/dev/null 2>&1 || true
virsh undefine $B >/dev/null 2>&1 || true
r=
within 30 resv_is "$base" || true
tap_check "destroy $B, undefine both: no domain left, $(milli "$r") CPUs reserved" \
	sh -c "[ '$r' = '$base' ] && [ -z \"\$(virsh list --all --name | grep .)\" ]"

bad=$(kn_log_since $mark | kn_log_bad || true)
[ -z "$bad" ] || tap_diag "$bad"
tap_check "kernel log clean" test -z "$bad"
tap_exit
