#!/bin/bash
# Install every Debian 12 package kvm-nest needs to build and test. Idempotent:
# a machine that already has them all is left untouched (no apt-get update).
set -eu

PKGS=(build-essential gcc-12 make bc bison flex libelf-dev python3 python3-yaml bpftool dwarves
	sparse qemu-system-x86 busybox-static cpio kmod xz-utils bochs bochsbios vgabios
	grub-pc-bin grub-common xorriso mtools libmnl-dev jq bpftrace gnuplot-nox dkms
	shellcheck
	# nestctl's QMP client parses JSON with json-c; its tests run under valgrind.
	libjson-c-dev valgrind
	# make deb: Debian's own packaging tools.
	dpkg-dev debhelper dh-dkms pkg-config
	# nestctl's agent talks to libvirt through its C API, and to systemd
	# with sd-bus (its transient scope); agent_scope's private bus.
	libvirt-dev libsystemd-dev dbus-daemon
	# A non-English locale to run the agent's libvirt test under, and
	# libvirt's translations that make virsh's text differ there.
	locales libvirt-l10n
	# libvirtd for env_libvirt, run inside the emulated hosts only.
	libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients)
# Package lists older than this are refreshed before installing.
MAX_LIST_AGE_DAYS=7

say() { printf 'deps: %s\n' "$*"; }
fail() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

# de_DE.UTF-8, for env_libvirt's run of the agent in a non-English locale.
LOCALE=de_DE.UTF-8
gen_locale() {
	locale -a 2>/dev/null | grep -qix "${LOCALE/UTF-8/utf8}" && return 0
	say "locale-gen $LOCALE"
	sed -i "s/^# *\($LOCALE UTF-8\)/\1/" /etc/locale.gen
	grep -q "^$LOCALE UTF-8" /etc/locale.gen || echo "$LOCALE UTF-8" >>/etc/locale.gen
	locale-gen >/dev/null || fail "locale-gen $LOCALE failed"
}

[ "$(id -u)" = 0 ] || fail "must run as root (it calls apt-get install)"
command -v apt-get >/dev/null || fail "apt-get not found: this script supports Debian 12 only"

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	say "all ${#PKGS[@]} packages present"
	gen_locale
	exit 0
fi
say "missing: ${missing[*]}"

log=$(mktemp /tmp/kn-deps.XXXXXX)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive

# Refresh lists only when none exist or the newest is stale.
fresh=$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mtime "-$MAX_LIST_AGE_DAYS" 2>/dev/null | head -n 1)
if [ -z "$fresh" ]; then
	say "apt-get update"
	apt-get update -q >"$log" 2>&1 || { cat "$log" >&2; fail "apt-get update failed (network or sources.list?)"; }
fi

say "apt-get install ${#missing[@]} packages"
apt-get install -y -q --no-install-recommends "${missing[@]}" >"$log" 2>&1 ||
	{ grep -E '^(E|W):|rror' "$log" >&2 || tail -n 20 "$log" >&2; fail "apt-get install failed"; }
gen_locale
say "done"
