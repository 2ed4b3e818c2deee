/* SPDX-License-Identifier: GPL-2.0 */
/* Samples of one measurement and their JSON (schema: Documentation/bench.rst). */
#ifndef KNB_REPORT_H
#define KNB_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "exits.h"

struct knb_series {
	unsigned int n;
	double v[KNB_MAX_REPS];
};

void knb_series_add(struct knb_series *s, double v);

/* The two loops of each repetition: totals (ns, exits) of n1 and n2 ops. */
struct knb_twon {
	unsigned int n;
	double loop1[KNB_MAX_REPS], loop2[KNB_MAX_REPS];
};

void knb_twon_add(struct knb_twon *t, double loop1, double loop2);
/*
 * Per-op samples, one per repetition: (loop2 - F) / n2, where F, the part
 * both loops share, is the median over repetitions of each one's
 * intercept (n2 loop1 - n1 loop2) / (n2 - n1), but at most the cheapest
 * loop1 (which holds F and n1 ops). Exact counts give exactly
 * (loop2 - loop1) / (n2 - n1); noise that only adds (preemption of the
 * emulator, background exits) stays out of F and never makes a sample < 0.
 */
void knb_twon_samples(const struct knb_twon *t, uint64_t n1, uint64_t n2,
		      struct knb_series *out);
double knb_median(const struct knb_series *s);
double knb_min(const struct knb_series *s);
double knb_max(const struct knb_series *s);

/* ,"key":{"median":..,"min":..,"max":..,"samples":[..]} */
void knb_json_series(FILE *f, const char *key, const struct knb_series *s);
/*
 * ,"key":{"per_op":<series>,"by_level":{"1":..,"2":..},"reflected":..,
 * "by_code":{"0x72":..}} where the last three are @sum / number of samples.
 */
void knb_json_exits(FILE *f, const char *key, const struct knb_series *per_op,
		    const struct knb_exits *sum);

#endif
