/* SPDX-License-Identifier: GPL-2.0-only */
/* The envelope object's parts, one file each. */
#ifndef NC_ENVELOPE_H
#define NC_ENVELOPE_H

#include "dolls.h"
#include "env.h"
#include "nestctl.h"

/* envelope show [ DOLL | self ] (envelope_show.c) */
int nc_envelope_show(struct nc_ctx *ctx, int argc, char **argv);
/* envelope diff FILE: what applying a doll tree file would change (envelope_diff.c) */
int nc_envelope_diff(struct nc_ctx *ctx, int argc, char **argv);
/* envelope apply FILE: carry it out, all or nothing (envelope_apply.c) */
int nc_envelope_apply(struct nc_ctx *ctx, int argc, char **argv);
/*
 * One ENV_SET (ENV_DEL when env is NULL) of a running doll, or else of the
 * pending envelope name (of domain uuid, if not NULL or ""), waiting for
 * its outcome; NC_OK, or not after the refusal was said.
 */
int nc_envelope_change(struct nc_ctx *ctx, const struct nc_doll *doll, const char *name,
		       const char *uuid, const struct nc_env *env);

#endif
