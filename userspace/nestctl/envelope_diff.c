// SPDX-License-Identifier: GPL-2.0-only
/*
 * envelope diff FILE: what applying a doll tree file would change
 * (Documentation/plans/apply.md).  One line per managed field of a running
 * doll that differs, in the order an apply would take them, then one per
 * doll of the file that does not run:
 *   web/db cpu.limit 2.000 -> 1.000
 *   cache cpu.limit max -> 0.500
 *   cache not running, envelope pending
 *   web/cache not running
 * A level-1 doll that does not run is compared by its pending envelope
 * (none: every field unset).  Exit 0 when nothing differs, 1 when
 * something does or a deeper doll does not run (as diff(1) does), 2 on a
 * bad file or any other trouble.
 */
#include "envelope.h"
#include "envelope_file.h"

static void nc_diff_print(struct nc_print *p, const struct nc_env_file *ef)
{
	nc_pr_open_obj(p, NULL);
	nc_pr_open_arr(p, "changes");
	for (int i = 0; i < ef->nr; i++) {
		nc_pr_open_obj(p, NULL);
		nc_env_file_step(p, ef, &ef->steps[i], false);
		nc_pr_close_obj(p);
		nc_pr_nl(p);
	}
	nc_pr_close_arr(p);
	nc_pr_open_arr(p, "missing");
	for (unsigned int i = 0; i < ef->f.n; i++) {
		if (ef->m[i].doll)
			continue;
		nc_pr_open_obj(p, NULL);
		nc_pr_str(p, NC_ANY | NC_BARE, "path", ef->f.dolls[i].path);
		nc_pr_str(p, NC_TEXT | NC_BARE, NULL, ef->pend[i] ? "not running, envelope pending" :
			  "not running");
		if (ef->pend[i])
			nc_pr_bool(p, NC_JSON, "pending", true);
		nc_pr_close_obj(p);
		nc_pr_nl(p);
	}
	nc_pr_close_arr(p);
	nc_pr_close_obj(p);
}

int nc_envelope_diff(struct nc_ctx *ctx, int argc, char **argv)
{
	struct nc_env_file ef;
	int rc;

	if (!argc)
		return nc_usage_error("envelope", "diff needs a FILE (\"-\" reads stdin)");
	if (argc > 1)
		return nc_usage_error("envelope", "diff takes one FILE, not \"%s\" too", argv[1]);
	rc = nc_env_file_load(ctx, argv[0], &ef);
	if (!rc) {
		nc_diff_print(&ctx->pr, &ef);
		rc = ef.nr || ef.missing ? NC_ERR : NC_OK;
	}
	nc_env_file_free(&ef);
	return rc;
}
