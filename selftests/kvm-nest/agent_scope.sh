#!/bin/sh
# The agent on a systemd host never makes a cgroup outside what systemd
# delegated (Documentation/envelopes.rst, "Cgroup placement"). The emulated
# host has no systemd, so the test lays one out in its cgroup2 tree:
# /run/systemd/system, a private dbus-daemon as the system bus
# (DBUS_SYSTEM_BUS_ADDRESS), and on it fake-systemd (userspace/nestctl/
# tests/fake_systemd.c), which answers StartTransientUnit and
# AttachProcessesToUnit by making the scope under its slice and moving the
# PIDs, as systemd does. Then:
#  1. scope: the agent asks for kvm-nest-dolls.scope in kvm-nest.slice with
#     Delegate=yes for the first VMM, attaches the second through systemd,
#     and each envelope lands in the scope's doll-N/vmm;
#  2. delegated: no systemd on the bus, the agent started in a cgroup
#     marked delegated (trusted.delegate=1, as systemd marks a Delegate=yes
#     unit's): it moves itself into .../agent and the VMM into .../doll-N/vmm;
#  3. neither: it refuses to start, saying what to do;
#  4. no systemd: the base NESTCTL_CGROUP_BASE names;
#  5. a real systemd (252, run as root's user manager): the scope as in 1.
# After each part, the cgroups made are compared with those before: none
# outside the scope, the delegated unit or the configured base, but the
# ones the fake systemd (or the test, as systemd) made.
# SC2317: functions run from the trap.
# shellcheck disable=SC2317
set -eu
# shellcheck source=env_lib.sh
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"

FAKE=$KN_BUILD/nestctl/tests/fake-systemd
CG=/sys/fs/cgroup
SLICE=$CG/kvm.slice
SCOPE=$SLICE/kvm-nest.slice/kvm-nest-dolls.scope
UNIT=$CG/system.slice/nestctl-agent.service
BASE=$CG/kn-test-base
W=$ENV_WORK
command -v dbus-daemon >/dev/null || tap_skip_all "no dbus-daemon in this host (package dbus-daemon)"
env_require
[ -x "$FAKE" ] || tap_bail "$FAKE not built (make -C userspace/nestctl)"
tap_plan 34

ag='' bus='' fake='' sd='' made_run='' made_sys='' made_user=''
stop_pid() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || true
	for _ in $(seq 40); do kill -0 "$1" 2>/dev/null || break; sleep 0.25; done
	wait "$1" 2>/dev/null || true
}
# rm_cg DIR: a cgroup tree, leaves first (only empty cgroups go).
rm_cg() {
	[ -d "$1" ] || return 0
	find "$1" -depth -type d -exec rmdir {} \; 2>/dev/null || true
}
kill_spins() {
	for _p in $ENV_KILL; do kill "$_p" 2>/dev/null || true; done
	for _p in $ENV_KILL; do wait "$_p" 2>/dev/null || true; done
	ENV_KILL=
}
restore() {
	stop_pid "$ag"
	kill_spins
	stop_pid "$fake"
	stop_pid "$bus"
	stop_pid "$sd"
	sleep 0.5
	rm_cg "$SLICE"
	[ -z "$made_user" ] || rm_cg "$CG/user.slice"
	rm_cg "$UNIT"
	[ -z "$made_sys" ] || rm_cg "$CG/system.slice"
	rm_cg "$BASE"
	[ -z "$made_run" ] || rmdir /run/systemd/system /run/systemd 2>/dev/null || true
	kn_agent_start || true
	env_cleanup
}
trap restore EXIT

