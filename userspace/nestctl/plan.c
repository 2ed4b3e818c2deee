// SPDX-License-Identifier: GPL-2.0-only
/*
 * The order of an apply's steps (plan.h).  Why it is safe: admission only
 * ever asks "is this value at most that one", where the smaller side is a
 * doll's reserve (against its own limit, and summed with its siblings'
 * against what the parent's kernel can reserve) or its limit (against the
 * parent's).  Decreases only loosen a parent and siblings; taken deepest
 * first, a doll is lowered after its children reached their final values,
 * which the final tree admits under its final value.  Increases, taken
 * shallowest first, find the parent already final and the children at
 * most final.  Within a doll, a reserve goes down before its limit and up
 * after it.  Limits compare as admission sees them (plan_effective()).
 */
#include <errno.h>
#include <string.h>

#include "plan.h"
#include "util.h"

/* The lowering pass's field order; the raising pass takes it backwards. */
static const unsigned int plan_fields[] = {
	NC_ENV_CPU_RESERVE, NC_ENV_MEM_RESERVE, NC_ENV_CPU_LIMIT,
	NC_ENV_MEM_LIMIT, NC_ENV_CPU_WEIGHT, NC_ENV_CPUS,
};
#define PLAN_NR_FIELDS NC_ARRAY_SIZE(plan_fields)

uint64_t nc_plan_value(const struct nc_env *env, unsigned int field)
{
	bool set = env->has & field;

	switch (field) {
	case NC_ENV_CPU_LIMIT:
		return set && env->cpu_limit ? env->cpu_limit : UINT64_MAX;
	case NC_ENV_MEM_LIMIT:
		return set && env->mem_limit ? env->mem_limit : UINT64_MAX;
	case NC_ENV_CPU_RESERVE:
		return set ? env->cpu_reserve : 0;
	case NC_ENV_MEM_RESERVE:
		return set ? env->mem_reserve : 0;
	default:
		return 0;
	}
}

/* Whether the file changes this field of this doll. */
static bool plan_changes(const struct nc_plan_doll *d, unsigned int field)
{
	const struct nc_env *c = &d->cur, *w = &d->want;

	if (!(w->has & field))
		return false;
	switch (field) {
	case NC_ENV_CPU_WEIGHT:
		return ((c->has & field) ? c->cpu_weight : NC_WEIGHT_DEFAULT) !=
		       (w->cpu_weight ? w->cpu_weight : NC_WEIGHT_DEFAULT);
	case NC_ENV_CPUS:
		return strcmp((c->has & field) ? c->cpus : "", w->cpus) != 0;
	default:
		return nc_plan_value(c, field) != nc_plan_value(w, field);
	}
}

/* The doll's field as it runs (final false) or once the file is applied. */
static uint64_t plan_own(const struct nc_plan_doll *d, unsigned int field, bool final)
{
	return nc_plan_value(final && (d->want.has & field) ? &d->want : &d->cur, field);
}

/*
 * A limit as admission sees it: an unset one is the parent's, as its
 * kernel has no more to give.  Setting a limit where there was none can
 * thus tighten (below the parent's) or loosen (above it, when the parent
 * grows too); comparing own values would take it for a decrease always.
 */
static uint64_t plan_effective(const struct nc_plan_doll *dolls, unsigned int i,
			       unsigned int field, bool final)
{
	if (field != NC_ENV_CPU_LIMIT && field != NC_ENV_MEM_LIMIT)
		return plan_own(&dolls[i], field, final);
	for (int p = (int)i; p >= 0; p = dolls[p].parent) {
		uint64_t v = plan_own(&dolls[p], field, final);

		if (v != UINT64_MAX)
			return v;
	}
	return UINT64_MAX;
}

static int plan_depth(const struct nc_plan_doll *dolls, unsigned int i)
{
	int depth = 1;

	for (int p = dolls[i].parent; p >= 0; p = dolls[p].parent)
		depth++;
	return depth;
}

int nc_plan_order(const struct nc_plan_doll *dolls, unsigned int n,
		  struct nc_plan_step *steps, unsigned int max)
{
	unsigned int nr = 0, i, f;
	int deepest = 0, depth, pass;

	for (i = 0; i < n; i++) {
		if (dolls[i].parent >= (int)i || dolls[i].parent < -1)
			return -EINVAL;
		depth = plan_depth(dolls, i);
		if (depth > deepest)
			deepest = depth;
	}
	for (pass = 0; pass < 2; pass++) {
		bool raise = pass == 1;

		for (int k = 1; k <= deepest; k++) {
			depth = raise ? k : deepest + 1 - k;
			for (i = 0; i < n; i++) {
				if (plan_depth(dolls, i) != depth)
					continue;
				for (f = 0; f < PLAN_NR_FIELDS; f++) {
					unsigned int field = plan_fields[raise ? PLAN_NR_FIELDS - 1 - f : f];
					bool up = plan_effective(dolls, i, field, true) >
						  plan_effective(dolls, i, field, false);

					if (!plan_changes(&dolls[i], field) || up != raise)
						continue;
					if (nr == max)
						return -ENOSPC;
					steps[nr++] = (struct nc_plan_step){ i, field, raise };
				}
			}
		}
	}
	return (int)nr;
}
