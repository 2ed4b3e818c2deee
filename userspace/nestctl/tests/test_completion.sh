#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# test_completion.sh: nestctl's bash completion (nestctl.bash-completion)
# as bash calls it, with a fake nestctl that lists two dolls. TAP 13.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
w=$(mktemp -d /tmp/nc-compl.XXXXXX)
trap 'rm -rf "$w"' EXIT
cat >"$w/nestctl" <<'FAKE'
#!/bin/sh
[ "$*" = "doll show" ] || exit 2
printf 'doll 3 path 3 level 1 parent 0 pid 812 name web\n  vcpus 2 mem 512M\n'
printf 'doll 7 path 3/7 level 2 parent 3 pid 812\n  ctx 0x1000\n'
FAKE
chmod +x "$w/nestctl"
# shellcheck source=SCRIPTDIR/../nestctl.bash-completion
. "$here/nestctl.bash-completion"

n=0 failed=0
# compl WANT WORDS...: complete the last word (may be "") of the line.
compl() {
	local want=$1 got
	shift
	COMP_WORDS=("$w/nestctl" "$@")
	COMP_CWORD=$#
	_nestctl
	got="${COMPREPLY[*]}"
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n - nestctl $*| -> $want"
	else
		failed=$((failed + 1))
		echo "not ok $n - nestctl $*| -> '$got', want '$want'"
	fi
}

echo "TAP version 13"
echo "1..19"
compl "doll stats envelope monitor agent version help" ""
compl "doll" d
compl "-j -json" -j
compl "show tree ping set help" d ""
compl "3 web 7" d sh ""
compl "show set" doll s
compl "show reset help 3 web 7" -j -i 1 st ""
compl "show set" e s
compl "mem.limit mem.reserve" e se web m
compl "max" envelope set 3 mem.limit ""
compl "delegate" doll set 3 ""
compl "cpuid" doll set 3 delegate c
compl "-t doll envelope level" monitor ""
compl "envelope" -j monitor -t e
compl "" dol bogus ""
compl "self 3 web 7" envelope show ""
compl "del diff" envelope d
: >"$w/tree.json"
compl "$w/tree.json" envelope di "$w/tr"
compl "$w/tree.json" envelope a "$w/tr"
echo "# Totals: pass:$((n - failed)) fail:$failed"
[ "$failed" = 0 ]
