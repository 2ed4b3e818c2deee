#!/bin/sh
# The packages of `make deb`, installed in an emulated host, and the agent
# run from its unit there. The emulated host has no systemd and its / is
# the dev machine's, read-only over 9p, so (Documentation/packaging.rst,
# "The install test"):
#   - dpkg's unpacking stands in for dpkg -i: dpkg-deb -x puts both
#     packages' files into a root on tmpfs (maintainer scripts, that is
#     DKMS's build and systemctl enable, do not run here; dkms-test.sh
#     covers the DKMS build on the development machine);
#   - modprobe reads the package's modprobe.d (modprobe -C ... -c);
#   - the unit's ExecStartPre (modprobe kvm-nest) is replaced by the
#     harness's insmod: the test checks kvm_nest is loaded;
#   - systemd is replaced by this script: it runs the unit's ExecStart, with
#     its Environment=, the packaged /usr/sbin/nestctl from the tmpfs root,
#     and stops it as systemd would (SIGTERM, KillMode=mixed) within the
#     unit's TimeoutStopSec. Restart= and Delegate= are not exercised.
# The agent from the package then applies a CPU limit to a doll.
# SC2317: functions run from the trap.
# shellcheck disable=SC2317
set -eu
# shellcheck source=env_lib.sh
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"

DEB=$KN_BUILD/deb
UNIT=lib/systemd/system/nestctl-agent.service
command -v dpkg-deb >/dev/null || tap_skip_all "no dpkg-deb in this host"
env_require
set -- "$DEB"/kvm-nest-dkms_*_all.deb
dkms_deb=$1
set -- "$DEB"/nestctl_*_amd64.deb
nc_deb=$1
[ -f "$dkms_deb" ] || tap_bail "no kvm-nest-dkms package in $DEB: run make deb first"
[ -f "$nc_deb" ] || tap_bail "no nestctl package in $DEB: run make deb first"
tap_plan 9

R=$ENV_WORK/root
mkdir -p "$R"
for d in "$dkms_deb" "$nc_deb"; do
	dpkg-deb -x "$d" "$R" || tap_bail "dpkg-deb -x $d failed"
done
miss=
for f in usr/sbin/nestctl usr/share/man/man8/nestctl.8.gz $UNIT etc/libvirt/hooks/qemu.d/kvm-nest \
	usr/share/bash-completion/completions/nestctl \
	usr/share/kvm-nest/bpftrace/nested-exits.bt lib/modprobe.d/kvm-nest.conf \
	lib/modules-load.d/kvm-nest.conf; do
	[ -e "$R/$f" ] || miss="$miss /$f"
done
[ -z "$miss" ] || tap_diag "missing:$miss"
tap_check "both packages unpack (nestctl, its unit, man page, hook, bash completion, bpftrace tool; modprobe.d, modules-load.d)" \
	test -z "$miss"
src=$(echo "$R"/usr/src/kvm-nest-*/dkms.conf)
tap_check "kvm-nest-dkms holds the module's sources and dkms.conf (${src#"$R"})" \
	sh -c "[ -f '$src' ] && [ -f '${src%/dkms.conf}/scripts/Kbuild.gate' ] && grep -q '^BUILD_EXCLUSIVE_CONFIG=' '$src'"

# modprobe's view of the package's file, against this kernel's modules.
mp=$(modprobe -d "$KN_BUILD/kernels/$KN_KERNEL/root" -C "$R/lib/modprobe.d" -c 2>&1 || true)
tap_check "modprobe reads nested=1 for kvm_amd and kvm_intel, and the vendor module before kvm_nest" \
	sh -c "echo '$mp' | grep -qx 'options kvm_amd nested=1' && echo '$mp' | grep -qx 'options kvm_intel nested=1' &&
		echo '$mp' | grep -q '^install kvm_nest .*modprobe kvm_amd'"
grep -qx 'kvm-nest' "$R/lib/modules-load.d/kvm-nest.conf" && ok=1 || ok=
tap_check "modules-load.d names kvm-nest" test -n "$ok"

# The unit, as systemd would read it.
key() { sed -n "s/^$1=//p" "$R/$UNIT"; }
start=$(key ExecStart) pre=$(key ExecStartPre) envs=$(key Environment)
tap_diag "unit: ExecStartPre=$pre ExecStart=$start Environment=$envs" \
	"Restart=$(key Restart) Delegate=$(key Delegate) After=$(key After)"
tap_check "the unit: ExecStart is the packaged nestctl agent, loads the module first, Restart=on-failure, Delegate=yes" \
	sh -c "[ '$start' = '/usr/sbin/nestctl agent' ] && [ '$pre' = '/sbin/modprobe kvm-nest' ] &&
		[ '$(key Restart)' = on-failure ] && [ '$(key Delegate)' = yes ]"
tap_check "ExecStartPre's job is done here by the harness's insmod: kvm_nest is loaded" test -d /sys/module/kvm_nest

# The harness's agent makes way, and comes back whatever happens.
ag=
restore() {
	if [ -n "$ag" ] && kill "$ag" 2>/dev/null; then wait "$ag" || true; fi
	kn_agent_start || true
	env_cleanup
}
trap restore EXIT
_p=$(kn_agent_pid) && kill "$_p"
for _ in $(seq 40); do kn_agent_pid >/dev/null || break; sleep 0.25; done
# ExecStart's first word lives under the package root here.
# shellcheck disable=SC2086 # Environment= and ExecStart= are word lists
env $envs "$R${start%% *}" ${start#* } </dev/null >"$ENV_WORK/agent.log" 2>&1 &
ag=$!
seen=
for _ in $(seq 120); do
	[ "$("$NC" -j envelope show self 2>/dev/null | jq -r .self.agent)" = true ] && { seen=1; break; }
	kill -0 "$ag" 2>/dev/null || break
	sleep 0.5
done
exe=$(readlink "/proc/$ag/exe" || true)
tap_check "the kernel sees the packaged agent listen (pid $ag, $exe)" \
	sh -c "[ -n '$seen' ] && [ '$exe' = '$R/usr/sbin/nestctl' ]"
[ -n "$seen" ] || tap_diag "agent log:" "$(cat "$ENV_WORK/agent.log")"

# It does its job: a CPU limit on a busy doll reaches the doll's cgroup.
env_spin pkg 120
nc envelope set "$spin_id" cpu.limit 0.25
got=
for _ in $(seq 20); do
	cg=$(env_cg "$spin_pid")
	for c in "${cg%/*}" "$cg"; do
		read -r q p <"$c/cpu.max" 2>/dev/null || continue
		[ "$q" != max ] && [ $((q * 1000 / p)) = 250 ] && got="$c: $q $p"
	done
	[ -n "$got" ] && break
	sleep 0.5
done
tap_check "the packaged agent applies cpu.limit 0.25 (${got:-no cpu.max at 0.25 of its period: $(nc_err)})" test -n "$got"

# systemctl stop: SIGTERM, then the unit's TimeoutStopSec.
tmo=$(key TimeoutStopSec) tmo=${tmo%s}
kill "$ag"
rc=timeout
for _ in $(seq $((tmo * 4))); do
	kill -0 "$ag" 2>/dev/null || { rc=0; wait "$ag" || rc=$?; break; }
	sleep 0.25
done
ag=
tap_check "SIGTERM ends the packaged agent, exit $rc, within TimeoutStopSec=${tmo}s" test "$rc" = 0
tap_exit
