// SPDX-License-Identifier: GPL-2.0
/*
 * FETCH and REPLY from a hostile child.  No command ever waits for this
 * child, so a fetch answers only the child's envelope (unset) and usage,
 * 24 bytes, and no reply names a cookie the parent handed out.
 */
#include <string.h>

#include "kn_chan_fuzz_int.h"

/* An empty envelope nest, a u32 and a u64 attribute. */
#define KN_CHAN_FUZZ_FETCH_ANSWER	(4 + 8 + 12)
#define KN_CHAN_FUZZ_FETCH_MIN	512

static void needs_hello(struct kn_hypercall_call *call, struct kn_chan_fuzz_case *c,
			uint64_t op, uint64_t gpa, uint64_t len)
{
	call->op = op;
	call->gpa = gpa;
	call->len = len;
	c->report = true;	/* like a report: -EPROTO before HELLO */
}

/* A buffer of at least the minimum, anywhere in writable memory. */
void kn_chb_fetch(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		  struct kn_chan_fuzz_case *c)
{
	static const uint64_t lens[] = {
		KN_CHAN_FUZZ_FETCH_MIN, 1024, KVM_NEST_CH_FETCH_MAX,
		KVM_NEST_CH_FETCH_MAX + 1, 1UL << 32, ~0UL,
	};
	static uint8_t zero[KN_CHAN_FUZZ_FETCH_MIN];

	needs_hello(call, c, KVM_NEST_CH_FETCH, kn_chan_fuzz_put(g, zero, sizeof(zero)),
		    lens[kn_below(g->prng, sizeof(lens) / sizeof(lens[0]))]);
	c->expect = KN_CHAN_FUZZ_FETCH_ANSWER;
}

/* Too small, or where the parent cannot write. */
void kn_chb_fetch_bad(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		      struct kn_chan_fuzz_case *c)
{
	static const uint64_t small[] = { 0, 1, 24, KN_CHAN_FUZZ_FETCH_MIN - 1 };
	struct kn_prng *p = g->prng;

	if (kn_one_in(p, 2)) {
		needs_hello(call, c, KVM_NEST_CH_FETCH, g->rw.gpa,
			    small[kn_below(p, sizeof(small) / sizeof(small[0]))]);
		c->expect = -KVM_NEST_EINVAL;
		return;
	}
	needs_hello(call, c, KVM_NEST_CH_FETCH,
		    kn_one_in(p, 2) ? g->ro.gpa : kn_chan_fuzz_outside(g),
		    KN_CHAN_FUZZ_FETCH_MIN);
	c->expect = -KVM_NEST_EFAULT;
}

/* Replies to commands never sent, garbage, oversized, or unreadable. */
void kn_chb_reply(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		  struct kn_chan_fuzz_case *c)
{
	struct kn_prng *p = g->prng;
	uint8_t buf[256];
	struct kn_nla b;
	size_t len;

	switch (kn_below(p, 4)) {
	case 0:		/* well formed, but no such cookie */
		kn_nla_init(&b, buf, sizeof(buf));
		kn_nla_u64(&b, KVM_NEST_A_DOLL_COOKIE, kn_rand(p));
		kn_nla_u32(&b, KVM_NEST_A_DOLL_ERROR, (uint32_t)kn_below(p, 200));
		len = b.len;
		break;
	case 1:		/* garbage */
		len = kn_below(p, sizeof(buf) + 1);
		kn_chan_fuzz_nonzero(p, (char *)buf, sizeof(buf));
		break;
	case 2:
		needs_hello(call, c, KVM_NEST_CH_REPLY, g->rw.gpa,
			    KVM_NEST_CH_REPLY_MAX + 1 + kn_below(p, 1UL << 20));
		c->expect = -KVM_NEST_E2BIG;
		return;
	default:
		needs_hello(call, c, KVM_NEST_CH_REPLY, kn_chan_fuzz_outside(g), 16);
		c->expect = -KVM_NEST_EFAULT;
		return;
	}
	needs_hello(call, c, KVM_NEST_CH_REPLY, kn_chan_fuzz_put(g, buf, len ?: 1),
		    len);
	c->expect = -KVM_NEST_EINVAL;
}
