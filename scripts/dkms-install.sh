#!/bin/sh
# dkms-install.sh <version>: register the module sources with DKMS and build
# and install them for the running kernel (and future kernels, AUTOINSTALL).
set -eu
ver=${1:?usage: dkms-install.sh <version>}
top=$(cd "$(dirname "$0")/.." && pwd)
dest=/usr/src/kvm-nest-$ver

command -v dkms >/dev/null || { echo "kvm-nest: dkms is missing; apt-get install dkms" >&2; exit 1; }
rm -rf "$dest"
mkdir -p "$dest/scripts"
cp -r "$top/kvm-nest" "$top/include" "$top/Kbuild" "$top/dkms.conf" "$dest/"
cp "$top/scripts/kn-layout.py" "$top/scripts/kn-ibt-check.py" "$top/scripts/dkms-gate.sh" "$dest/scripts/"
rm -rf "$dest/kvm-nest/gen"
dkms remove -m kvm-nest -v "$ver" --all >/dev/null 2>&1 || true
dkms add -m kvm-nest -v "$ver"
dkms install -m kvm-nest -v "$ver"
