#!/bin/sh
# The agent trusts nothing a VMM says about itself (security.rst,
# "The agent and VMM identity"): a user's
# QEMU (uid 1000, /dev/kvm opened to it for the test) whose -qmp names
# another VM's QMP socket, and one whose -name claims a libvirt domain that
# libvirt does not run as it: an envelope that needs their balloon is
# refused with the reason, the other VM's QEMU receives not one QMP
# command (its own trace of QMP commands stays empty), and the user's
# QEMU stays in its cgroup. The control: the same RAM limit on the victim
# itself goes through its own QMP socket (the agent checks the socket's
# peer, SO_PEERCRED, and matches replies by id; the victim's trace shows
# the balloon command). The QEMUs stay paused (-S): the VM, its memory and
# QMP exist from the start, and no guest code costs CPU here. The agent
# runs under valgrind for the test (the harness's is stopped, and started
# again at the end): no leak, no memory error, and a clean stop.
# A pending envelope of a libvirt domain (name and uuid, as the hook sets
# it) is not taken by a user's VM of that name, goes to the VM of the
# process it is bound to, and a bind with another uuid is refused.
# Documentation/security.rst, "The agent and VMM identity".
# SC2317: functions run from the trap.
# shellcheck disable=SC2317
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"

USER_ID=1000
MIB=1048576
command -v qemu-system-x86_64 >/dev/null || tap_skip_all "no qemu-system-x86_64 in this host"
command -v setpriv >/dev/null || tap_skip_all "no setpriv"
env_require
tap_plan 18
env_agent_check

W=$ENV_WORK
kvm_mode=$(stat -c %a /dev/kvm)
# The users' QEMUs read their firmware from here: it must be theirs to read.
chmod 711 "$W"
mkdir -m 755 "$W/fw"
for f in /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin /usr/share/qemu/kvmvapic.bin; do
	[ -f "$f" ] || tap_bail "$f missing (qemu-system-x86, seabios)"
	ln -s "$f" "$W/fw/"
done
restore_kvm() { chmod "$kvm_mode" /dev/kvm; }
vg=
# The harness's agent comes back whatever happens.
restore_agent() {
	if [ -n "$vg" ] && kill "$vg" 2>/dev/null; then wait "$vg" || true; fi
	kn_agent_start || true
}
trap 'restore_kvm; restore_agent; env_cleanup' EXIT

# agent_seen: the kernel sees an agent listen, within 60 s.
agent_seen() {
	for _ in $(seq 120); do
		[ "$("$NC" -j envelope show self 2>/dev/null | jq -r .self.agent)" = true ] && return 0
		sleep 0.5
	done
	return 1
}
if command -v valgrind >/dev/null; then
	_p=$(kn_agent_pid) && kill "$_p"
	for _ in $(seq 40); do kn_agent_pid >/dev/null || break; sleep 0.25; done
	valgrind -q --num-callers=50 --suppressions="$KN_TOP/selftests/kvm-nest/valgrind.supp" \
		--leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
		--error-exitcode=99 "$NC" agent -v </dev/null >"$W/vg.log" 2>&1 &
	vg=$!
	agent_seen || tap_bail "the agent under valgrind does not listen: $(cat "$W/vg.log")"
fi

# qemu NAME-OPTION QEMU-OPTIONS...: a paused 512 MiB VM in the background;
# $qpid. Run as root unless AS is set (setpriv options).
qemu() {
	_log=$W/qemu.$1
	shift
	# shellcheck disable=SC2086 # AS: setpriv's words, or none
	${AS:-} qemu-system-x86_64 -enable-kvm -cpu host,-xsave -m 512 -smp 1 -S \
		-nodefaults -display none -L "$W/fw" "$@" </dev/null >"$_log" 2>&1 &
	qpid=$!
	ENV_KILL="$ENV_KILL $qpid"
}
AS_USER="setpriv --reuid=$USER_ID --regid=$USER_ID --clear-groups"
qmp_cmds() { grep -c '^handle_qmp_command' "$W/victim.trace" 2>/dev/null || true; }

# The victim: root's VM, with a balloon and its own QMP socket, whose every
# QMP command lands in its trace.
qemu victim -name victim -device virtio-balloon-pci \
	-qmp "unix:$W/victim.sock,server=on,wait=off" \
	-trace handle_qmp_command -trace qmp_enter_balloon -D "$W/victim.trace"
vpid=$qpid
vid=$(env_wait_l1 "$vpid" 60) || tap_bail "no level-1 doll for the victim QEMU: $(cat "$W/qemu.victim")"
tap_diag "victim: doll $vid, qemu pid $vpid, QMP $W/victim.sock"

# Control: 560M leaves its guest 496M: the agent balloons it, through the
# victim's own socket.
env_set "$vid" mem.limit 560M
n=$(qmp_cmds)
tap_check "the victim's own apply went through its QMP: balloon to 496 MiB in its trace ($n commands)" \
	grep -q "^qmp_enter_balloon.* $((496 * MIB))\$\|^handle_qmp_command.*\"balloon\".*$((496 * MIB))" "$W/victim.trace"
