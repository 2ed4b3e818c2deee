// SPDX-License-Identifier: GPL-2.0-only
/*
 * How fast a VM's kvm-nest may mint doll ids: a token bucket.  Apart from
 * the id allocator, so that selftests/unit can run it on a fake clock.
 */
#include <linux/errno.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/sched/clock.h>
#include <linux/time64.h>

#include "doll_id.h"

int kn_id_budget_take(struct kn_id_budget *b, unsigned int n)
{
	u64 now = local_clock(), add;

	if (!b->at || now - b->at >= (u64)KN_ID_BURST * NSEC_PER_SEC / KN_ID_RATE) {
		b->tokens = KN_ID_BURST;
		b->at = now;
	} else {
		/* Whole tokens only; the rest of the time counts later. */
		add = div64_u64((now - b->at) * KN_ID_RATE, NSEC_PER_SEC);
		if (add) {
			b->tokens = min_t(u64, KN_ID_BURST, b->tokens + add);
			b->at += div64_u64(add * NSEC_PER_SEC, KN_ID_RATE);
		}
	}
	if (n > b->tokens) {
		b->refused++;
		return -EAGAIN;
	}
	b->tokens -= n;
	b->minted += n;
	return 0;
}

void kn_id_budget_refund(struct kn_id_budget *b, unsigned int n)
{
	b->tokens = min_t(u64, KN_ID_BURST, (u64)b->tokens + n);
	b->minted -= n;
}
