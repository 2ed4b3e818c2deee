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
/* One ENV_SET of a running doll, waiting for its outcome; NC_OK or said. */
int nc_envelope_set_doll(struct nc_ctx *ctx, const struct nc_doll *doll,
			 const struct nc_env *env);

#endif
