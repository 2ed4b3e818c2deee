/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_DOLL_ID_H
#define KN_DOLL_ID_H

#include <linux/gfp.h>
#include <linux/types.h>

struct kn_doll;

/*
 * Doll ids.  An id names one doll from the moment it is published until it
 * is released, and is handed out again only after every other id of the
 * u32 space was: ids are allocated cyclically from 1, skipping those in
 * use.  Reserve, then publish once the doll is in its place: until then a
 * lookup finds nothing.
 */
int kn_id_reserve(u32 *id, gfp_t gfp);
void kn_id_publish(u32 id, struct kn_doll *d);
void kn_id_release(u32 id);
/* The doll with this id, or NULL; under the registry mutex. */
struct kn_doll *kn_id_find(u32 id);

/*
 * New ids a VM's kvm-nest may have for the dolls it reports: a token
 * bucket per level-1 doll, under the registry mutex.
 */
#define KN_ID_BURST	4096
#define KN_ID_RATE	256	/* per second */

struct kn_id_budget {
	u32 tokens;
	u64 at;			/* when tokens were last topped up; 0: never */
	u64 minted;		/* ids the VM had */
	u64 refused;		/* reports refused for want of tokens */
};

/* Takes @n tokens: 0, or -EAGAIN (counted) and nothing taken. */
int kn_id_budget_take(struct kn_id_budget *b, unsigned int n);
/* Gives back what a take got, when the ids could not be had after all. */
void kn_id_budget_refund(struct kn_id_budget *b, unsigned int n);

#endif
