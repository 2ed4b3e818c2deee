#!/bin/sh
# dkms-src.sh <dest>: copy the module's sources, as DKMS builds them, into
# <dest> (e.g. /usr/src/kvm-nest-<version>). The one list of what the
# module's build needs: make dkms-install, the kvm-nest-dkms package and
# selftests/harness/dkms-test.sh all use it.
set -eu
dest=${1:?usage: dkms-src.sh <dest>}
top=$(cd "$(dirname "$0")/.." && pwd)

mkdir -p "$dest/scripts"
cp -r "$top/kvm-nest" "$top/include" "$top/Kbuild" "$top/dkms.conf" "$dest/"
cp "$top/scripts/kn-layout.py" "$top/scripts/kn-ibt-check.py" "$top/scripts/Kbuild.gate" "$dest/scripts/"
# Generated per kernel while building; never shipped. Objects, if the tree
# was built in place, neither.
rm -rf "$dest/kvm-nest/gen"
find "$dest" \( -name '*.o' -o -name '*.ko' -o -name '*.cmd' -o -name '*.mod' -o -name '*.mod.c' \
	-o -name '*.d' -o -name modules.order -o -name Module.symvers -o -name __pycache__ \) \
	-exec rm -rf {} +
