#!/bin/bash
# checkpatch.sh: run the kernel's checkpatch.pl (from Debian's linux-source of
# the newest pinned kernel, cached in build/tools) on every kernel C file.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tools=$top/build/tools/checkpatch
src_pkg=linux-source-6.12

if [ ! -x "$tools/scripts/checkpatch.pl" ]; then
	mkdir -p "$tools" && cd "$tools"
	echo "checkpatch: fetching $src_pkg (once)"
	rm -f ./*.deb
	apt-get download -q "$src_pkg" >/dev/null 2>&1 ||
		{ echo "checkpatch: cannot download $src_pkg; run 'apt-get update' first" >&2; exit 1; }
	dpkg-deb --fsys-tarfile ./*.deb | tar -xO --wildcards '*/linux-source-*.tar.xz' |
		tar -xJ --strip-components=1 --wildcards '*/scripts/checkpatch.pl' \
			'*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	rm -f ./*.deb
fi

cd "$top"
mapfile -t files < <(git ls-files 'kvm-nest/*.[ch]' 'include/*.h')
"$tools/scripts/checkpatch.pl" --no-tree --quiet --strict --show-types \
	--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES -f "${files[@]}"
echo "checkpatch: ${#files[@]} files clean"
