/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_DOLL_TOTALS_H
#define KN_DOLL_TOTALS_H

#include <linux/types.h>

struct kn_doll;

/*
 * A doll's exits and guest time.  A context counts its own; a level-1
 * doll's are KVM's for its VM minus its contexts' (doll_totals.c).  Under
 * the registry mutex for a level-1 doll, whose VM must stay alive.
 */
void kn_doll_totals(const struct kn_doll *d, u64 *exits, u64 *guest_ns);
/* A level-1 doll's guest time with its nested guests', since it was made. */
u64 kn_doll_vm_guest_all(const struct kn_doll *d);

/* Level-1 doll made, reset, and leaving with its VM (still whole). */
void kn_doll_totals_born(struct kn_doll *d);
void kn_doll_totals_reset(struct kn_doll *d);
void kn_doll_totals_depart(struct kn_doll *d);
/* A context of @d counted one exit after @ns of guest time. */
void kn_doll_totals_nested(struct kn_doll *d, u64 ns);

/* Exits and guest time at @level (1..KN_MAX_LEVEL) since the module loaded. */
void kn_levels_sum(unsigned int level, u64 *exits, u64 *guest_ns);

#endif
