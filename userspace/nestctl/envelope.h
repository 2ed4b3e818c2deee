/* SPDX-License-Identifier: GPL-2.0-only */
/* The envelope object's parts, one file each. */
#ifndef NC_ENVELOPE_H
#define NC_ENVELOPE_H

#include "nestctl.h"

/* envelope show [ DOLL | self ] (envelope_show.c) */
int nc_envelope_show(struct nc_ctx *ctx, int argc, char **argv);
/* envelope diff FILE: what applying a doll tree file would change (envelope_diff.c) */
int nc_envelope_diff(struct nc_ctx *ctx, int argc, char **argv);

#endif
