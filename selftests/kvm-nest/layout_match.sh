#!/bin/sh
# shellcheck disable=SC2317 # functions run through tap_check or traps
# kvm-nest loads only into the kvm and vendor modules its layouts were
# generated from. A copy of the vendor module, then of kvm.ko, whose GNU
# build-id differs in one byte (nothing else changed, so it loads and runs
# as before) makes insmod kvm-nest.ko fail with one line naming that module
# and saying to rebuild, and leave nothing behind (leftover_lib.sh). With
# the modules it was built for, kvm-nest loads again.
set -eu
# shellcheck source=leftover_lib.sh
. "$KN_TOP/selftests/kvm-nest/leftover_lib.sh"
vmod=$(kn_vendor_mod)
work=$(mktemp -d /tmp/layout_match.XXXXXX)

# u <file> <offset> <bytes>: an unsigned little-endian integer of the file.
u() { od -An -tu"$3" -j "$2" -N "$3" "$1" | tr -d ' \n'; }

# build_id_at <elf>: file offset of the bytes of its GNU build-id note
# (the SHT_NOTE section whose note is namesz 4, type 3, "GNU").
build_id_at() {
	_shoff=$(u "$1" 40 8)
	_shent=$(u "$1" 58 2)
	_shnum=$(u "$1" 60 2)
	_i=0
	while [ "$_i" -lt "$_shnum" ]; do
		_sh=$((_shoff + _i * _shent))
		if [ "$(u "$1" $((_sh + 4)) 4)" = 7 ]; then
			_off=$(u "$1" $((_sh + 24)) 8)
			if [ "$(u "$1" "$_off" 4)" = 4 ] && [ "$(u "$1" $((_off + 8)) 4)" = 3 ] &&
				[ "$(od -An -c -j $((_off + 12)) -N 3 "$1" | tr -d ' \n')" = GNU ]; then
				echo $((_off + 16))
				return 0
			fi
		fi
		_i=$((_i + 1))
	done
	return 1
}

# running_id <module>: its build-id as the kernel shows it (hex).
running_id() {
	od -An -tx1 -v "/sys/module/$1/notes/.note.gnu.build-id" | tr -d ' \n' | tail -c 40
}

# ko <module>: the file kn_insmod loads it from.
ko() {
	_re="/($1|$(echo "$1" | tr _ -))\.ko\$"
	echo "$KN_MODDIR/$(grep -E "$_re" "$KN_MODDIR/modules.order" | head -n 1)"
}

# unsigned_copy <src> <dst>: the module without its appended signature,
# which the flipped byte would break (a bad signature is refused even
# without module.sig_enforce; no signature only taints).
SIG_MARK='~Module signature appended~'
unsigned_copy() {
	_len=$(wc -c <"$1")
	if [ "$(tail -c 28 "$1" | head -c 27)" != "$SIG_MARK" ]; then
		cp "$1" "$2"
		return
	fi
	# struct module_signature (12 bytes) ends with the big-endian sig_len.
	_sl=0
	for _b in $(od -An -tu1 -j $((_len - 32)) -N 4 "$1"); do _sl=$((_sl * 256 + _b)); done
	head -c $((_len - 28 - 12 - _sl)) "$1" >"$2"
}

# differ <module>: an unsigned copy of its file with one byte of the
# build-id flipped.
differ() {
	_src=$(ko "$1")
	_dst=$work/$1.ko
	unsigned_copy "$_src" "$_dst"
	_at=$(build_id_at "$_dst") || { tap_diag "no build-id note in $_src"; return 1; }
	_b=$(u "$_dst" "$_at" 1)
	# shellcheck disable=SC2059 # the format is the byte to write
	printf "\\$(printf %03o $((_b ^ 255)))" |
		dd of="$_dst" bs=1 seek="$_at" conv=notrunc 2>/dev/null
}

unload_kvm() { rmmod "$vmod" && { [ "$1" != kvm ] || rmmod kvm; }; }
# load_differing <module>: the KVM stack with that module's copy.
load_differing() {
	unload_kvm "$1" || return 1
	if [ "$1" = kvm ]; then insmod "$work/kvm.ko"; else insmod "$work/$1.ko" nested=1; fi &&
		kn_load_kvm
}
restore() { unload_kvm "$1" && kn_load_kvm; }

# Whatever happens, leave the host as the runner expects it: the
# original modules (their build-ids are in $work/orig.<module>).
cleanup() {
	for m in kvm "$vmod"; do
		if [ -f "$work/orig.$m" ] && [ -e "/sys/module/$m" ] &&
			[ "$(running_id "$m")" != "$(cat "$work/orig.$m")" ]; then
			kn_unload_nest
			unload_kvm "$m"
		fi
	done
	kn_load_kvm && kn_load_nest
	rm -rf "$work"
}
trap 'cleanup >/dev/null 2>&1 || true' EXIT

refused() { ! insmod "$KN_MODULE" 2>/dev/null; }

tap_plan 17
tap_check "rmmod kvm_nest" kn_unload_nest
for m in kvm "$vmod"; do running_id "$m" >"$work/orig.$m"; done
mark=layout_match.$$
kn_mark $mark
for m in "$vmod" kvm; do
	tap_check "$m: a copy whose build-id differs" differ "$m"
	tap_check "$m: the KVM stack runs with it (nested=1)" load_differing "$m"
	was=$(cat "$work/orig.$m")
	now=$(running_id "$m")
	tap_diag "$m build-id: $was, the copy: $now"
	tap_check "$m: the kernel shows the copy's build-id" test -n "$now" -a "$now" != "$was"
	before=$(kn_leftovers)
	kn_mark "$mark.$m"
	tap_check "$m: insmod kvm-nest.ko refused" refused
	lines=$(kn_own_lines "$mark.$m")
	tap_diag "kvm_nest lines:" "$lines"
	says() {
		[ "$(printf '%s\n' "$lines" | wc -l)" -eq 1 ] &&
			printf '%s\n' "$lines" | grep -q "^kvm_nest: refusing to load: the running $m (build-id $now) is not .*(build-id $was), which kvm-nest was built for; rebuild kvm-nest against the running kernel's modules\$"
	}
	tap_check "$m: one line naming $m, both build-ids, and to rebuild" says
	after=$(kn_leftovers)
	[ "$after" = "$before" ] || tap_diag "before:" "$before" "after:" "$after"
	tap_check "$m: nothing left behind" test "$after" = "$before"
	tap_check "$m: the original loads again" restore "$m"
done
tap_check "kvm-nest loads with the modules it was built for" insmod "$KN_MODULE"
bad=$(kn_log_since $mark | kn_log_bad || true)
[ -z "$bad" ] || tap_diag "$bad"
tap_check "kernel log clean" test -z "$bad"
tap_exit