grep -q balloon "$W/victim.trace" || tap_diag "victim trace:" "$(cat "$W/victim.trace")" "agent log:" "$(tail -n 10 "$KN_AGENT_LOG")"

chmod o+rw /dev/kvm
# A user's VM whose -qmp names the victim's socket (as a client, with
# reconnect, so that QEMU starts although it may not connect there).
AS=$AS_USER qemu thief -name thief -qmp "unix:$W/victim.sock,server=off,reconnect=1"
tpid=$qpid
tid=$(env_wait_l1 "$tpid" 60) || tap_bail "no level-1 doll for the user's QEMU: $(cat "$W/qemu.thief")"
tap_check "the user's QEMU (pid $tpid) runs as uid $USER_ID: doll $tid" \
	test "$(stat -c %u "/proc/$tpid")" = $USER_ID
tcg=$(cat "/proc/$tpid/cgroup")
env_refused "mem.limit 256M on the doll that names another VM's QMP socket" \
	"QMP socket .*victim.sock is served by pid $vpid, not by its VMM \\(pid $tpid\\)" set "$tid" mem.limit 256M
tap_check "the victim received no QMP command: $(qmp_cmds) in its trace, as before ($n)" test "$(qmp_cmds)" = "$n"
tap_check "the user's QEMU stays in its cgroup ($tcg)" test "$(cat "/proc/$tpid/cgroup")" = "$tcg"
tap_check "its envelope is unchanged (no mem.limit)" test "$(env_field "$tid" mem_limit)" = null

# A user's VM that claims to be libvirt domain "victim", with no QMP.
AS=$AS_USER qemu liar -name guest=victim,debug-threads=on
lpid=$qpid
lid=$(env_wait_l1 "$lpid" 60) || tap_bail "no level-1 doll for the second user's QEMU: $(cat "$W/qemu.liar")"
env_refused "mem.limit 256M on a doll named like a libvirt domain libvirt does not run as it" \
	"named as libvirt domain 'victim', but libvirt runs no domain;a name is not an identity" set "$lid" mem.limit 256M
tap_check "still no QMP command to the victim ($(qmp_cmds))" test "$(qmp_cmds)" = "$n"
# A domain's pending envelope, as the libvirt hook sets it.
U=0b7e3f2a-5c1d-4e8f-9a6b-2d4c6e8f0a1b
env_set name kn-dom uuid $U cpu.weight 300
AS=$AS_USER qemu squatter -name guest=kn-dom,debug-threads=on
sid=$(env_wait_l1 "$qpid" 60) || tap_bail "no level-1 doll for the third user's QEMU: $(cat "$W/qemu.squatter")"
sleep 3
tap_check "a user's VM named kn-dom (doll $sid) does not get the domain's envelope (cpu_weight $(env_field "$sid" cpu_weight))" \
	test "$(env_field "$sid" cpu_weight)" != 300
AS='' qemu dom -name guest=kn-dom-qemu
dpid=$qpid
did=$(env_wait_l1 "$dpid" 60) || tap_bail "no level-1 doll for root's QEMU: $(cat "$W/qemu.dom")"
env_refused "a bind with another domain's uuid" "is not domain 1b7e3f2a-5c1d-4e8f-9a6b-2d4c6e8f0a1b's" \
	set name kn-dom uuid 1b7e3f2a-5c1d-4e8f-9a6b-2d4c6e8f0a1b pid "$dpid"
env_set name kn-dom uuid $U pid "$dpid"
w=
for _ in $(seq 40); do
	w=$(env_field "$did" cpu_weight)
	[ "$w" = 300 ] && break
	sleep 0.5
done
tap_check "bound to root's QEMU (pid $dpid), it goes to its doll $did (cpu_weight $w), not to the user's ($(env_field "$sid" cpu_weight))" \
	sh -c "[ '$w' = 300 ] && [ '$(env_field "$sid" cpu_weight)' != 300 ]"
nc envelope del name kn-dom uuid $U
restore_kvm
if [ -n "$vg" ]; then
	kill "$vg"
	rc=0
	wait "$vg" || rc=$?
	vg=
	tap_check "the agent under valgrind stopped with exit $rc, and valgrind says nothing" \
		sh -c "[ $rc = 0 ] && ! grep -q '^==[0-9]*==' '$W/vg.log'"
	if grep -q '^==[0-9]*==' "$W/vg.log"; then
		tap_diag "$(grep -A20 -m1 '^==[0-9]*==' "$W/vg.log")"
	fi
	kn_agent_start || tap_diag "the harness's agent did not start again"
else
	tap_skip "the agent under valgrind" "no valgrind here"
fi
env_log_check
tap_exit
