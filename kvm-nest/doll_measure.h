/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_DOLL_MEASURE_H
#define KN_DOLL_MEASURE_H

#include <linux/types.h>

struct kn_doll;

/* The reported doll a context runs, and whether it runs its guests. */
struct kn_doll *kn_doll_ctx_runs(const struct kn_doll *ctx, bool *nested);
/* Exits of this kernel's contexts that run a reported doll or its guests. */
void kn_doll_measured(const struct kn_doll *rd, u64 *self, u64 *nested);
/*
 * Guest time of this kernel's contexts that run a doll and its guests, and
 * whether there are any: deeper dolls run on contexts we cannot see.
 */
bool kn_doll_measured_ns(const struct kn_doll *d, u64 *ns);
/* After a report: the level each context of @vm counts its exits at. */
void kn_doll_ctx_levels(struct kn_doll *vm);

#endif
