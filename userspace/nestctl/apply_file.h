/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The file of a future "nestctl apply" (Documentation/plans/apply.md): a
 * doll tree by VM names, each doll with the envelope fields it manages.
 *   { "dolls": [ { "name": "web", "envelope": { "cpu.limit": "2" },
 *                  "dolls": [ { "name": "db", ... } ] } ] }
 * Envelope keys and values are those of "nestctl envelope set", parsed by
 * the same code (env_args.c).
 */
#ifndef NC_APPLY_FILE_H
#define NC_APPLY_FILE_H

#include "env.h"

/* Dolls nested deeper than this are refused (json-c stops at 32 anyway). */
#define NC_APPLY_DEPTH_MAX	8

struct nc_apply_doll {
	char *name;
	char *path;		/* "web/db": the names from level 1 down */
	int parent;		/* index of an earlier doll, or -1 at level 1 */
	struct nc_env want;	/* want.has: the fields the file manages */
};

struct nc_apply_file {
	struct nc_apply_doll *dolls;	/* parents before their children */
	unsigned int n;
};

/*
 * Parse text (what the file named name holds).  NC_OK, or NC_USAGE after
 * an error line that names the place in the file and what to write.
 */
int nc_apply_file_parse(const char *name, const char *text, struct nc_apply_file *f);
void nc_apply_file_free(struct nc_apply_file *f);

#endif
