# shellcheck shell=bash
# Dev-machine side helpers shared by the harness scripts (bash). Sourced only.

KN_TOP=${KN_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
KN_BUILD=${KN_BUILD:-$KN_TOP/build}
export KN_TOP KN_BUILD

kn_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
kn_die() { kn_log "error: $*"; exit 1; }

# Value of a variable of kernels.mk; the pinned versions live only there.
kn_mkvar() {
	# shellcheck disable=SC2016 # $($*) is make syntax
	make -s --no-print-directory -f "$KN_TOP/kernels.mk" \
		--eval 'kn-print-%: ; @echo $($*)' "kn-print-$1"
}

# Kernel ABI (uname -r) of an alias, or die naming the known aliases.
kn_kver() {
	local v
	v=$(kn_mkvar "KN_KVER_$1")
	[ -n "$v" ] || kn_die "unknown kernel alias '$1' (kernels.mk knows: $(kn_mkvar KN_KERNELS))"
	printf '%s\n' "$v"
}

kn_root() { printf '%s\n' "$KN_BUILD/kernels/$1/root"; }

# Make sure the extracted tree of an alias exists; fetch it when missing.
kn_need_kernel() {
	[ -f "$KN_BUILD/kernels/$1/stamp" ] || [ -f "$(kn_root "$1")/boot/vmlinuz-$(kn_kver "$1")" ] ||
		"$KN_TOP/scripts/fetch-kernel.sh" "$1" >&2 || kn_die "could not fetch kernel $1"
}

# Seconds since the epoch with decimals, for timings.
kn_now() { date +%s.%N; }
kn_since() { awk -v a="$1" -v b="$(kn_now)" 'BEGIN { printf "%.1f", b - a }'; }

# Quote each argument for POSIX sh ('...' with embedded quotes escaped).
kn_shquote() {
	local a out=
	for a in "$@"; do
		out+="'${a//\'/\'\\\'\'}' "
	done
	printf '%s\n' "${out% }"
}
