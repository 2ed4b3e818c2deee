#!/bin/sh
# bench-doc.sh [OUT]: what `make bench-doc` runs. Copies the table and the
# plot of the last `make bench` (OUT, build/bench by default) into
# Documentation/bench/, which bench.rst includes, and writes run.rst there:
# which run they come from (date, commit, kernels, the KN_BENCH_*
# values it ran with, from OUT/results.json). Commit the three files.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/bench}
doc=$top/Documentation/bench

for f in results.json results.md plot.png; do
	[ -s "$out/$f" ] || {
		echo "bench-doc: $out/$f missing: run make bench first" >&2
		exit 1
	}
done
command -v jq >/dev/null || { echo "bench-doc: jq missing: run scripts/deps.sh" >&2; exit 1; }
mkdir -p "$doc"
# A run.rst that does not parse would break bench.rst: write it first.
jq -r '.meta as $m | $m.params as $p |
	"Run of \($m.date), commit \($m.git), on \($m.host), load average " +
	"\($m.loadavg.start) at the start, \($m.seconds) s in all: " +
	"``KN_BENCH_KERNELS=\"\([$m.hosts[].kernel] | unique | join(" "))\" " +
	"KN_BENCH_OPS=\($p.ops) KN_BENCH_REPS=\($p.reps) " +
	"KN_BENCH_ROUNDS=\($p.rounds) KN_BENCH_DOLL_ROUNDS=\($p.doll_rounds) " +
	"KN_BENCH_XCHECK=\(if $p.xcheck then 1 else 0 end) " +
	"KN_BENCH_OVERHEAD_ROUNDS=\($p.overhead.rounds) make bench``" +
	"\(if $p.overhead.rounds == 0 then ", without the overhead row" else "" end)" +
	". These are the values it ran with; ``meta.params`` in its " +
	"results.json has the others."' \
	"$out/results.json" | fold -s -w 76 | sed 's/ *$//' >"$doc/run.rst.tmp"
mv "$doc/run.rst.tmp" "$doc/run.rst"
cp "$out/results.md" "$out/plot.png" "$doc/"
echo "bench-doc: Documentation/bench/{results.md,plot.png,run.rst} from $out:"
sed 's/^/  /' "$doc/run.rst"
echo "bench-doc: commit them (git add Documentation/bench)"
