/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which running doll each doll of an apply file is: the path of VM names
 * from level 1 down, matched against a dump of the tree.  Contexts (the
 * nested contexts a VM's guests run on) have no name and are looked
 * through.  Pure, like apply_file.c; nothing but its test uses it yet.
 */
#ifndef NC_APPLY_RESOLVE_H
#define NC_APPLY_RESOLVE_H

#include "apply_file.h"
#include "dolls.h"

struct nc_apply_match {
	const struct nc_doll *doll;	/* the running doll, or NULL */
};

/*
 * Fill m (one per doll of f).  A doll whose parent does not run does not
 * run either.  NC_OK, or NC_ERR after an error line that names two
 * running dolls of one path (a path must name one doll).
 */
int nc_apply_resolve(const struct nc_apply_file *f, const struct nc_dolls *run,
		     struct nc_apply_match *m);

#endif
