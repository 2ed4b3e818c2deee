#!/bin/sh
# doll-busy.sh [-s SECONDS] [-m INTERVAL] [-t MIB] [-i]: a payload for
# l1-doll.sh and guests. Keeps one CPU busy for SECONDS (0: until killed;
# the default). -i: stay idle instead. -t MIB: first touch MIB MiB of
# memory once and free it again (the host then holds those pages until a
# balloon takes them), and say "kn-touched mib=MIB". -m INTERVAL: every
# INTERVAL seconds print what this kernel sees:
#   kn-mem t=<uptime> total_kb=<MemTotal> free_kb=<MemFree> avail_kb=<MemAvailable>
#   kn-env depth=<d> cpu.limit=<v> cpu.reserve=<v> ... usage.cpu=<v> usage.mem=<v>
# (kn-env only with kvm-nest loaded: /sys/kernel/kvm_nest). In a doll these
# lines reach the host live, in the doll's result.log. POSIX sh (busybox ok).
set -eu
secs=0 every=0 touch=0 idle=0
while getopts s:m:t:i o; do
	case $o in
	s) secs=$OPTARG ;;
	m) every=$OPTARG ;;
	t) touch=$OPTARG ;;
	i) idle=1 ;;
	*) echo "usage: $0 [-s SECONDS] [-m INTERVAL] [-t MIB] [-i]" >&2; exit 2 ;;
	esac
done
case $secs$every$touch in *[!0-9]*) echo "doll-busy: whole numbers, please" >&2; exit 2 ;; esac

mem() {
	awk -v t="$(cut -d' ' -f1 /proc/uptime)" '
		/^MemTotal:/ { tot = $2 } /^MemFree:/ { fr = $2 } /^MemAvailable:/ { av = $2 }
		END { printf "kn-mem t=%s total_kb=%d free_kb=%d avail_kb=%d\n", t, tot, fr, av }' /proc/meminfo
	_k=/sys/kernel/kvm_nest
	[ -d $_k/envelope ] || return 0
	_l="kn-env depth=$(cat $_k/depth)"
	for _f in "$_k"/envelope/*; do _l="$_l ${_f##*/}=$(cat "$_f")"; done
	for _f in "$_k"/usage/*; do _l="$_l usage.${_f##*/}=$(cat "$_f")"; done
	echo "$_l"
}

if [ "$touch" != 0 ]; then
	# dd's one block is a buffer of that size, filled from /dev/zero.
	dd if=/dev/zero of=/dev/null bs="${touch}M" count=1 2>/dev/null
	echo "kn-touched mib=$touch"
fi
sp=
if [ "$idle" = 0 ]; then
	# A shell loop with no command in it never leaves the CPU.
	(while :; do :; done) &
	sp=$!
fi
trap '[ -z "$sp" ] || kill $sp 2>/dev/null' EXIT
trap 'exit 0' INT TERM
start=$(date +%s)
[ "$every" = 0 ] || mem
while [ "$secs" = 0 ] || [ $(($(date +%s) - start)) -lt "$secs" ]; do
	if [ "$every" = 0 ]; then sleep 1; else sleep "$every"; mem; fi
done
echo "doll-busy: ran for $(($(date +%s) - start)) s"
