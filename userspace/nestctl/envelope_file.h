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
#include "pending.h"
#include "plan.h"

/*
 * A doll of the file that does not run is managed at level 1 as the
 * pending envelope of its name (pend[i], NULL when there is none yet);
 * deeper, not at all: it counts in missing.
 */
struct nc_env_file {
	struct nc_apply_file f;
	struct nc_dolls run;		/* the dump the file was resolved against */
	struct nc_pendings pending;	/* and the pending envelopes */
	struct nc_apply_match *m;	/* per doll of f */
	const struct nc_pending **pend;	/* per doll of f */
	struct nc_plan_doll *pd;	/* per doll of f: as it runs, as wanted */
	struct nc_plan_step *steps;	/* in the order an apply takes them */
	int nr;
	unsigned int missing;		/* dolls of f below level 1 that do not run */
};

/* Whether doll i of the file is a level-1 VM that does not run. */
bool nc_env_file_by_name(const struct nc_env_file *ef, unsigned int i);

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