cgs() { find "$CG" -type d | sort; }
# new_outside SNAPSHOT ALLOWED-REGEX: cgroups made since SNAPSHOT that
# ALLOWED (ERE on the whole path) does not cover.
new_outside() {
	cgs >"$W/now"
	comm -13 "$1" "$W/now" | grep -vxE "$2" || true
}
# agent_up LOG ARGS...: the agent under test in the background (ag), up
# once the kernel sees it listen; 1 if it exited first.
agent_up() {
	_log=$1
	shift
	"$@" </dev/null >"$_log" 2>&1 &
	ag=$!
	for _ in $(seq 60); do
		[ "$("$NC" -j envelope show self 2>/dev/null | jq -r .self.agent)" = true ] && return 0
		kill -0 "$ag" 2>/dev/null || return 1
		sleep 0.5
	done
	return 1
}
# limit_in DIR: DIR or DIR/.. has cpu.max at 0.25 of its period, within 10 s.
limit_in() {
	for _ in $(seq 20); do
		for _c in "${1%/*}" "$1"; do
			read -r _q _p 2>/dev/null <"$_c/cpu.max" || continue
			[ "$_q" != max ] && [ $((_q * 1000 / _p)) = 250 ] && return 0
		done
		sleep 0.5
	done
	return 1
}
# spin_limited NAME: a busy doll (spin_pid, spin_id) given cpu.limit 0.25.
spin_limited() {
	env_spin "$1" 120
	nc envelope set "$spin_id" cpu.limit 0.25
	[ "$nc_rc" = 0 ] || tap_diag "envelope set $spin_id cpu.limit 0.25: exit $nc_rc: $(nc_err)"
}

# The harness's agent makes way (restore brings it back).
_p=$(kn_agent_pid) && kill "$_p"
for _ in $(seq 40); do kn_agent_pid >/dev/null || break; sleep 0.25; done
[ -d /run/systemd/system ] || { mkdir -p /run/systemd/system; made_run=1; }
[ -d "$CG/system.slice" ] || made_sys=1
if [ -e "$SLICE" ] || [ -e "$UNIT" ] || [ -e "$BASE" ]; then
	tap_bail "$SLICE, $UNIT or $BASE is left from an earlier run: remove it"
fi

# 1. The scope, through the fake systemd.
cgs >"$W/before"
# A bus of its own: no service files, so nothing is ever activated on it.
cat >"$W/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=$W/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
dbus-daemon --config-file="$W/bus.conf" --nofork --nopidfile >"$W/dbus.log" 2>&1 &
bus=$!
for _ in $(seq 40); do [ -S "$W/bus" ] && break; sleep 0.25; done
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$W/bus"
"$FAKE" "$W/fs.log" &
fake=$!
for _ in $(seq 40); do grep -qx ready "$W/fs.log" 2>/dev/null && break; sleep 0.25; done
grep -qx ready "$W/fs.log" 2>/dev/null ||
	tap_bail "fake-systemd did not come up: $(cat "$W/fs.log" "$W/dbus.log" 2>/dev/null)"
# Under valgrind when there is one: sd-bus's calls leak nothing.
vg=
command -v valgrind >/dev/null &&
	vg="valgrind -q --num-callers=50 --suppressions=$KN_TOP/selftests/kvm-nest/valgrind.supp --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --error-exitcode=99"
ok=y
# shellcheck disable=SC2086 # $vg is a command line
agent_up "$W/agent1.log" $vg "$NC" agent -v || ok=
tap_check "agent up on the systemd layout (pid $ag${vg:+, under valgrind})" test -n "$ok"
tap_check "it says it uses the transient scope" grep -q "transient scope kvm-nest-dolls.scope in kvm-nest.slice" "$W/agent1.log"
spin_limited scope-a
a_pid=$spin_pid a_id=$spin_id
cg=$(env_cg "$a_pid")
tap_check "the first VMM (doll $a_id) is in $SCOPE/doll-$a_id/vmm (it is in $cg)" test "$cg" = "$SCOPE/doll-$a_id/vmm"
tap_check "the agent asked systemd for the scope: StartTransientUnit kvm-nest-dolls.scope in kvm-nest.slice, Delegate=yes, its PID" \
	grep -qx "StartTransientUnit kvm-nest-dolls.scope mode=fail slice=kvm-nest.slice delegate=1 pids=1" "$W/fs.log"
