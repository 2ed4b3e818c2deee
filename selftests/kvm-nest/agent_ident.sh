#!/bin/sh
# The agent trusts nothing a VMM says about itself (issue 10): a user's
# QEMU (uid 1000, /dev/kvm opened to it for the test) whose -qmp names
# another VM's QMP socket, and one whose -name claims a libvirt domain that
# libvirt does not run as it: an envelope that needs their balloon is
# refused with the reason, the other VM's QEMU receives not one QMP
# command (its own trace of QMP commands stays empty), and the user's
# QEMU stays in its cgroup. The control: the same RAM limit on the victim
# itself goes through its own QMP socket (the agent checks the socket's
# peer, SO_PEERCRED, and matches replies by id; the victim's trace shows
# the balloon command). The QEMUs stay paused (-S): the VM, its memory and
# QMP exist from the start, and no guest code costs CPU here.
# Documentation/security.rst, "The agent and VMM identity".
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"

USER_ID=1000
MIB=1048576
command -v qemu-system-x86_64 >/dev/null || tap_skip_all "no qemu-system-x86_64 in this host"
command -v setpriv >/dev/null || tap_skip_all "no setpriv"
env_require
tap_plan 12
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
trap 'restore_kvm; env_cleanup' EXIT

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
restore_kvm
env_log_check
tap_exit
