#!/bin/sh
# In-host init, run as PID 1 by the harness initramfs inside an emulated host
# (or an L1 doll): prepare the system, load KVM (nested=1) and kvm-nest, run
# the command of the run file, report on the result port, power off.
# Result port protocol (/dev/ttyS1): the command's output, then
#   KN-TIME init=<s> host=<s> runner=<s> end=<s>   (uptime marks)
#   KN-RESULT rc=<0|1|4> pass=<n> fail=<n> skip=<n>
#   KN-END
# Any path that does not reach KN-END is a failure for the runner.
# No set -e: as PID 1 this script must always get to report and power off.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
RESULT=/dev/ttyS1
up() { read -r _u _ </proc/uptime; echo "$_u"; }
t_host=$(up)

say() { echo "kn-host: $*"; }
fatal() {
	say "FATAL: $*"
	echo "KN-ERROR $*" >$RESULT
	busybox poweroff -f
	sleep 10
	exit 1
}

[ -f "${KN_RUN:-}" ] || fatal "run file '${KN_RUN:-}' missing (kn.run= on the kernel command line)"
# Everything the run file sets is for the command too: export it.
set -a
# shellcheck disable=SC1090
. "$KN_RUN"
set +a
: "${KN_TOP:?}" "${KN_KERNEL:?}" "${KN_CMD:?}"
KN_BUILD=${KN_BUILD:-$KN_TOP/build}
KN_KVER=$(uname -r)
KN_MODDIR=$KN_BUILD/kernels/$KN_KERNEL/root/lib/modules/$KN_KVER
KN_MODULE=${KN_MODULE:-$KN_BUILD/mod/$KN_KERNEL/kvm-nest/kvm-nest.ko}
if grep -qw svm /proc/cpuinfo; then KN_VENDOR=svm
elif grep -qw vmx /proc/cpuinfo; then KN_VENDOR=vmx
else fatal "this CPU has neither svm nor vmx"
fi
export KN_TOP KN_BUILD KN_KERNEL KN_KVER KN_VENDOR KN_MODULE KN_MODDIR
[ -d "$KN_MODDIR" ] || fatal "$KN_MODDIR missing: wrong kn kernel alias for $(uname -r)?"

mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm 2>/dev/null
ip link set lo up 2>/dev/null
hostname "${KN_HOSTNAME:-kn-$KN_KERNEL}"
stty -F $RESULT raw -echo 2>/dev/null

# shellcheck source=lib/kmod.sh
. "$KN_TOP/selftests/harness/lib/kmod.sh"
# shellcheck source=lib/agent.sh
. "$KN_TOP/selftests/harness/lib/agent.sh"
# A doll started with a balloon (l1-doll.sh --balloon) has virtio device
# id 5; its driver comes from the image's tree like the other modules.
if grep -qx 0x0005 /sys/bus/virtio/devices/*/device 2>/dev/null; then
	kn_insmod virtio_balloon || fatal "insmod virtio_balloon failed (the doll has a balloon device)"
	say "virtio_balloon loaded"
fi
kn_load_kvm || fatal "cannot load the KVM stack with nested=1"
say "$(kn_vendor_mod) nested=$(cat "/sys/module/$(kn_vendor_mod)/parameters/nested")"
if [ "${KN_LOAD_MODULE:-1}" = 1 ]; then
	if [ -f "$KN_MODULE" ]; then
		kn_load_nest || fatal "insmod $KN_MODULE failed (see the kernel log above)"
		say "kvm-nest loaded from $KN_MODULE"
	elif [ "${KN_REQUIRE_MODULE:-0}" = 1 ]; then
		fatal "kvm-nest module $KN_MODULE missing: run make modules-all"
	else
		say "kvm-nest module $KN_MODULE absent: running without it"
	fi
fi

# The envelope agent applies envelopes (cgroups, balloon) for the dolls
# this kernel hosts; it needs kvm-nest and a nestctl that has it.
if kn_agent_start; then
	say "nestctl agent running (pid $(kn_agent_pid)), log $KN_AGENT_LOG"
elif kn_loaded kvm_nest && kn_agent_supported; then
	# Not fatal: the envelope tests fail on it, the others need no agent.
	say "nestctl agent did not start: $(tail -n 3 "$KN_AGENT_LOG" 2>/dev/null | tr '\n' ' ')"
else
	say "no nestctl agent (kvm-nest not loaded, or $(kn_agent_nestctl) has no agent)"
fi

t_runner=$(up)
say "running: $KN_CMD"
cd "$KN_TOP" || fatal "cd $KN_TOP"
out=/run/kn.out
# The command's output goes to the console and the result port alike.
{
	sh -c "$KN_CMD" </dev/null 2>&1
	echo $? >/run/kn.rc
} | tee $out $RESULT
rc=$(cat /run/kn.rc)
t_end=$(up)

# Counts from the kselftest totals line; a bare command counts as one test.
tot=$(grep '^# Totals: ' $out | tail -n 1)
if [ -n "$tot" ]; then
	pass=$(echo "$tot" | sed 's/.* pass:\([0-9]*\).*/\1/')
	fail=$(echo "$tot" | sed 's/.* fail:\([0-9]*\).*/\1/')
	skip=$(echo "$tot" | sed 's/.* skip:\([0-9]*\).*/\1/')
else
	pass=0 fail=0 skip=0
	case $rc in 0) pass=1 ;; 4) skip=1 ;; *) fail=1 ;; esac
fi
{
	echo "KN-TIME init=${KN_T_INIT:-?} host=$t_host runner=$t_runner end=$t_end"
	echo "KN-RESULT rc=$rc pass=$pass fail=$fail skip=$skip"
	echo "KN-END"
} | tee $RESULT
sync
busybox poweroff -f
