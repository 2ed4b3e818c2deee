# table.jq: results.md from results.json (report.sh).
def us: if . == null then "-" else . / 1000 |
	if . >= 100 then "\(. | round)" elif . >= 1 then "\(. * 10 | round / 10)"
	else "\(. * 100 | round / 100)" end end;
def fixed2: (. * 100 | round) as $c | ($c | fabs) as $a |
	"\(if $c < 0 then "-" else "" end)\($a / 100 | floor).\($a % 100 | tostring | if length < 2 then "0" + . else . end)";
def x2: if . == null then "-" else fixed2 end;
def fixed3: (. * 1000 | round) as $c | ($c | fabs) as $a |
	"\(if $c < 0 then "-" else "" end)\($a / 1000 | floor).\($a % 1000 | tostring | ("00" + .)[-3:])";
# {median, min, max} of ratios or differences: "1.004 (0.991–1.020)".
def rspread: if . == null then "-" else "\(.median | fixed3) (\(.min | fixed3)–\(.max | fixed3))" end;
def r3: if . == null then "-" else fixed3 end;
def med2: if . == null then "-" else .median | x2 end;
def spread: if . == null then "-" else "\(.median | us) (\(.min | us)–\(.max | us))" end;
def ex: if . == null then "-" else .per_op.median | x2 end;
def path: {direct: "L0 → op", "bench-hv": "L0 → kn-bench L1 → op",
	linux: "L0 → Linux L1 → op", "linux+bench-hv": "L0 → Linux L1 → kn-bench L2 → op",
	"linux+linux": "L0 → Linux L1 → Linux L2 → op",
	"linux+linux+bench-hv": "L0 → Linux L1 → Linux L2 → kn-bench L3 → op"}[.] // .;
def cpuid($k; $s): first(.summary[] | select(.kernel == $k and .op == "cpuid" and .stack == $s)
	| .configs.stock) // null;
# SVM exit codes by name (the baseline lines are SVM).
def svm: {"0x60": "INTR", "0x64": "VINTR", "0x72": "CPUID", "0x77": "PAUSE", "0x78": "HLT",
	"0x7b": "IO", "0x7c": "MSR", "0x80": "VMRUN", "0x81": "VMMCALL", "0x82": "VMLOAD",
	"0x83": "VMSAVE", "0x400": "NPF"}[.] // .;
def vmx: {"0x7": "INTR_WINDOW", "0xa": "CPUID", "0xc": "HLT", "0x12": "VMCALL", "0x13": "VMCLEAR",
	"0x14": "VMLAUNCH", "0x15": "VMPTRLD", "0x17": "VMREAD", "0x18": "VMRESUME", "0x19": "VMWRITE",
	"0x1e": "IO", "0x1f": "RDMSR", "0x20": "WRMSR", "0x28": "PAUSE", "0x30": "EPT_VIOLATION",
	"0x1": "EXT_INTR", "0x34": "PREEMPTION_TIMER"}[.] // .;
def msr: {"0x10": "TSC", "0x1b": "APIC_BASE", "0x3b": "TSC_ADJUST", "0x48": "SPEC_CTRL",
	"0x49": "PRED_CMD", "0x174": "SYSENTER_CS", "0x175": "SYSENTER_ESP", "0x176": "SYSENTER_EIP",
	"0x1a0": "MISC_ENABLE", "0x6e0": "TSC_DEADLINE", "0x80b": "x2APIC EOI", "0x830": "x2APIC ICR",
	"0x838": "x2APIC TMICT", "0xc0000080": "EFER", "0xc0000081": "STAR", "0xc0000082": "LSTAR",
	"0xc0000083": "CSTAR", "0xc0000084": "SFMASK", "0xc0000100": "FS_BASE",
	"0xc0000101": "GS_BASE", "0xc0000102": "KERNEL_GS_BASE", "0xc0000103": "TSC_AUX",
	"0xc0000104": "TSC_RATIO", "0xc0010117": "VM_HSAVE_PA"}[.] // .;
def codes: to_entries | map(select(.value >= 0.05)) | sort_by(-.value)
	| map("\(.value | x2) \(.key | svm)") | join(" + ");

