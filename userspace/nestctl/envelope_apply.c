// SPDX-License-Identifier: GPL-2.0-only
/*
 * envelope apply FILE: make the running dolls' envelopes what a doll tree
 * file says, all or nothing (Documentation/plans/apply.md).  The steps are
 * those envelope diff prints, in its order; each is one ENV_SET that waits
 * for its outcome, since the next may need it.  A refused step stops the
 * apply and what it changed is set back, newest first.  One line per step
 * as it ends:
 *   web cpu.limit 0.500 -> 0.250 applied
 *   web/db cpu.reserve 0.200 -> 0.350 refused
 *   web cpu.limit 0.250 -> 0.500 set back
 * A level-1 doll that does not run gets the pending envelope of its name
 * (one made here and refused goes again).  Below level 1 a doll that does
 * not run refuses the file.  Exit 0 when the file holds, 1 when refused,
 * 2 on a bad file.
 */
#include <stdio.h>
#include <stdlib.h>

#include "apply_run.h"
#include "envelope.h"
#include "envelope_file.h"

struct nc_apply_ctx {
	struct nc_ctx *ctx;
	const struct nc_env_file *ef;
};

static const char *const nc_step_words[] = {
	[NC_STEP_NOT_TRIED] = "not tried",
	[NC_STEP_APPLIED] = "applied",
	[NC_STEP_REFUSED] = "refused",
	[NC_STEP_UNDONE] = "set back",
	[NC_STEP_STUCK] = "left: setting it back was refused",
};

static int nc_apply_set(void *data, const struct nc_plan_step *s, const struct nc_env *to,
			bool undo)
{
	struct nc_apply_ctx *a = data;
	const struct nc_env_file *ef = a->ef;
	const struct nc_pending *pend = ef->pend[s->doll];
	struct nc_print *p = &a->ctx->pr;
	enum nc_step_state st;
	int rc;

	rc = nc_envelope_change(a->ctx, ef->m[s->doll].doll, ef->f.dolls[s->doll].name,
				pend ? pend->uuid : NULL, to);
	if (undo)
		st = rc ? NC_STEP_STUCK : NC_STEP_UNDONE;
	else
		st = rc ? NC_STEP_REFUSED : NC_STEP_APPLIED;
	nc_pr_open_obj(p, NULL);
	nc_env_file_step(p, a->ef, s, undo);
	nc_pr_bool(p, NC_JSON, "undo", undo);
	nc_pr_str(p, NC_ANY | NC_BARE, "outcome", nc_step_words[st]);
	nc_pr_close_obj(p);
	nc_pr_nl(p);
	nc_pr_flush(p);
	return rc;
}

/* Dolls below level 1 that do not run: refused before anything changes. */
static int nc_apply_missing(const struct nc_env_file *ef, const char *file)
{
	for (unsigned int i = 0; i < ef->f.n; i++) {
		if (ef->m[i].doll || nc_env_file_by_name(ef, i))
			continue;
		return nc_error("%s: %s does not run; below level 1 apply changes running dolls only, for now: start it, or leave it out of the file",
				file, ef->f.dolls[i].path);
	}
	return NC_OK;
}

/*
 * After a refusal: a pending envelope this apply made (there was none by
 * that name) goes again, rather than stay behind with its fields unset.
 */
static void nc_apply_unmake(struct nc_ctx *ctx, const struct nc_env_file *ef,
			    const enum nc_step_state *state)
{
	for (unsigned int i = 0; i < ef->f.n; i++) {
		bool made = false;

		if (!nc_env_file_by_name(ef, i) || ef->pend[i])
			continue;
		for (int k = 0; k < ef->nr; k++)
			made |= ef->steps[k].doll == i && state[k] != NC_STEP_NOT_TRIED &&
				state[k] != NC_STEP_REFUSED;
		if (!made)
			continue;
		nc_pr_open_obj(&ctx->pr, NULL);
		nc_pr_str(&ctx->pr, NC_ANY | NC_BARE, "path", ef->f.dolls[i].path);
		nc_pr_str(&ctx->pr, NC_TEXT | NC_BARE, NULL, "pending envelope");
		nc_pr_str(&ctx->pr, NC_ANY | NC_BARE, "outcome",
			  nc_envelope_change(ctx, NULL, ef->f.dolls[i].name, NULL, NULL) ?
			  "left: dropping it was refused" : "dropped");
		nc_pr_close_obj(&ctx->pr);
		nc_pr_nl(&ctx->pr);
	}
}

int nc_envelope_apply(struct nc_ctx *ctx, int argc, char **argv)
{
	struct nc_env_file ef;
	struct nc_apply_ctx a = { ctx, &ef };
	const struct nc_apply_ops ops = { nc_apply_set, &a };
	enum nc_step_state *state = NULL;
	int rc, refused = -1, stuck = 0;
	char end[64];

	if (!argc)
		return nc_usage_error("envelope", "apply needs a FILE (\"-\" reads stdin)");
	if (argc > 1)
		return nc_usage_error("envelope", "apply takes one FILE, not \"%s\" too", argv[1]);
	rc = nc_env_file_load(ctx, argv[0], &ef);
	if (!rc)
		rc = nc_apply_missing(&ef, argv[0]);
	if (rc)
		goto out;
	state = nc_xcalloc(ef.nr ? ef.nr : 1, sizeof(*state));
	nc_pr_open_obj(&ctx->pr, NULL);
	nc_pr_open_arr(&ctx->pr, "steps");
	refused = nc_apply_steps(ef.pd, ef.steps, ef.nr, &ops, state);
	if (refused >= 0)
		nc_apply_unmake(ctx, &ef, state);
	nc_pr_close_arr(&ctx->pr);
	for (int i = 0; i < ef.nr; i++)
		stuck += state[i] == NC_STEP_STUCK;
	nc_pr_bool(&ctx->pr, NC_JSON, "applied", refused < 0);
	nc_pr_uint(&ctx->pr, NC_JSON, "left", stuck);
	if (!ef.nr)
		snprintf(end, sizeof(end), "nothing to change");
	else if (refused < 0)
		snprintf(end, sizeof(end), "applied");
	else if (!stuck)
		snprintf(end, sizeof(end), "refused: nothing changed");
	else
		snprintf(end, sizeof(end), "refused: %d change%s left", stuck, stuck == 1 ? "" : "s");
	nc_pr_str(&ctx->pr, NC_TEXT | NC_BARE, NULL, end);
	nc_pr_nl(&ctx->pr);
	nc_pr_close_obj(&ctx->pr);
	if (stuck)
		nc_error("%s: refused, and %d change%s could not be set back (\"left\" above): see \"nestctl envelope show\"",
			 argv[0], stuck, stuck == 1 ? "" : "s");
	rc = refused < 0 ? NC_OK : NC_ERR;
out:
	free(state);
	nc_env_file_free(&ef);
	return rc;
}
