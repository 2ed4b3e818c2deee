/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_CPUS_H
#define KN_ENV_CPUS_H

#include <linux/types.h>

/*
 * A CPU set as an envelope keeps it: ranges of CPU ids below
 * KN_CPUS_MAX, sorted, apart and merged.  A range list, not a bitmap,
 * so that an envelope stays a small value copied whole (under
 * spinlocks, into events and reports) whatever the host's size: a
 * bitmap of 8192 CPUs would be 1 KiB a copy.  See envelopes.rst.
 */
#define KN_CPUS_MAX		8192	/* NR_CPUS of Debian's kernels */
#define KN_CPUS_RANGES		32	/* "0,2,4,...,62" still fits */

struct kn_cpus {
	u16 nr;			/* 0: unset */
	struct {
		u16 lo, hi;
	} r[KN_CPUS_RANGES];
};

/* -E2BIG: more than KN_CPUS_RANGES ranges; @nbits <= KN_CPUS_MAX. */
int kn_cpus_from_bitmap(struct kn_cpus *c, const unsigned long *bits,
			unsigned int nbits);
/* "0-3,128-255" into @buf as snprintf does; the length it needs. */
int kn_cpus_fmt(char *buf, size_t len, const struct kn_cpus *c);
/* The first CPU of @c not in @have (of @nbits), or -1 if none. */
int kn_cpus_outside(const struct kn_cpus *c, const unsigned long *have,
		    unsigned int nbits);

static inline unsigned int kn_cpus_last(const struct kn_cpus *c)
{
	return c->nr ? c->r[c->nr - 1].hi : 0;
}

#endif
