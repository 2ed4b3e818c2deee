#!/bin/sh
# A child cannot veto its parent (Documentation/security.rst, "Netlink
# permissions and the parent's authority"). A level-1 doll (ch_child -R)
# whose guest, a hostile child kvm-nest, reports a doll of its own that
# reserves 1 TiB of RAM and 64 CPUs, far beyond anything here:
#  - this kernel shows the reported doll and its 1 TiB reservation, and the
#    level-1 doll as overcommitted (its envelope reserves nothing);
#  - envelope set on the level-1 doll (cpu.reserve 0.1, mem.reserve 64M)
#    succeeds: only this level's envelopes are admitted against;
#  - the doll stays overcommitted, in -j and in the text STATE column; the
#    reported doll (nothing reported inside it) is not;
#  - the child is told: its next FETCH reads the new envelope, its CPU
#    set (in this kernel's numbering) too;
#  - envelope del on it succeeds too, and the child reads it unset.
set -eu
. "$KN_TOP/selftests/kvm-nest/env_lib.sh"
CHILD=$KN_BUILD/selftests/ch_child
NAME=env-hostile
TIB=1099511627776

env_require
[ -x "$CHILD" ] || tap_bail "$CHILD not built (make -C selftests)"
tap_plan 16
env_agent_check

"$CHILD" -p 1 -R $TIB -- -name $NAME >"$ENV_WORK/child" 2>&1 &
cpid=$!
ENV_KILL="$ENV_KILL $cpid"
l1=$(env_wait_l1 $cpid 60) || {
	tap_diag "ch_child:" "$(cat "$ENV_WORK/child")"
	tap_bail "no level-1 doll for ch_child (pid $cpid) after 60 s"
}

# child_last REGEX: the last line of ch_child's output that matches.
child_last() { grep -E -- "$1" "$ENV_WORK/child" | tail -n 1; }
# child_wait REGEX: until ch_child printed a matching line, 20 s at most.
child_wait() {
	for _ in $(seq 40); do
		[ -n "$(child_last "$1")" ] && return 0
		sleep 0.5
	done
	return 1
}
child_wait '^kn-report ' || true
rep=$(child_last '^kn-report ')
tap_check "the hostile child's REPORT was taken (${rep:-no kn-report line})" test "$rep" = "kn-report ret=0"

# show: nestctl -j envelope show of the level-1 doll, into $ENV_WORK/out.
show() { nc -j envelope show "$l1"; }
# jqc DESCRIPTION FILTER: a test point on the last show.
jqc() {
	if [ "$(jq -e "$2" "$ENV_WORK/out" 2>/dev/null)" = true ]; then
		tap_ok "$1"
	else
		tap_not_ok "$1"
		tap_diag "filter: $2" "nestctl -j envelope show $l1 (exit $nc_rc):" "$(cat "$ENV_WORK/out" "$ENV_WORK/err")"
	fi
}
kid='.dolls[] | select(.parent == '"$l1"' and .name == "hostile")'
for _ in $(seq 20); do
	show
	[ "$(jq -r "[$kid] | length" "$ENV_WORK/out" 2>/dev/null)" = 1 ] && break
	sleep 0.5
done
jqc "the reported doll shows under L1 $l1, reserving 1 TiB and 64 CPUs, on its CPUs 0-255" \
	"[$kid | select(.envelope.mem_reserve == $TIB and .envelope.cpu_reserve == 64 and .envelope.cpus == \"0-255\")] | length == 1"
jqc "L1 $l1, whose envelope reserves nothing, is overcommitted" \
	".dolls[] | select(.id == $l1) | .overcommitted == true"

env_set "$l1" cpu.reserve 0.1 mem.reserve 64M cpus 0
show
jqc "L1 $l1 has the new envelope: cpu.reserve 0.1, mem.reserve 64M, cpus 0" \
	".dolls[] | select(.id == $l1) | .envelope.cpu_reserve == 0.1 and .envelope.mem_reserve == 67108864 and .envelope.cpus == \"0\""
jqc "L1 $l1 is still overcommitted, and the reported doll is not" \
	"(.dolls[] | select(.id == $l1) | .overcommitted == true) and ([$kid | .overcommitted] == [false])"
nc envelope show "$l1"
row=$(awk -v id="$l1" '$1 == id { print $NF }' "$ENV_WORK/out")
tap_check "text: L1 $l1's STATE column reads overcommitted (${row:-no row})" test "$row" = overcommitted
row=$(awk '$3 == "hostile" { print $7 }' "$ENV_WORK/out")
tap_check "text: the reported doll's CPUS column reads 0-255 (${row:-no row})" test "$row" = 0-255

want='cpu\.reserve=0\.100 .*cpus=0 .*mem\.reserve=67108864 '
child_wait "^kn-fetch .*$want" || true
tap_check "the child is told: its FETCH reads cpu.reserve 0.100, cpus 0 and mem.reserve 64M ($(child_last '^kn-fetch '))" \
	test -n "$(child_last "^kn-fetch .*$want")"

nc envelope del "$l1"
tap_check "envelope del on L1 $l1 succeeds (exit $nc_rc $(nc_err))" test "$nc_rc" = 0
show
jqc "L1 $l1's envelope is unset and it is still overcommitted" \
	".dolls[] | select(.id == $l1) | .envelope.cpu_reserve == 0 and .envelope.mem_reserve == 0 and .overcommitted == true"
child_wait '^kn-fetch .*sent=none ' || true
tap_check "the child reads its envelope unset ($(child_last '^kn-fetch '))" \
	test -n "$(child_last '^kn-fetch .*sent=none ')"

tap_check "ch_child ran throughout" kill -0 $cpid
kill $cpid 2>/dev/null || true
env_log_check
tap_exit