"# kvm-nest benchmark: nested exit cost per level",
"",
"Generated \(.meta.date) from \(.meta.git) by `make bench` (selftests/bench/run.sh), on \(.meta.host); load average at start \(.meta.loadavg.start), at end \(.meta.loadavg.end).",
"Every number below comes from that command; the JSON has every sample.",
"",
"- **Acceleration:** \(.acceleration).",
"- **Time:** median (min–max) over \(.meta.params.reps) repetitions × \(.meta.params.rounds) rounds (through the doll: × \(.meta.params.doll_rounds // 1)) of the per-op cost, from a loop of n1 and one of n2 = 4·n1 ops (two-N, bench.rst). hlt: wake-up latency, from the timer deadline to the instruction after HLT. Emulated under TCG on a shared machine: compare within one run.",
"- **L0 exits/op:** kvm-nest's counts in the emulated host (median). Direct and kn-bench's L2: exact, between ucalls (host interrupts add ~0.01). Through the Linux doll: between markers the doll prints, so the doll kernel's own background (its ticks, which grow with the time an op takes) is included.",
"- **Doll's exits/op:** kvm-nest loaded inside the Linux doll that runs the op's VM (its own view: the L1 doll's, or for the linux+linux paths the L2 doll's).",
"",
(. as $r | (.hosts | map(select(.depth == 0)) | map(.kernel) | unique[]) as $k |
	($r | cpuid($k; "direct")) as $l1 |
	($r | [.summary[] | select(.kernel == $k and .op == "cpuid" and .level == 2)
		| "\(.stack | path): \((.configs.stock.cost_ns.median / $l1.cost_ns.median) * 10 | round / 10)× the time, \(.configs.stock.exits_l0.per_op.median | x2) vs \($l1.exits_l0.per_op.median | x2) L0 exits (\(.configs.stock.exits_l0.by_code | codes))"]
		| join("; ")) as $l2 |
	"- **Baseline check, \($k), stock CPUID, L2 vs L1:** \($l2) (measured on these machines before kvm-nest existed: about 9.5× and 6.6 vs 1)."),
(.xcheck[] | "- **bpftrace cross-check, \(.kernel):** level-1/level-2 exits: nested-exits.bt \(.total.bpftrace | join("/")), kvm-nest dolls \(.total.dolls | join("/")), levels file \(.total.levels | join("/")): \(if .mismatches == 0 then "agree exactly" else "\(.mismatches) MISMATCH(ES)" end)."),
(.kvm_stat[] | "- **KVM's exit count vs kvm-nest's, \(.kernel):** \(if .mismatches == 0 then "agree on all \(.samples) samples" else "\(.mismatches) of \(.samples) samples DIFFER" end) (per op, where both counted)."),
"- **Time taken:** \(.meta.seconds)s in all; per host: \(.meta.hosts | map("\(.kernel) \(.seconds)s") | join(", ")).",
"",
(.summary as $sum | ($sum | map(.kernel) | unique[]) as $k |
	"## \($k)",
	"",
	"| op | level | path | stock µs/op | kvm-nest µs/op | ratio | stock L0 exits/op | kvm-nest L0 exits/op | ratio | doll's exits/op stock / kvm-nest |",
	"|---|---|---|---|---|---|---|---|---|---|",
	($sum[] | select(.kernel == $k) |
		"| \(.op) | L\(.level) | \(.stack | path) | \(.configs.stock.cost_ns | spread) | \(.configs["kvm-nest"].cost_ns | spread) | \(.ratio.cost | x2) | \(.configs.stock.exits_l0 | ex) | \(.configs["kvm-nest"].exits_l0 | ex) | \(.ratio.exits_l0 | x2) | \(.configs.stock | (.exits_l1 // .exits_l2) | ex) / \(.configs["kvm-nest"] | (.exits_l1 // .exits_l2) | ex) |"),
	""),
