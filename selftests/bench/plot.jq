# plot.jq: plot.gp's data from results.json (report.sh). One gnuplot data
# set (index) per kernel and op, kernels and ops in the order of
# `plot.jq --arg`s: rows "level stock_us kvm-nest_us stock_exits
# kvm-nest_exits path", path 0 along the Linux stack (L1 direct, L2 linux,
# L3 linux+bench-hv), 1 for kn-bench's own L2, 2 through the doll in the
# doll (L3 linux+linux, L4 linux+linux+bench-hv). NaN where nothing was
# measured.
def col: if . == null then "NaN" else "\(.)" end;
def row($p): "\(.level) \(.configs.stock.cost_ns.median / 1000 | col) \(.configs["kvm-nest"].cost_ns.median / 1000 | col) \(.configs.stock.exits_l0.per_op.median | col) \(.configs["kvm-nest"].exits_l0.per_op.median | col) \($p)";
.summary as $s |
($kernels | split(" "))[] as $k | ($ops | split(" "))[] as $op |
	[$s[] | select(.kernel == $k and .op == $op)] as $rows |
	"# \($k) \($op)",
	($rows[] | select(.stack != "bench-hv" and (.stack | startswith("linux+linux") | not)) | row(0)),
	($rows[] | select(.stack == "bench-hv") | row(1)),
	($rows[] | select(.stack | startswith("linux+linux")) | row(2)),
	(if ($rows | length) == 0 then "1 NaN NaN NaN NaN 0" else empty end),
	"", ""
