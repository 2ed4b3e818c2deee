#!/bin/sh
# deb.sh <outdir>: build the kvm-nest-dkms and nestctl packages with
# dpkg-buildpackage (Debian's own tooling) from a copy of this tree, and
# leave the .deb, .buildinfo and .changes files in <outdir>.
set -eu
out=${1:?usage: deb.sh <outdir>}
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")

command -v dpkg-buildpackage >/dev/null ||
	{ echo "kvm-nest: dpkg-buildpackage is missing; run scripts/deps.sh (or apt-get install dpkg-dev debhelper dh-dkms)" >&2; exit 1; }
# debian/changelog names the version dpkg-buildpackage uses.
cver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
[ "$cver" = "$ver" ] ||
	{ echo "kvm-nest: debian/changelog is at $cver but dkms.conf at $ver; add a changelog entry (dch -v $ver)" >&2; exit 1; }

rm -rf "$out"
src=$out/src/kvm-nest-$ver
mkdir -p "$src"
# The sources only: no build output, no git metadata.
tar -C "$top" --exclude=./build --exclude=./.git --exclude='*.o' --exclude='*.ko' \
	--exclude=./kvm-nest/gen -cf - . | tar -C "$src" -xf -
(cd "$src" && dpkg-buildpackage -us -uc -b)
mv "$out"/src/*.deb "$out"/src/*.buildinfo "$out"/src/*.changes "$out"/
rm -rf "$out/src"
ls "$out"/*.deb
