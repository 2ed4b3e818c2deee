#!/bin/bash
# report.sh OUT: from what run.sh left in OUT (raw-<tag>.log, the hosts'
# output; rc-<tag>, their status and seconds; params.json; seconds), write
# OUT/results.json, results.md and plot.png; rerunnable. Exit 1 if the
# bpftrace cross-check disagreed or, unless KN_BENCH_XCHECK=0 skipped it,
# found nothing to compare, or if KVM's own exit count disagreed with
# kvm-nest's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: report.sh OUT}
secs=$(cat "$out/seconds" 2>/dev/null || echo 0)
kernels=$(cd "$out" && for f in raw-*.log; do f=${f#raw-}; echo "${f%.log}"; done)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# lines <prefix> <kernel>: that host's JSON lines of one kind, tagged.
lines() {
	tr -d '\r' <"$out/raw-$2.log" | sed -n "s/^$1 //p" | jq -c --arg k "$2" '. + {kernel: $k}'
}
: >"$tmp/m" && : >"$tmp/i" && : >"$tmp/x" && : >"$tmp/t" && : >"$tmp/h" && : >"$tmp/o" && : >"$tmp/k"
for k in $kernels; do
	[ -f "$out/raw-$k.log" ] || continue
	lines KNB "$k" >>"$tmp/m"
	lines KNB-INFO "$k" >>"$tmp/i"
	lines KNB-XCHECK "$k" >>"$tmp/x"
	lines KNB-OVERHEAD "$k" >>"$tmp/o"
	lines KNB-HOOKS "$k" >>"$tmp/k"
	tr -d '\r' <"$out/raw-$k.log" | awk -v k="$k" '$1 == "KNB-TIME" {
		printf "{\"kernel\":\"%s\",\"phase\":\"%s\",\"uptime_s\":%s}\n", k, $2, $3 }' >>"$tmp/t"
	read -r rc s <"$out/rc-$k" || true
	echo "{\"kernel\":\"$k\",\"rc\":${rc:-1},\"seconds\":${s:-0}}" >>"$tmp/h"
done
[ -s "$tmp/m" ] || { echo "report.sh: no measurements in $out/raw-*.log" >&2; exit 1; }

jq -n --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--arg git "$(git -C "$here" describe --always --dirty 2>/dev/null || echo unknown)" \
	--arg host "$(uname -srm), $(nproc) CPUs, $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n 1)" \
	--argjson secs "$secs" --slurpfile h "$tmp/h" --slurpfile p "$out/params.json" \
	--arg load1 "$(cut -d' ' -f1-3 /proc/loadavg)" '{
		date: $date, git: $git, host: $host, seconds: $secs, hosts: $h,
		loadavg: {start: $p[0].loadavg_start, end: $load1},
		params: ($p[0] | del(.loadavg_start))
	}' >"$tmp/meta"
jq -n --slurpfile m "$tmp/m" --slurpfile i "$tmp/i" --slurpfile x "$tmp/x" \
	--slurpfile t "$tmp/t" --slurpfile o "$tmp/o" --slurpfile k "$tmp/k" --slurpfile meta "$tmp/meta" \
	'$meta[0] as $meta | '"$(cat "$here/results.jq")" >"$out/results.json"
jq -r -f "$here/table.jq" "$out/results.json" >"$out/results.md"

ops=$(jq -r '[.summary[].op] | reduce .[] as $o ([]; if index([$o]) then . else . + [$o] end) | join(" ")' "$out/results.json")
ks=$(jq -r '[.summary[].kernel] | unique | join(" ")' "$out/results.json")
jq -r --arg kernels "$ks" --arg ops "$ops" -f "$here/plot.jq" "$out/results.json" >"$out/plot.dat"
gnuplot -e "data='$out/plot.dat'; out='$out/plot.png'; kernels='$ks'; ops='$ops'" \
	"$here/plot.gp" 2>"$out/gnuplot.log" || { cat "$out/gnuplot.log" >&2; exit 1; }

# KN_BENCH_XCHECK=0 skipped it on purpose; otherwise it must have agreed.
jq -e '(.meta.params.xcheck == false) or (.xcheck | length > 0 and all(.mismatches == 0))' \
	"$out/results.json" >/dev/null || {
	echo "report.sh: the bpftrace cross-check disagreed with kvm-nest or did not run (results.json .xcheck)" >&2
	exit 1
}
# KVM's own exit count must match kvm-nest's wherever both counted: the
# overhead row relies on it where kvm-nest is not loaded.
jq -e 'all(.kvm_stat[]; .mismatches == 0)' "$out/results.json" >/dev/null || {
	echo "report.sh: KVM's exit count disagreed with kvm-nest's (results.json .kvm_stat)" >&2
	exit 1
}
