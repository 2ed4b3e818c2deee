#!/bin/sh
# dkms-install.sh <version>: register the module sources with DKMS and build
# and install them for the running kernel (and future kernels, AUTOINSTALL).
set -eu
ver=${1:?usage: dkms-install.sh <version>}
top=$(cd "$(dirname "$0")/.." && pwd)
dest=/usr/src/kvm-nest-$ver

command -v dkms >/dev/null || { echo "kvm-nest: dkms is missing; apt-get install dkms" >&2; exit 1; }
rm -rf "$dest"
"$top/scripts/dkms-src.sh" "$dest"
dkms remove -m kvm-nest -v "$ver" --all >/dev/null 2>&1 || true
dkms add -m kvm-nest -v "$ver"
dkms install -m kvm-nest -v "$ver"
