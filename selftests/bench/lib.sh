# shellcheck shell=sh
# What in-host.sh and in-doll.sh share (POSIX sh, sourced): the parameters
# (KNB_*, from run.sh's KN_BENCH_*) and the alternation of configurations.

KNB_BIN=$KN_BUILD/selftests/kn-bench
KNB_REPS=${KN_BENCH_REPS:-5}
KNB_ROUNDS=${KN_BENCH_ROUNDS:-1}
KNB_OPS=${KN_BENCH_OPS:-cpuid,rdmsr,hcall,hlt,touch,pause}
# The acceleration switch of kvm-nest (bench.rst, delegation.rst).
KNB_KNOB=${KN_BENCH_KNOB:-/sys/module/kvm_nest/parameters/accel}
KNB_CONFIGS="stock kvm-nest"

knb_die() { echo "bench: error: $*" >&2; exit 1; }

# knb_info <depth>: one KNB-INFO line about this kernel and its kvm-nest.
knb_info() {
	_acct=false _accel=absent
	[ -r /sys/kernel/debug/kvm_nest/dolls ] && _acct=true
	[ -e "$KNB_KNOB" ] && _accel=present
	echo "KNB-INFO {\"depth\":$1,\"kernel\":\"$KN_KERNEL\",\"kver\":\"$(uname -r)\",\"vendor\":\"$KN_VENDOR\",\"kvm_nest\":$_acct,\"accel_switch\":\"$_accel\"}"
}

# knb_accel <config>: set this kernel's switch: 0 for stock, 1 for kvm-nest.
knb_accel() {
	[ -e "$KNB_KNOB" ] || return 0
	case $1 in stock) echo 0 ;; *) echo 1 ;; esac >"$KNB_KNOB" ||
		knb_die "cannot write $KNB_KNOB"
}

# knb_rounds <pause-ms> <kn-bench run args...>: KNB_ROUNDS rounds of every
# configuration, alternating, each in a fresh VM. With a pause, announce
# each configuration to the watcher one level down and give it time.
knb_rounds() {
	_pause=$1
	shift
	_r=0
	while [ "$_r" -lt "$KNB_ROUNDS" ]; do
		for _c in $KNB_CONFIGS; do
			knb_accel "$_c"
			if [ "$_pause" -gt 0 ]; then
				echo "KNB-CONFIG $_c"
				sleep "$(awk -v ms="$_pause" 'BEGIN { print ms / 1000 }')"
			fi
			"$KNB_BIN" run -c "$_c" -r "$KNB_REPS" -o "$KNB_OPS" "$@" ||
				knb_die "kn-bench run -c $_c $* failed"
		done
		_r=$((_r + 1))
	done
	knb_accel stock
}
