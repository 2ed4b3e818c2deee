#!/bin/sh
# fit-host.sh: the fit measurement inside one emulated host (fit.sh starts
# it). An L1 Linux doll with KN_BENCH_FIT_VCPUS (4)
# vCPUs and kvm-nest runs fit-doll.sh; once it is up, this host gives it
# cpu.limit KN_BENCH_FIT_LIMIT (0.5) through nestctl, which the agent turns
# into the doll's cgroup cpu.max. Prints the doll's KNB-FIT lines, then
#   KNB-FIT-HOST cpus=<this host's> cgroup=<one of the doll's> cpu.max=<q/p> nr_throttled=<n> throttled_usec=<n>
set -eu
# shellcheck source=lib.sh
. "$KN_TOP/selftests/bench/lib.sh"
# shellcheck source=../harness/lib/agent.sh
. "$KN_TOP/selftests/harness/lib/agent.sh"
NC=$KN_BUILD/nestctl/nestctl
vcpus=${KN_BENCH_FIT_VCPUS:-4} limit=${KN_BENCH_FIT_LIMIT:-0.5}
rounds=${KN_BENCH_FIT_ROUNDS:-3} secs=${KN_BENCH_FIT_SECS:-20}
chunk=${KN_BENCH_FIT_CHUNK:-200000}
[ -x "$NC" ] || knb_die "$NC not built (make -C userspace/nestctl)"
kn_agent_pid >/dev/null || knb_die "no envelope agent runs here: nothing would apply the limit"

out=$("$KN_TOP/selftests/harness/l1-doll.sh" --bg --module --name knfit --smp "$vcpus" \
	--append maxcpus=1 --mem 512M -- "sh $KN_TOP/selftests/bench/fit-doll.sh $rounds $secs $chunk") ||
	knb_die "l1-doll.sh --bg: $out"
pid=$(echo "$out" | sed -n 's/^pid=\([0-9]*\) .*/\1/p')
dir=${out##*dir=}
if [ -z "$pid" ] || [ ! -d "$dir" ]; then knb_die "l1-doll.sh --bg said '$out'"; fi
# shellcheck disable=SC2064 # now: this doll
trap "kill $pid 2>/dev/null || true" EXIT

# wait_line REGEX SECONDS: until the doll prints a line matching REGEX.
wait_line() {
	_end=$(($(date +%s) + $2)) _t=0
	until tr -d '\r' 2>/dev/null <"$dir/result.log" | grep -aq -- "$1"; do
		kill -0 "$pid" 2>/dev/null || knb_die "the doll ended early: $(tail -n 5 "$dir/console.log")"
		[ "$(date +%s)" -lt $_end ] ||
			knb_die "no '$1' from the doll in $2 s: $(tail -n 5 "$dir/console.log")"
		sleep 2
		_t=$((_t + 2))
		[ $((_t % 60)) != 0 ] ||
			echo "bench: fit: waiting for $1, ${_t}s: $(grep -av '^$' "$dir/console.log" | tail -n 1)" >&2
	done
}
# Booting is not measured: the limit comes once the doll is up.
wait_line '^KNB-FIT-READY' 900
"$NC" envelope set knfit cpu.limit "$limit" 2>"$dir/nc.err" ||
	knb_die "cannot set the doll's cpu.limit: $(cat "$dir/nc.err")"
echo "bench: fit: doll knfit (pid $pid, $vcpus vCPUs) at cpu.limit $limit; $rounds rounds of ${secs}s per mode" >&2

seen=0 quiet=0
deadline=$(($(date +%s) + ${KN_BENCH_FIT_TIMEOUT:-3000}))
while :; do
	tr -d '\r' <"$dir/result.log" | grep -a '^KNB-FIT' >"$dir/fit" || true
	n=$(wc -l <"$dir/fit")
	if [ "$n" != "$seen" ]; then
		sed -n "$((seen + 1)),\$p" "$dir/fit" | sed 's/^/bench: fit: /' >&2
		seen=$n quiet=0
	else
		quiet=$((quiet + 2))
		[ $((quiet % 60)) != 0 ] ||
			echo "bench: fit: nothing new for ${quiet}s: $(grep -av '^$' "$dir/console.log" | tail -n 1)" >&2
	fi
	grep -q '^KNB-FIT-\(DONE\|ERROR\)' "$dir/fit" && break
	kill -0 "$pid" 2>/dev/null || knb_die "the doll ended early: $(tail -n 5 "$dir/console.log")"
	[ "$(date +%s)" -lt $deadline ] ||
		knb_die "the doll did not finish in time: $(tail -n 5 "$dir/console.log")"
	sleep 2
done
cat "$dir/fit"
grep -q '^KNB-FIT-DONE' "$dir/fit" || knb_die "the doll's measurement failed"
# The agent's doll has two levels, doll-N and doll-N/vmm; both are limited.
cg=/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
case $cg in */kvm-nest/doll-*/*) cgs="${cg%/*} $cg" ;; *) cgs=$cg ;; esac
for c in $cgs; do
	echo "KNB-FIT-HOST cpus=$(nproc) cgroup=${c#/sys/fs/cgroup} cpu.max=$(tr ' ' / <"$c/cpu.max")" \
		"$(awk '$1 == "nr_throttled" || $1 == "throttled_usec" { printf "%s=%s ", $1, $2 }' "$c/cpu.stat")"
done
"$KN_TOP/selftests/harness/l1-doll.sh" --wait "$dir" --timeout 120 >/dev/null ||
	knb_die "the doll failed (l1-doll.sh above)"
