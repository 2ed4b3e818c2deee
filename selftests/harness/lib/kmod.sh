# shellcheck shell=sh
# Load and unload the KVM stack and kvm-nest inside an emulated host or doll.
# POSIX sh, sourced. Needs KN_MODDIR (the image's lib/modules/<kver>),
# KN_VENDOR (svm|vmx) and KN_MODULE (path of kvm-nest.ko).

# Module name of a file name (kvm-amd -> kvm_amd).
kn_modname() { echo "$1" | tr - _; }

# Vendor module of this CPU.
kn_vendor_mod() {
	case $KN_VENDOR in
	svm) echo kvm_amd ;;
	vmx) echo kvm_intel ;;
	*) echo "kn: unknown KN_VENDOR '$KN_VENDOR'" >&2; return 1 ;;
	esac
}

kn_loaded() { [ -e "/sys/module/$(kn_modname "$1")/initstate" ]; }

# kn_insmod <name> [params]: load from the image's tree unless already
# loaded or built in. modules.order names every module file: reading it is
# far cheaper than walking the tree over 9p.
kn_insmod() {
	_m=$(kn_modname "$1")
	shift
	kn_loaded "$_m" && return 0
	_re="/($_m|$(echo "$_m" | tr _ -))\.ko\$"
	_p=$(grep -E "$_re" "$KN_MODDIR/modules.order" | head -n 1)
	if [ -z "$_p" ]; then
		grep -qE "$_re" "$KN_MODDIR/modules.builtin" && return 0
		echo "kn: module $_m is not in $KN_MODDIR/modules.order" >&2
		return 1
	fi
	insmod "$KN_MODDIR/$_p" "$@"
}

# irqbypass -> kvm -> (ccp) -> kvm_amd|kvm_intel nested=1, and verify nested.
kn_load_kvm() {
	_v=$(kn_vendor_mod) || return 1
	for _m in irqbypass kvm; do kn_insmod "$_m" || return 1; done
	[ "$_v" = kvm_intel ] || kn_insmod ccp || return 1
	kn_insmod "$_v" nested=1 || return 1
	case $(cat "/sys/module/$_v/parameters/nested" 2>/dev/null) in
	1 | Y) return 0 ;;
	*) echo "kn: $_v loaded but nested is not enabled" >&2; return 1 ;;
	esac
}

kn_load_nest() {
	kn_loaded kvm_nest && return 0
	[ -f "$KN_MODULE" ] || { echo "kn: kvm-nest module $KN_MODULE missing (make modules-all)" >&2; return 1; }
	insmod "$KN_MODULE"
}

kn_unload_nest() {
	kn_loaded kvm_nest || return 0
	rmmod kvm_nest
}
