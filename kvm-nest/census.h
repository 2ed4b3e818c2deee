/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_CENSUS_H
#define KN_CENSUS_H

#include <linux/atomic.h>
#include <linux/types.h>

/*
 * The exit census of one doll: how often each exit code came with each
 * detail (kvm/ops.h, KN_DETAIL()), for the exits that have one.  Filled
 * only while the census switch is on; the bench reads it to say which MSR
 * or VMCS field every exit was for.  A few distinct details occur per
 * doll, so a small table that fills once and never moves is enough;
 * what does not fit is counted as overflow.
 */
#define KN_CENSUS_SLOTS		32

struct kn_census {
	atomic64_t key[KN_CENSUS_SLOTS];	/* 0: free */
	atomic64_t count[KN_CENSUS_SLOTS];
	atomic64_t overflow;
};

/* Lock-free, from the exit path; @detail is not 0. */
void kn_census_add(struct kn_census *c, u32 code, u64 detail);

typedef int (*kn_census_fn)(u32 code, u64 detail, u64 count, void *arg);
/* Calls @fn for every detail seen, until @fn returns non-zero. */
int kn_census_visit(const struct kn_census *c, kn_census_fn fn, void *arg);

#endif
