/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The steps that take a doll tree's envelopes from what runs to what a
 * file wants, in an order where every step is admitted when the final tree
 * is (Documentation/plans/apply.md): every decrease first, deepest dolls
 * first; then every increase, shallowest first.  Pure logic: nestctl apply
 * and diff are to be built on it; nothing else uses it yet.
 */
#ifndef NC_PLAN_H
#define NC_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "env.h"

/* One doll of the tree; parent is an index into the same array, or -1. */
struct nc_plan_doll {
	int parent;
	struct nc_env cur;	/* as it runs */
	struct nc_env want;	/* want.has: the fields the file manages */
};

struct nc_plan_step {
	unsigned int doll;	/* index into the dolls */
	unsigned int field;	/* one NC_ENV_* bit */
	bool raise;		/* the field grows (a looser envelope) */
};

/* Fields a step may change, in the order the lowering pass takes them. */
#define NC_PLAN_FIELDS (NC_ENV_CPU_RESERVE | NC_ENV_MEM_RESERVE | NC_ENV_CPU_LIMIT | \
			NC_ENV_MEM_LIMIT | NC_ENV_CPU_WEIGHT | NC_ENV_CPUS)

/*
 * Fill steps (room for max) with the changes, ordered.  Returns how many,
 * -EINVAL for a parent index that is not an earlier doll's (the array must
 * list parents before children), or -ENOSPC if max is too small.
 */
int nc_plan_order(const struct nc_plan_doll *dolls, unsigned int n,
		  struct nc_plan_step *steps, unsigned int max);

/*
 * A field as a number that grows as the envelope loosens: an unset limit
 * is UINT64_MAX, an unset reserve 0.  Weight and CPU set have no order
 * (0): admission does not compare them across dolls.
 */
uint64_t nc_plan_value(const struct nc_env *env, unsigned int field);

#endif
