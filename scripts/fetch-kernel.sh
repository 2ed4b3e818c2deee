#!/bin/bash
# fetch-kernel.sh <alias>: download the pinned Debian kernel image + headers of
# <alias> (kernels.mk) and extract them into build/kernels/<alias>/root, ready
# for out-of-tree builds and for booting in an emulated host.
set -eu
# shellcheck source=../selftests/harness/lib/common.sh
. "$(dirname "$0")/../selftests/harness/lib/common.sh"

[ $# -eq 1 ] || { echo "usage: $0 <alias>   (aliases: $(kn_mkvar KN_KERNELS))" >&2; exit 2; }
alias=$1
kver=$(kn_kver "$alias")
read -r -a pkgs <<<"$(kn_mkvar "KN_IMAGE_$alias") $(kn_mkvar "KN_HDRS_$alias")"
dir=$KN_BUILD/kernels/$alias
root=$dir/root
debs=$KN_BUILD/kernels/debs
stamp=$dir/stamp
want="$kver ${pkgs[*]}"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$root" ]; then
	kn_log "$alias ($kver) up to date"
	exit 0
fi

mkdir -p "$debs"
# apt-get --print-uris omits files present in its cwd, so ask from an empty dir.
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT
files=()
for p in "${pkgs[@]}"; do
	# The file name apt would download tells whether we already have it.
	f=$(cd "$empty" && apt-get download --print-uris "$p" 2>/dev/null | awk '{ print $2 }')
	[ -n "$f" ] || kn_die "apt does not know package $p (run scripts/deps.sh, or apt-get update)"
	if [ ! -s "$debs/$f" ]; then
		kn_log "download $p"
		# As root apt warns that _apt cannot write here; that is harmless.
		(cd "$debs" && { apt-get download -q "$p" 2>&1 | grep -v -e '_apt' -e '^Get:' >&2 || true; })
		[ -s "$debs/$f" ] || kn_die "apt-get download $p did not produce $f"
	fi
	files+=("$debs/$f")
done

# Extract aside, then swap, so an interrupted run never leaves half a tree.
rm -rf "$root.new"
mkdir -p "$root.new"
for f in "${files[@]}"; do
	kn_log "extract ${f##*/}"
	dpkg-deb -x "$f" "$root.new"
done

# The headers Makefile includes the -common tree by its installed path.
mk=$root.new/usr/src/linux-headers-$kver/Makefile
[ -f "$mk" ] || kn_die "$mk missing: are the headers packages right in kernels.mk?"
sed -i "s|^include /usr/src/|include $root/usr/src/|" "$mk"

# busybox insmod cannot read compressed modules; keep the .xz next to the .ko.
n=$(find "$root.new/lib/modules" -name '*.ko.xz' | wc -l)
if [ "$n" -gt 0 ]; then
	kn_log "decompress $n modules"
	find "$root.new/lib/modules" -name '*.ko.xz' -print0 | xargs -0 -r -P "$(nproc)" -n 64 xz -dkf
fi

[ -f "$root.new/boot/vmlinuz-$kver" ] || kn_die "no boot/vmlinuz-$kver in the image package"
rm -rf "$root.old"
[ ! -e "$root" ] || mv "$root" "$root.old"
mv "$root.new" "$root"
rm -rf "$root.old"
printf '%s\n' "$want" >"$stamp"
kn_log "$alias ($kver) ready in $root"
