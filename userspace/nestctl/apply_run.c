// SPDX-License-Identifier: GPL-2.0-only
/*
 * An apply's steps, all or nothing (apply_run.h).  Setting back needs no
 * admission order of its own: every earlier state of the run was
 * admitted, and undoing newest first passes through them again, unless
 * something else changed meanwhile; then the step that cannot go back is
 * left where it is and said, and the others still go back.
 */
#include <string.h>

#include "apply_run.h"

void nc_apply_copy(struct nc_env *dst, const struct nc_env *src, unsigned int field)
{
	switch (field) {
	case NC_ENV_CPU_LIMIT:
		dst->cpu_limit = src->cpu_limit;
		break;
	case NC_ENV_CPU_RESERVE:
		dst->cpu_reserve = src->cpu_reserve;
		break;
	case NC_ENV_CPU_WEIGHT:
		dst->cpu_weight = src->cpu_weight;
		break;
	case NC_ENV_MEM_LIMIT:
		dst->mem_limit = src->mem_limit;
		break;
	case NC_ENV_MEM_RESERVE:
		dst->mem_reserve = src->mem_reserve;
		break;
	default:
		memcpy(dst->cpus, src->cpus, sizeof(dst->cpus));
	}
}

void nc_apply_field(const struct nc_env *from, unsigned int field, struct nc_env *to)
{
	memset(to, 0, sizeof(*to));
	to->has = field;
	if (from->has & field)
		nc_apply_copy(to, from, field);
}

int nc_apply_steps(const struct nc_plan_doll *dolls, const struct nc_plan_step *steps,
		   int nr, const struct nc_apply_ops *ops, enum nc_step_state *state)
{
	struct nc_env to;
	int i, refused = -1;

	for (i = 0; i < nr; i++)
		state[i] = NC_STEP_NOT_TRIED;
	for (i = 0; i < nr && refused < 0; i++) {
		nc_apply_field(&dolls[steps[i].doll].want, steps[i].field, &to);
		if (ops->set(ops->data, &steps[i], &to, false)) {
			state[i] = NC_STEP_REFUSED;
			refused = i;
		} else {
			state[i] = NC_STEP_APPLIED;
		}
	}
	for (i = refused - 1; refused >= 0 && i >= 0; i--) {
		nc_apply_field(&dolls[steps[i].doll].cur, steps[i].field, &to);
		state[i] = ops->set(ops->data, &steps[i], &to, true) ?
			   NC_STEP_STUCK : NC_STEP_UNDONE;
	}
	return refused;
}
