/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A doll tree file set against the running dolls: what envelope diff
 * prints and envelope apply carries out (Documentation/plans/apply.md).
 */
#ifndef NC_ENVELOPE_FILE_H
#define NC_ENVELOPE_FILE_H

#include "apply_file.h"
#include "apply_resolve.h"
#include "nestctl.h"
#include "plan.h"

struct nc_env_file {
	struct nc_apply_file f;
	struct nc_dolls run;		/* the dump the file was resolved against */
	struct nc_apply_match *m;	/* per doll of f */
	struct nc_plan_doll *pd;	/* per doll of f: as it runs, as wanted */
	struct nc_plan_step *steps;	/* in the order an apply takes them */
	int nr;
	unsigned int missing;		/* dolls of f that do not run */
};

/*
 * Read path ("-": stdin), dump the running tree, resolve and order.
 * NC_OK, or NC_USAGE after the error was printed (diff's exit 2).
 */
int nc_env_file_load(struct nc_ctx *ctx, const char *path, struct nc_env_file *ef);
void nc_env_file_free(struct nc_env_file *ef);

/* One side of a change: text bare ("2.000", "max", "all"), JSON under key. */
void nc_env_file_value(struct nc_print *p, const struct nc_env *e, unsigned int field,
		       const char *key);

/* A step's path and field, and from -> to, as diff and apply print them. */
void nc_env_file_step(struct nc_print *p, const struct nc_env_file *ef,
		      const struct nc_plan_step *s, bool undo);

#endif
