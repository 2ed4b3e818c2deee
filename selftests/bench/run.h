/* SPDX-License-Identifier: GPL-2.0 */
/* The subcommands of kn-bench and what they share. */
#ifndef KNB_RUN_H
#define KNB_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"

#define KNB_N_MIN 8

struct knb_opts {
	unsigned int level, depth, reps, ops, target_ms, markers_ms, hlt_us;
	unsigned long n;	/* fixed n2, or 0 for the target duration */
	const char *config, *stack, *dolls_out;
};

/* One op's repetitions, as kn-bench run collects them. */
struct knb_result {
	unsigned int op, m0;	/* m0: the marker before the first repetition */
	uint64_t n1, n2, early;
	struct knb_series time, wake, exits;
	struct knb_series kvm_exits;	/* KVM's own count; empty without its stats */
	struct knb_exits sum;	/* per-op exits by code, summed over repetitions */
};

extern const char *const knb_op_names[];

/* Parses "cpuid,hlt"; returns a bit mask of ops, or 0 on an unknown name. */
unsigned int knb_parse_ops(const char *list);
/* kn-bench run's options; exits with usage on an error. */
void knb_parse_run(int argc, char **argv, struct knb_opts *o);

/* A progress line on stderr, then the KNB-REP lines and the KNB result. */
void knb_progress(const struct knb_opts *o, bool acct, const struct knb_result *r);
void knb_emit(const struct knb_opts *o, bool acct, const struct knb_result *r);

int knb_run(int argc, char **argv);
int knb_watch(int argc, char **argv);
int knb_fit(int argc, char **argv);

#endif
