# results.jq: build/bench/results.json from the hosts' lines (report.sh).
# Inputs: $m measurements (KNB), $i KNB-INFO, $x KNB-XCHECK, $t phases,
# $o KNB-OVERHEAD, $k KNB-HOOKS, $meta. Schema: Documentation/bench.rst.

def median: sort | if length == 0 then null
	elif length % 2 == 1 then .[(length - 1) / 2]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def stats: if length == 0 then null
	else {median: median, min: min, max: max, n: length} end;
# Mean of per-code objects over the measurements that have them.
def mean_codes: . as $a | (map(keys[]) | unique)
	| map(. as $c | {key: $c, value: ([$a[] | .[$c] // 0] | add / ($a | length))})
	| from_entries;
def exits($key): map(.[$key] // empty) as $e | if ($e | length) == 0 then null else {
	per_op: [$e[].per_op.samples[]] | stats,
	by_level: [$e[].by_level] | mean_codes,
	by_code: [$e[].by_code] | mean_codes,
	census: [$e[] | (.census // []) | map({key: "\(.ctx) \(.code) \(.kind) \(.detail)", value: .per_op})
		| from_entries] | mean_codes,
	reflected: ([$e[].reflected] | add / length)
} end;
# What an op costs: wake-up latency for hlt, time per op otherwise.
def cost: if .op == "hlt" then .wake_ns.samples else .time_ns.samples end;
def opidx: {cpuid: 0, rdmsr: 1, hcall: 2, hlt: 3, touch: 4, pause: 5}[.] // 9;
def ratio($a; $b): if $a == null or $b == null or $a == 0 then null else $b / $a end;

def config: {
	cost_ns: [.[] | cost[]] | stats,
	time_ns: [.[].time_ns.samples[]] | stats,
	n: [.[] | [.n1, .n2]] | unique,
	hlt_early: (if .[0].op == "hlt" then [.[].hlt_early] | add else null end),
	exits_l0: exits("exits_l0"),
	exits_l1: exits("exits_l1"),
	exits_l2: exits("exits_l2"),
	kvm_exits: [.[].kvm_exits.samples[]?] | stats,
	l0_late_marks: ([.[].l0_late_marks // 0] | add)
};

# The overhead row (overhead.sh): one state's measurements, pooled.
def quantile($p): sort | if length == 0 then null else .[length * $p | floor] end;
def ostate: {
	rounds: length,
	cost_ns: [.[] | cost[]] | stats,
	cost_p10_ns: [.[] | cost[]] | quantile(0.1),
	n: [.[] | [.n1, .n2]] | unique,
	exits_l0: exits("exits_l0"),
	kvm_exits: [.[].kvm_exits.samples[]?] | stats
};
# f of [$b, $s] in each round that has both, over the rounds.
def pair_round($b; $s; f): group_by(.round) | map(
	(map(select(.config == $b))[0]) as $u | (map(select(.config == $s))[0]) as $x |
	if $u == null or $x == null then empty else [$u, $x] | f // empty end) | stats;
def per_round($s; f): pair_round("unloaded"; $s; f);
def cost_ratio(f): (.[0] | cost | f) as $u | if $u > 0 then (.[1] | cost | f) / $u else null end;
def extra_exits: if .[0].kvm_exits == null or .[1].kvm_exits == null then null
	else .[1].kvm_exits.median - .[0].kvm_exits.median end;
# A loaded state's KNB-HOOKS: each hook's calls per exit over a VM's life.
def hooks_of: {
	runs: length,
	exits: [.[].exits] | stats,
	per_exit: (map(.exits as $x | .calls | map_values(if $x > 0 then . / $x else null end))
		| mean_codes)
};
# KVM's own count against kvm-nest's, sample by sample, where both counted:
# the same kernel's (exits_l2 in the doll in the doll, exits_l1 in the doll,
# exits_l0 in the emulated host).
def kvm_stat: $m | map(select(.kvm_exits != null)
		| (.exits_l2 // .exits_l1 // .exits_l0) as $e | select($e != null)
		| {kernel, d: ([$e.per_op.samples, .kvm_exits.samples] | transpose
			| map(.[0] - .[1] | fabs))})
	| group_by(.kernel) | map({kernel: .[0].kernel, samples: ([.[].d[]] | length),
		mismatches: ([.[].d[] | select(. > 0.001)] | length)});
# The loaded states this op has: accel0, accel1, and base0 with a base build.
def loaded_states: [.[].config] | unique | map(select(. != "unloaded"));
def overhead_op: {
	op: .[0].op, level: .[0].level,
	states: (group_by(.config) | map({key: .[0].config, value: ostate}) | from_entries),
	ratio: (. as $a | reduce loaded_states[] as $s ({}; .[$s] = ($a | per_round($s; cost_ratio(median))))),
	# Noise only adds: each state's fastest repetition is its least disturbed.
	ratio_min: (. as $a | reduce loaded_states[] as $s ({}; .[$s] = ($a | per_round($s; cost_ratio(min))))),
	extra_kvm_exits: (. as $a | reduce loaded_states[] as $s ({}; .[$s] = ($a | per_round($s; extra_exits)))),
	# With a base build: this tree's accel 0 over the base's, round by round.
	to_base: (if any(.[]; .config == "base0") then {
		ratio: pair_round("base0"; "accel0"; cost_ratio(median)),
		ratio_min: pair_round("base0"; "accel0"; cost_ratio(min))
	} else null end)
} | .states as $s | .ratio_p10 = (
	# All rounds pooled: the fast tenth of each state, least disturbed.
	$s | with_entries(select(.key != "unloaded")) | map_values(ratio($s.unloaded.cost_p10_ns; .cost_p10_ns)));

{
	schema: 2,
	meta: $meta,
	acceleration: (if [$i[] | select(.accel_switch == "present")] | length > 0
		then "switch present: the kvm-nest column runs with every acceleration on"
		else "none implemented: kvm-nest has no acceleration switch yet, so both columns run the same code"
		end),
	hosts: [$i[]],
	phases: [$t[]],
	xcheck: [$x[]],
	kvm_stat: kvm_stat,
	summary: ($m | map(select(.stack != "overhead")) | group_by([.kernel, (.op | opidx), .level, .stack]) | map({
		kernel: .[0].kernel, op: .[0].op, level: .[0].level, stack: .[0].stack,
		configs: (group_by(.config) | map({key: .[0].config, value: config}) | from_entries)
	} | .ratio = {
		cost: ratio(.configs.stock.cost_ns.median; .configs["kvm-nest"].cost_ns.median),
		exits_l0: ratio(.configs.stock.exits_l0.per_op.median; .configs["kvm-nest"].exits_l0.per_op.median)
	})),
	overhead: ($m | map(select(.stack == "overhead")) | group_by(.kernel) | map(.[0].kernel as $kn |
		(first($o[] | select(.kernel == $kn)) // {}) + {
		ops: (group_by(.op | opidx) | map(overhead_op)),
		hooks: ([$k[] | select(.kernel == $kn)] | group_by(.config)
			| map({key: .[0].config, value: hooks_of}) | from_entries)
	})),
	measurements: $m
}