tap_check "cpu.limit 0.25 lands on the scope's doll-$a_id" limit_in "$SCOPE/doll-$a_id/vmm"
spin_limited scope-b
b_pid=$spin_pid b_id=$spin_id
cg=$(env_cg "$b_pid")
tap_check "the second VMM (doll $b_id) is in $SCOPE/doll-$b_id/vmm (it is in $cg)" test "$cg" = "$SCOPE/doll-$b_id/vmm"
tap_check "systemd moved it: AttachProcessesToUnit kvm-nest-dolls.scope /doll-$b_id/vmm" \
	grep -qx "AttachProcessesToUnit kvm-nest-dolls.scope sub=/doll-$b_id/vmm pids=1" "$W/fs.log"
tap_check "cpu.limit 0.25 lands on the scope's doll-$b_id" limit_in "$SCOPE/doll-$b_id/vmm"
nc envelope set "$a_id" cpus 0
got=$(cat "$SCOPE/doll-$a_id/cpuset.cpus" 2>/dev/null || echo none)
tap_check "cpus 0 lands on the scope's doll-$a_id (cpuset.cpus '$got')" test "$got" = 0
# What the fake systemd made, and the agent inside its scope only.
out=$(new_outside "$W/before" "$SLICE|$SLICE/kvm-nest.slice|$SCOPE(/.*)?")
[ -z "$out" ] || tap_diag "made outside the scope:" "$out"
tap_check "no cgroup made outside the scope and its slices" test -z "$out"
# The base without systemd may be there from the harness's own agent.
out=$(cgs | comm -13 "$W/before" - | grep -E "^$CG/kvm-nest(/|$)" || true)
tap_check "nothing made at $CG/kvm-nest${out:+: $out}" test -z "$out"
# The last VMM gone, systemd stops the scope: the next VMM starts a new one.
kill_spins
spin_limited scope-c
cg=$(env_cg "$spin_pid")
n=$(grep -c '^StartTransientUnit kvm-nest-dolls.scope ' "$W/fs.log" || true)
tap_check "after the scope ended, a new VMM (doll $spin_id) is in a new scope's doll-$spin_id/vmm (it is in $cg; StartTransientUnit $n times)" \
	sh -c "[ '$cg' = '$SCOPE/doll-$spin_id/vmm' ] && [ '$n' = 2 ]"
kill "$ag" 2>/dev/null || true
rc=0
wait "$ag" || rc=$?
ag=
[ -z "$ok" ] && tap_diag "agent log:" "$(cat "$W/agent1.log")"
tap_check "SIGTERM stops it: exit $rc${vg:+, valgrind says nothing}" \
	sh -c "[ $rc = 0 ] && ! grep -q '^==[0-9]*==' '$W/agent1.log'"
grep -q '^==[0-9]*==' "$W/agent1.log" && tap_diag "$(grep -A20 -m1 '^==[0-9]*==' "$W/agent1.log")"
# Restarted, it finds the scope that is there and has systemd attach.
ok=y
agent_up "$W/agent1b.log" "$NC" agent -v || ok=
spin_limited scope-d
cg=$(env_cg "$spin_pid")
tap_check "restarted (pid $ag), the agent puts a VMM (doll $spin_id) into the running scope (it is in $cg)" \
	sh -c "[ -n '$ok' ] && [ '$cg' = '$SCOPE/doll-$spin_id/vmm' ]"
tap_check "through AttachProcessesToUnit kvm-nest-dolls.scope /doll-$spin_id/vmm" \
	grep -qx "AttachProcessesToUnit kvm-nest-dolls.scope sub=/doll-$spin_id/vmm pids=1" "$W/fs.log"
out=$(new_outside "$W/before" "$SLICE|$SLICE/kvm-nest.slice|$SCOPE(/.*)?")
tap_check "still no cgroup made outside the scope and its slices${out:+: $out}" test -z "$out"
stop_pid "$ag"
ag=
kill_spins
tap_diag "fake-systemd's log:" "$(cat "$W/fs.log")"
[ -z "$ok" ] && tap_diag "agent log:" "$(cat "$W/agent1b.log")"

