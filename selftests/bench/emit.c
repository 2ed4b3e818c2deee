// SPDX-License-Identifier: GPL-2.0
/* What kn-bench run prints for one op: progress and the result line (bench.rst). */
#include <stdio.h>
#include <unistd.h>

#include "bench.h"
#include "run.h"

void knb_progress(const struct knb_opts *o, bool acct, const struct knb_result *r)
{
	const struct knb_series *t = r->op == KNB_HLT ? &r->wake : &r->time;

	fprintf(stderr, "bench: L%u %-14s %-8s %-5s %9.1f us/op [%.1f-%.1f]",
		o->depth + o->level, o->stack, o->config,
		knb_op_names[r->op], knb_median(t) / 1000, knb_min(t) / 1000,
		knb_max(t) / 1000);
	if (acct)
		fprintf(stderr, ", L%u exits/op %.2f", o->depth, knb_median(&r->exits));
	if (r->kvm_exits.n)
		fprintf(stderr, ", KVM %.2f", knb_median(&r->kvm_exits));
	fprintf(stderr, "%s\n", r->op == KNB_HLT ? " (wake-up latency)" : "");
}

void knb_emit(const struct knb_opts *o, bool acct, const struct knb_result *r)
{
	char mid[128], key[16];

	snprintf(mid, sizeof(mid), "%s/%s/L%u/%s/%d", o->stack, o->config,
		 o->depth + o->level, knb_op_names[r->op], getpid());
	for (unsigned int i = 0; o->markers_ms && i < o->reps; i++)
		printf("KNB-REP %s %u %u %u %u %lu %lu\n", mid, i, r->m0 + 2 * i,
		       r->m0 + 2 * i + 1, r->m0 + 2 * i + 2, r->n1, r->n2);
	printf("KNB {\"mid\":\"%s\",\"pid\":%d,\"stack\":\"%s\",\"config\":\"%s\","
	       "\"level\":%u,\"op\":\"%s\",\"n1\":%lu,\"n2\":%lu,\"reps\":%u",
	       mid, getpid(), o->stack, o->config, o->depth + o->level,
	       knb_op_names[r->op], r->n1, r->n2, o->reps);
	knb_json_series(stdout, "time_ns", &r->time);
	if (r->op == KNB_HLT) {
		knb_json_series(stdout, "wake_ns", &r->wake);
		printf(",\"hlt_delay_ns\":%u,\"hlt_early\":%lu", o->hlt_us * 1000, r->early);
	}
	snprintf(key, sizeof(key), "exits_l%u", o->depth);
	if (acct)
		knb_json_exits(stdout, key, &r->exits, &r->sum);
	if (r->kvm_exits.n)
		knb_json_series(stdout, "kvm_exits", &r->kvm_exits);
	printf("}\n");
	fflush(stdout);
}