(.summary as $sum | ($sum | map(.kernel) | unique[]) as $k |
	($sum[] | select(.kernel == $k and .op == "cpuid" and .level >= 2 and (.stack | startswith("linux")))) as $row |
	($row.configs | to_entries[] | select(.value.exits_l0.census != null and (.value.exits_l0.census | length) > 0)) as $c |
	($c.value.exits_l0.census | to_entries | map((.key | split(" ")) as $f |
		{ctx: $f[0], code: $f[1], kind: $f[2], detail: $f[3], per_op: .value})) as $cen |
	($cen | map(select(.kind == "all")) | group_by(.ctx) | map({ctx: .[0].ctx, n: (map(.per_op) | add)})
		| sort_by(if .ctx == "0x0" then -1e9 else -.n end) | map(.ctx)) as $order |
	"### exit census, \($k), cpuid at L\($row.level) (\($row.stack | path)), \($c.key)",
	"",
	"Where each L0 exit of one op was taken (bench.rst, \"The exit census\"): L1 is the doll's own kernel; a context is one of the doll's nested guests, named by the vmcb12/vmcs12 address the doll runs it on. Two-N estimate per entry, mean over the doll's repetitions.",
	"",
	"| where | exit | detail | L0 exits/op |",
	"|---|---|---|---|",
	($order | to_entries[] | .value as $ctx | (if $ctx == "0x0" then "L1" else "context \(.key) (\($ctx))" end) as $w |
		(($cen | map(select(.ctx == $ctx and .kind == "all" and (.per_op | fabs) >= 0.005)) | sort_by(-.per_op)[]) as $e |
			"| \($w) | \($e.code | svm) (\($e.code)) | all | \($e.per_op | x2) |",
			($cen | map(select(.ctx == $ctx and .code == $e.code and .kind != "all" and .kind != "overflow"
				and (.per_op | fabs) >= 0.005)) | sort_by(-.per_op)[] |
				"| \($w) | \($e.code | svm) (\($e.code)) | \(.kind) \(.detail | msr) | \(.per_op | x2) |")),
		($cen | map(select(.ctx == $ctx and .kind == "overflow" and (.per_op | fabs) >= 0.005))[] |
			"| \($w) | any | details beyond the doll's table | \(.per_op | x2) |")),
	""),
(.overhead[] | . as $ov |
	"## overhead, \(.kernel): kvm-nest unloaded, loaded at accel 0, at accel 1",
	"",
	"The same L1 ops (path L0 → op) in a fresh VM per state; \(.rounds // "?") rounds of \(.reps // "?") repetitions (loops of about \(.target_ms // "?") ms), each state once per round in a random order (seed \(.seed // "?"): \((.order // []) | map(join(" ")) | join("; "))). µs/op: median (min–max) over every repetition of the state. Ratio of medians: median (min–max) over the rounds of the state's median over the unloaded median of the same round; of minima: the same with each state's fastest repetition in the round (noise only adds, so that is its least disturbed cost); pooled p10: the 10th percentile of the state's repetitions over all rounds over unloaded's. KVM exits/op: KVM's own vCPU counter (KVM_GET_STATS_FD \"exits\"), which needs no kvm-nest; extra: the state's minus unloaded's, per round. kvm-nest exits/op: its count, which does not exist when it is unloaded.",
	"",
	"| op | unloaded µs/op | accel0 µs/op | accel1 µs/op | accel0 / unloaded, of medians | of minima | pooled p10 | accel1 / unloaded, of medians | of minima | pooled p10 | KVM exits/op unloaded / accel0 / accel1 | extra KVM exits/op accel0 / accel1 | kvm-nest L0 exits/op accel0 / accel1 |",
	"|---|---|---|---|---|---|---|---|---|---|---|---|---|",
	(.ops[] | .states as $s |
		"| \(.op) | \($s.unloaded.cost_ns | spread) | \($s.accel0.cost_ns | spread) | \($s.accel1.cost_ns | spread) | \(.ratio.accel0 | rspread) | \(.ratio_min.accel0 | rspread) | \(.ratio_p10.accel0 | r3) | \(.ratio.accel1 | rspread) | \(.ratio_min.accel1 | rspread) | \(.ratio_p10.accel1 | r3) | \($s.unloaded.kvm_exits | med2) / \($s.accel0.kvm_exits | med2) / \($s.accel1.kvm_exits | med2) | \(.extra_kvm_exits.accel0 | med2) / \(.extra_kvm_exits.accel1 | med2) | \($s.accel0.exits_l0 | ex) / \($s.accel1.exits_l0 | ex) |"),
	"",
	(.ops[] | select(.states.base0 != null) | .states as $s |
		"- \(.op), the base build (\($ov.base // "?")) at accel 0: \($s.base0.cost_ns | spread) µs/op; base0 / unloaded, of medians \(.ratio.base0 | rspread), of minima \(.ratio_min.base0 | rspread), pooled p10 \(.ratio_p10.base0 | r3); accel0 / base0 (this tree over the base), of medians \(.to_base.ratio | rspread), of minima \(.to_base.ratio_min | rspread); KVM exits/op \($s.base0.kvm_exits | med2), extra \(.extra_kvm_exits.base0 | med2)."),
	(.hooks | to_entries[] | (.value.per_exit | to_entries | sort_by(-.value)) as $h |
		"- kvm-nest's hook calls per exit in a VM's life, \(.key) (mean over \(.value.runs) VMs, median \(.value.exits.median // 0 | round) exits each): \($h | map(select(.value >= 0.001) | "\(.key) \(.value | fixed3)") | join(", ")); and a few times per VM: \($h | map(select(.value < 0.001) | .key) | join(", "))."),
	"")