# 2. The unit's delegated cgroup: no systemd on the bus.
stop_pid "$fake"
fake=
cgs >"$W/before"
for d in "$CG" "$CG/system.slice"; do
	mkdir -p "$d"
	echo "+cpu +cpuset +memory" >"$d/cgroup.subtree_control"
done
mkdir "$UNIT"
python3 -c 'import os, sys; os.setxattr(sys.argv[1], "trusted.delegate", b"1")' "$UNIT"
ok=y
# shellcheck disable=SC2016 # $$ is the inner shell's
agent_up "$W/agent2.log" sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" agent -v' sh "$UNIT" "$NC" || ok=
tap_check "agent up in $UNIT, marked delegated, with no systemd on the bus (pid $ag)" test -n "$ok"
cg=$(env_cg "$ag")
tap_check "it moved itself into $UNIT/agent (it is in $cg)" test "$cg" = "$UNIT/agent"
tap_check "it says it uses the unit's delegated cgroup" grep -q "delegated cgroup $UNIT" "$W/agent2.log"
spin_limited deleg
cg=$(env_cg "$spin_pid")
tap_check "the VMM (doll $spin_id) is in $UNIT/doll-$spin_id/vmm (it is in $cg)" test "$cg" = "$UNIT/doll-$spin_id/vmm"
tap_check "cpu.limit 0.25 lands on $UNIT/doll-$spin_id" limit_in "$UNIT/doll-$spin_id/vmm"
out=$(new_outside "$W/before" "$CG/system.slice|$UNIT(/.*)?")
[ -z "$out" ] || tap_diag "made outside the unit's cgroup:" "$out"
tap_check "no cgroup made outside the unit's delegated cgroup" test -z "$out"
[ -z "$ok" ] && tap_diag "agent log:" "$(cat "$W/agent2.log")"
stop_pid "$ag"
ag=
kill_spins
rm_cg "$UNIT"

# 3. Neither: a systemd host, no bus, a cgroup nobody delegated.
cgs >"$W/before"
rc=0
timeout 20 "$NC" agent </dev/null >"$W/agent3.log" 2>&1 || rc=$?
tap_diag "its words: $(cat "$W/agent3.log")"
tap_check "it refuses to start (exit $rc)" test "$rc" = 1
tap_check "saying why and what to do" \
	sh -c "grep -q 'systemd host' '$W/agent3.log' && grep -q 'not delegated' '$W/agent3.log' && grep -q 'Delegate=yes' '$W/agent3.log'"
out=$(new_outside "$W/before" "^$")
tap_check "and makes no cgroup${out:+: made $out}" test -z "$out"

# 4. No systemd: the base NESTCTL_CGROUP_BASE names.
stop_pid "$bus"
bus=
[ -z "$made_run" ] || rmdir /run/systemd/system /run/systemd
made_run=
cgs >"$W/before"
ok=y
agent_up "$W/agent4.log" env NESTCTL_CGROUP_BASE="$BASE" "$NC" agent -v || ok=
tap_check "agent up without systemd, NESTCTL_CGROUP_BASE=$BASE (pid $ag)" test -n "$ok"
spin_limited base
cg=$(env_cg "$spin_pid")
tap_check "the VMM (doll $spin_id) is in $BASE/doll-$spin_id/vmm (it is in $cg)" test "$cg" = "$BASE/doll-$spin_id/vmm"
out=$(new_outside "$W/before" "$BASE(/.*)?")
tap_check "no cgroup made outside $BASE${out:+: made $out}" test -z "$out"
[ -z "$ok" ] && tap_diag "agent log:" "$(cat "$W/agent4.log")"
stop_pid "$ag"
ag=
kill_spins

