/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Carrying out an apply's ordered steps, all or nothing: each step waits
 * for its outcome; a refused step stops the run and the steps already
 * taken are set back, newest first.  Pure: the sending is the caller's
 * (envelope_apply.c sends ENV_SET; the unit test refuses where it likes).
 */
#ifndef NC_APPLY_RUN_H
#define NC_APPLY_RUN_H

#include "plan.h"

enum nc_step_state {
	NC_STEP_NOT_TRIED,
	NC_STEP_APPLIED,	/* and kept */
	NC_STEP_REFUSED,
	NC_STEP_UNDONE,		/* applied, then set back */
	NC_STEP_STUCK,		/* applied, and setting it back was refused */
};

struct nc_apply_ops {
	/*
	 * Set field s->field of doll s->doll to its value in to (to->has is
	 * that field alone; an unset value is 0 or "").  undo: setting back.
	 * NC_OK, or anything else once the refusal has been said.
	 */
	int (*set)(void *data, const struct nc_plan_step *s, const struct nc_env *to,
		   bool undo);
	void *data;
};

/* The value of one field (an NC_ENV_* bit) from src into dst; has untouched. */
void nc_apply_copy(struct nc_env *dst, const struct nc_env *src, unsigned int field);
/* The field of from alone in to: what one step sends. */
void nc_apply_field(const struct nc_env *from, unsigned int field, struct nc_env *to);

/*
 * Take steps[0..nr) in order, recording each one's fate in state (nr
 * entries).  Returns the index of the refused step, or -1 if all applied.
 */
int nc_apply_steps(const struct nc_plan_doll *dolls, const struct nc_plan_step *steps,
		   int nr, const struct nc_apply_ops *ops, enum nc_step_state *state);

#endif
