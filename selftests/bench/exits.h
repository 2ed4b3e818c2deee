/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exits of one VM as kvm-nest's dolls file shows them: its level-1 doll
 * (found by VMM pid) plus all its level-2 dolls, by level and exit code.
 */
#ifndef KNB_EXITS_H
#define KNB_EXITS_H

#include <stdint.h>
#include <sys/types.h>

#include "kn_dolls.h"

#define KNB_MAX_REPS 64

struct knb_twon;

#define KNB_MAX_CODES 64
#define KNB_MAX_CENSUS 256

/*
 * The census: exits by context (@ctx 0: the VM's own, else the nested
 * context's vmcb12/vmcs12), code and detail (@kind 0: all of the code's;
 * else kvm-nest's census kind, kn_census_kinds, and its MSR or field).
 */
struct knb_census {
	uint64_t ctx, code, kind, detail;
	double count;
};

struct knb_exits {
	double total, level[2], reflected;
	unsigned int nr, nr_census;
	struct {
		uint64_t code;
		double count;
	} c[KNB_MAX_CODES];
	struct knb_census census[KNB_MAX_CENSUS];
};

/* Sums the dolls of @pid's VM in @ds; zero if there is none. */
void knb_exits_of(const struct kn_dolls *ds, pid_t pid, struct knb_exits *e);
/* @acc += @scale * (@a - @b), code by code. */
void knb_exits_add(struct knb_exits *acc, const struct knb_exits *a,
		   const struct knb_exits *b, double scale);
/*
 * One repetition: boundaries @s[0..2] around a loop of @n1 ops then one of
 * @n2. Adds its per-op exits, code by code, (loop2 - loop1) / (n2 - n1), to
 * @acc and the two loops' totals to @t (see knb_twon_samples()).
 */
void knb_exits_rep(const struct knb_exits s[3], uint64_t n1, uint64_t n2,
		   struct knb_exits *acc, struct knb_twon *t);

#endif
