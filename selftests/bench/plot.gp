# plot.gp: build/bench/plot.png (report.sh): per kernel, cost per op and L0
# exits per op against the level, log scale; solid stock, dashed kvm-nest,
# squares kn-bench's own L2, triangles through a Linux doll in the Linux
# doll (L3, L4). Variables: data, out, kernels, ops.
set terminal pngcairo size 1400, 520 * words(kernels) font ",10"
set output out
set datafile missing "NaN"
set multiplot layout words(kernels), 2 \
	title "kvm-nest bench: nested exit cost per level (solid: stock, dashed: kvm-nest, squares: L2 under kn-bench's own L1, triangles: through a Linux doll in the doll)"
set logscale y
set grid
set xrange [0.7:4.3]
set xtics ("L1" 1, "L2" 2, "L3" 3, "L4" 4)
set key outside right top
nops = words(ops)
do for [k = 1:words(kernels)] {
	b = (k - 1) * nops
	do for [panel = 0:1] {
		set title sprintf("%s: %s", word(kernels, k), panel == 0 ? "cost per op (µs; hlt: wake-up latency)" : "L0 exits per op (kvm-nest's count)")
		c = panel == 0 ? 2 : 4
		# Exits: 0 (pause without a pause filter) has no place on a log axis.
		if (panel == 0) { set autoscale y } else { set yrange [0.5:*] }
		plot for [i = 1:nops] data index (b + i - 1) using 1:($6 == 0 ? column(c) : NaN) \
			with linespoints lc i pt 7 lw 2 title word(ops, i), \
		     for [i = 1:nops] data index (b + i - 1) using 1:($6 == 0 ? column(c + 1) : NaN) \
			with linespoints lc i pt 6 dt 2 notitle, \
		     for [i = 1:nops] data index (b + i - 1) using 1:($6 == 1 ? column(c) : NaN) \
			with points lc i pt 5 ps 1.5 notitle, \
		     for [i = 1:nops] data index (b + i - 1) using 1:($6 == 2 ? column(c) : NaN) \
			with linespoints lc i pt 9 ps 1.5 notitle, \
		     for [i = 1:nops] data index (b + i - 1) using 1:($6 == 2 ? column(c + 1) : NaN) \
			with linespoints lc i pt 8 ps 1.5 dt 2 notitle
	}
}
unset multiplot