# 5. A real systemd: Debian's systemd 252 as a user manager (systemd
# --user, root's), in the cgroup the system manager would give
# user@0.service (delegated), with its own bus ($XDG_RUNTIME_DIR/bus,
# dbus-daemon started by its dbus.socket). It serves the same
# org.freedesktop.systemd1.Manager API as PID 1; the agent, given that bus
# as the system bus, gets its scope from it.
real_systemd() {
	[ -x "$SYSTEMD" ] || return 1
	for _d in "$CG" "$CG/user.slice" "$CG/user.slice/user-0.slice"; do
		mkdir -p "$_d"
		echo "+cpu +cpuset +memory +pids" >"$_d/cgroup.subtree_control"
	done
	mkdir "$USERCG"
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "trusted.delegate", b"1")' "$USERCG"
	mkdir -p "$W/xdg" "$W/home"
	chmod 700 "$W/xdg"
	# shellcheck disable=SC2016 # $$ is the inner shell's
	XDG_RUNTIME_DIR=$W/xdg HOME=$W/home SYSTEMD_LOG_TARGET=console \
		sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --user' sh "$USERCG" "$SYSTEMD" \
		</dev/null >"$W/systemd.log" 2>&1 &
	sd=$!
	# Up once it answers on its bus (connecting starts the bus).
	for _ in $(seq 60); do
		DBUS_SESSION_BUS_ADDRESS=unix:path=$W/xdg/bus busctl --user status org.freedesktop.systemd1 \
			>/dev/null 2>&1 && return 0
		kill -0 "$sd" 2>/dev/null || return 1
		sleep 0.5
	done
	return 1
}
SYSTEMD=/lib/systemd/systemd
USERCG=$CG/user.slice/user-0.slice/user@0.service
RSCOPE=$USERCG/kvm.slice/kvm-nest.slice/kvm-nest-dolls.scope
[ -d "$CG/user.slice" ] || made_user=1
[ -d /run/systemd/system ] || { mkdir -p /run/systemd/system; made_run=1; }
cgs >"$W/before"
if real_systemd; then
	tap_diag "$($SYSTEMD --version | head -n 1) runs as the manager (pid $sd)"
	export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$W/xdg/bus"
	ok=y
	agent_up "$W/agent5.log" "$NC" agent -v || ok=
	spin_limited real-a
	cg=$(env_cg "$spin_pid")
	tap_check "real systemd: the VMM (doll $spin_id) is in its scope's doll-$spin_id/vmm (it is in $cg)" \
		sh -c "[ -n '$ok' ] && [ '$cg' = '$RSCOPE/doll-$spin_id/vmm' ]"
	tap_check "cpu.limit 0.25 lands there" limit_in "$RSCOPE/doll-$spin_id/vmm"
	show=$(XDG_RUNTIME_DIR=$W/xdg systemctl --user show -p Delegate -p Slice -p ActiveState kvm-nest-dolls.scope 2>&1 | sort | tr '\n' ' ')
	tap_check "systemd has kvm-nest-dolls.scope active in kvm-nest.slice with Delegate=yes ($show)" \
		test "$show" = "ActiveState=active Delegate=yes Slice=kvm-nest.slice "
	stop_pid "$ag"
	agent_up "$W/agent5b.log" "$NC" agent -v || ok=
	spin_limited real-b
	cg=$(env_cg "$spin_pid")
	tap_check "restarted, the agent finds the scope (GetUnit) and has systemd attach a second VMM (doll $spin_id, in $cg)" \
		sh -c "[ -n '$ok' ] && [ '$cg' = '$RSCOPE/doll-$spin_id/vmm' ]"
	out=$(new_outside "$W/before" "$CG/user.slice|$CG/user.slice/user-0.slice|$USERCG(/.*)?")
	tap_check "no cgroup made outside the manager's delegated cgroup${out:+: $out}" test -z "$out"
	[ -n "$ok" ] || tap_diag "agent logs:" "$(cat "$W/agent5.log" "$W/agent5b.log")"
	stop_pid "$ag"
	ag=
	kill_spins
else
	tap_diag "systemd --user did not come up:" "$(tail -n 30 "$W/systemd.log" 2>/dev/null)"
	for t in "its scope" "cpu.limit" "the scope in systemd" "restart" "nothing outside"; do
		tap_skip "real systemd: $t" "no systemd --user here"
	done
fi
env_log_check
tap_exit
