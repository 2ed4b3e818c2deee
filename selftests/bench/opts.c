// SPDX-License-Identifier: GPL-2.0
/* kn-bench run's command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "kn_tap.h"
#include "report.h"
#include "run.h"

const char *const knb_op_names[] = {
	[KNB_CPUID] = "cpuid", [KNB_RDMSR] = "rdmsr", [KNB_HCALL] = "hcall",
	[KNB_HLT] = "hlt", [KNB_TOUCH] = "touch", [KNB_PAUSE] = "pause",
};

unsigned int knb_parse_ops(const char *list)
{
	char buf[128], *save = NULL;
	unsigned int mask = 0;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		unsigned int op;

		for (op = 0; op < KNB_NR_OPS && strcmp(t, knb_op_names[op]); op++)
			;
		if (op == KNB_NR_OPS)
			return 0;
		mask |= 1U << op;
	}
	return mask;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: kn-bench run [-l 1|2] [-o OPS] [-r REPS] [-t MS | -n N] [-c CONFIG] [-s STACK]\n"
		"         [--depth D] [--markers MS] [--hlt-us US] [--dolls-out FILE]\n"
		"  -l 2 runs the ops in an L2 under kn-bench's own L1 hypervisor.\n"
		"  OPS: comma-separated, of cpuid,rdmsr,hcall,hlt,touch,pause (default all).\n");
	exit(2);
}

void knb_parse_run(int argc, char **argv, struct knb_opts *o)
{
	static const struct option longs[] = {
		{ "depth", required_argument, NULL, 'D' },
		{ "markers", required_argument, NULL, 'M' },
		{ "hlt-us", required_argument, NULL, 'H' },
		{ "dolls-out", required_argument, NULL, 'O' },
		{ 0 }
	};
	int opt;

	*o = (struct knb_opts){ .level = 1, .reps = 5, .ops = (1U << KNB_NR_OPS) - 1,
			    .target_ms = 100, .hlt_us = 1000, .config = "stock" };
	while ((opt = getopt_long(argc, argv, "l:o:r:t:n:c:s:", longs, NULL)) != -1) {
		switch (opt) {
		case 'l': o->level = kn_arg_ulong(optarg, "-l"); break;
		case 'o': o->ops = knb_parse_ops(optarg); break;
		case 'r': o->reps = kn_arg_ulong(optarg, "-r"); break;
		case 't': o->target_ms = kn_arg_ulong(optarg, "-t"); break;
		case 'n': o->n = kn_arg_ulong(optarg, "-n"); break;
		case 'c': o->config = optarg; break;
		case 's': o->stack = optarg; break;
		case 'D': o->depth = kn_arg_ulong(optarg, "--depth"); break;
		case 'M': o->markers_ms = kn_arg_ulong(optarg, "--markers"); break;
		case 'H': o->hlt_us = kn_arg_ulong(optarg, "--hlt-us"); break;
		case 'O': o->dolls_out = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || (o->level != 1 && o->level != 2) || !o->ops ||
	    !o->reps || o->reps > KNB_MAX_REPS || (o->n && o->n < KNB_N_MIN))
		usage();
	if (!o->stack)
		o->stack = o->level == 1 ? "direct" : "bench-hv";
}
