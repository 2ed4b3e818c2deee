# shellcheck shell=sh
# What a failed or finished kvm-nest load may leave behind, for the tests
# that refuse or fail a load (init_unwind, layout_match); sourced, not a
# test itself, and it sources the TAP, kernel log and module helpers they
# share. POSIX sh.
# shellcheck source=../harness/lib/tap.sh
. "$KN_TOP/selftests/harness/lib/tap.sh"
# shellcheck source=../harness/lib/klog.sh
. "$KN_TOP/selftests/harness/lib/klog.sh"
# shellcheck source=../harness/lib/kmod.sh
. "$KN_TOP/selftests/harness/lib/kmod.sh"

[ -f "$KN_MODULE" ] || tap_skip_all "kvm-nest.ko not built yet ($KN_MODULE)"

kn_left_tr=
for _d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	[ -r "$_d/enabled_functions" ] && { kn_left_tr=$_d; break; }
done
kn_left_genl=
command -v genl >/dev/null 2>&1 && kn_left_genl=1

# kn_leftovers: everything kvm-nest could leave behind, one item a line:
# its module, sysfs and debugfs directories, genl family, ftrace
# functions, kprobes, and the references it takes on kvm and the vendor.
kn_leftovers() {
	for _p in /sys/module/kvm_nest /sys/kernel/kvm_nest /sys/kernel/debug/kvm_nest; do
		[ ! -e $_p ] || echo "exists: $_p"
	done
	_v=$(kn_vendor_mod)
	echo "refcnt kvm: $(cat /sys/module/kvm/refcnt)"
	echo "refcnt $_v: $(cat "/sys/module/$_v/refcnt")"
	[ -z "$kn_left_genl" ] || ! genl ctrl get name kvm_nest >/dev/null 2>&1 ||
		echo "genl family kvm_nest registered"
	[ -z "$kn_left_tr" ] || sed 's/^/ftrace: /' "$kn_left_tr/enabled_functions"
	[ ! -r /sys/kernel/debug/kprobes/list ] ||
		sed 's/^/kprobe: /' /sys/kernel/debug/kprobes/list
}

# kn_own_lines <mark>: kvm_nest's own lines since the mark (not the
# kernel's taint notes), once each: busybox insmod retries a failed
# finit_module with init_module, so each line may come twice.
kn_own_lines() {
	kn_log_since "$1" | grep 'kvm_nest:' |
		grep -v -e 'taints kernel' -e 'module verification failed' |
		sed 's/^\[[^]]*\] //' | sort -u
}
