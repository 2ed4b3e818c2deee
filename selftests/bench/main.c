// SPDX-License-Identifier: GPL-2.0
/*
 * kn-bench: nested exit cost per level, see Documentation/bench.rst.
 *   kn-bench run ...     measure in a VM of this kernel (its L1 or L2)
 *   kn-bench watch ...   this kernel's side of a run one level down
 *   kn-bench fit ...     the fit measurement's workload and probe
 */
#include <stdio.h>
#include <string.h>

#include "run.h"

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "run"))
		return knb_run(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "watch"))
		return knb_watch(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "fit"))
		return knb_fit(argc - 1, argv + 1);
	fprintf(stderr, "usage: kn-bench run|watch|fit [options]  (--help after any)\n");
	return 2;
}
