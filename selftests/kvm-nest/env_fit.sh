#!/bin/sh
# Fit mode: a doll keeps ceil(cpu.limit) of its vCPUs online. An L1 Linux
# doll with 3 vCPUs runs kvm-nest with fit_cpus=1 (env_fit_doll.sh prints
# what it sees). From here, L0 changes its envelope:
#  - no limit: 3 CPUs online; cpu.limit 1 and 0.5: CPU 0 alone, and
#    /sys/kernel/kvm_nest/envelope/cpu.max reads as cgroup v2 would
#    ("100000 100000", "50000 100000", "max 100000" with no limit);
#  - the limit lifted: all 3 back;
#  - fit mode turned off inside: the CPUs it took come back; on again:
#    they go again;
#  - kvm-nest unloaded inside while it holds 2 CPUs offline: all 3 back,
#    and the doll's kernel log is clean.
# This host has one CPU, so L0 admits no limit above 1: a limit that
# keeps 2 of the 3 online (1.5) cannot be set here.
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"
# shellcheck source=env_depth_lib.sh
. "$KN_TOP/selftests/kvm-nest/env_depth_lib.sh"

env_require
tap_plan 18

env_doll env-fit --module --smp 3 --mem 512M -- "$KN_TOP/selftests/kvm-nest/env_fit_doll.sh"
# shellcheck disable=SC2034 # l1dir: depth_last reads it
l1=$doll_id l1pid=$doll_pid l1dir=$doll_dir dir=$doll_dir
tap_diag "L1 doll $l1 (qemu pid $l1pid, $dir), 3 vCPUs"

# fit_see REGEX SECONDS WHAT: a test point: the doll's newest line says
# what REGEX matches, within SECONDS.
fit_see() {
	_end=$(($(date +%s) + $2))
	while :; do
		_l=$(depth_last '^kn-fit')
		echo "$_l" | grep -qE -- "$1" && break
		[ "$(date +%s)" -lt $_end ] || break
		kill -0 "$l1pid" 2>/dev/null || break
		sleep 1
	done
	tap_check "$3 ($_l)" test -n "$(echo "$_l" | grep -E -- "$1")"
}

# The doll boots in 60-240 s here; mind a loaded machine.
fit_see '^kn-fit online=0-2 limit=max max=max 100000 fit=Y$' 600 \
	"no limit: all 3 CPUs online in fit mode, cpu.max 'max 100000'"
[ -n "$(depth_last '^kn-fit ')" ] ||
	tap_bail "the doll printed nothing: $(tail -n 20 "$dir/result.log") console: $(tail -n 20 "$dir/console.log")"

env_set "$l1" cpu.limit 1
fit_see '^kn-fit online=0 limit=1\.000 max=100000 100000 fit=Y$' 60 \
	"cpu.limit 1: CPU 0 alone online"
env_set "$l1" cpu.limit 0.5
fit_see '^kn-fit online=0 limit=0\.500 max=50000 100000 fit=Y$' 60 \
	"cpu.limit 0.5: still one online, cpu.max '50000 100000'"
env_set "$l1" cpu.limit max
fit_see '^kn-fit online=0-2 limit=max max=max 100000 fit=Y$' 60 \
	"the limit lifted: all 3 back"

env_set "$l1" cpu.limit 1
fit_see '^kn-fit online=0 limit=1\.000 .* fit=Y$' 60 "cpu.limit 1 again: 1 online"
env_set "$l1" cpu.limit 0.9
fit_see '^kn-fit online=0-2 limit=0\.900 .* fit=N$' 60 \
	"fit mode off inside (cpu.limit 0.9 asks it): the CPUs it took are back"
env_set "$l1" cpu.limit 0.8
fit_see '^kn-fit online=0 limit=0\.800 .* fit=Y$' 60 \
	"fit mode on again (0.8): 1 online, a limit under one CPU keeps one"

env_set "$l1" cpu.limit 0.7
gone=$(env_doll_wait "$dir" '^kn-fit-gone ' 120 || true)
tap_check "kvm-nest unloaded inside (0.7 asks it): it gave all 3 back ($gone)" \
	test -n "$(echo "$gone" | grep -E '^kn-fit-gone rmmod=0 online=0-2 bad=0$')"
# With kvm-nest gone its 3 vCPUs share 0.7 CPU: it ends in about 10 s.
end=$(env_doll_wait "$dir" '^KN-RESULT ' 60 ||
	echo "none; its last lines: $(env_doll_lines "$dir" | tail -n 3 | tr '\n' '|')")
tap_check "the doll ended its command cleanly ($end)" test -n "$(echo "$end" | grep -E '^KN-RESULT rc=0 ')"
bad=$(grep -aoE -m1 "$KN_BAD_CONSOLE.*" "$dir/console.log" || true)
tap_check "the doll's kernel log is clean${bad:+: $bad}" test -z "$bad"
env_log_check
tap_exit
