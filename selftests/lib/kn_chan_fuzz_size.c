// SPDX-License-Identifier: GPL-2.0
/* REPORTs judged by their length and address, and plain garbage. */
#include "kn_chan_fuzz_int.h"

#define MAX	KVM_NEST_CH_REPORT_MAX

/* Somewhere in memory or outside it: neither is read. */
static uint64_t anywhere(struct kn_chan_fuzz *g)
{
	return kn_one_in(g->prng, 2) ? g->rw.gpa : kn_chan_fuzz_outside(g);
}

/* An empty report: no dolls, whatever the address, as nothing is read. */
void kn_chb_rep_len0(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		     struct kn_chan_fuzz_case *c)
{
	kn_chan_fuzz_report(call, c, anywhere(g), 0);
	c->replaces = true;
}

void kn_chb_rep_big(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		    struct kn_chan_fuzz_case *c)
{
	static const uint64_t lens[] = {
		MAX + 1, MAX + 4, 2 * MAX, 1UL << 32, 1UL << 63, ~0UL,
	};
	struct kn_prng *p = g->prng;

	kn_chan_fuzz_report(call, c, anywhere(g), kn_one_in(p, 2) ?
		      lens[kn_below(p, sizeof(lens) / sizeof(lens[0]))] :
		      kn_range(p, MAX + 1, ~0UL));
	c->expect = -KVM_NEST_E2BIG;
}

/* Random bytes: mostly short; now and then a doll's header first. */
static void garbage(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		    struct kn_chan_fuzz_case *c, size_t len)
{
	static uint8_t buf[MAX];
	struct nlattr *a = (struct nlattr *)buf;

	kn_rand_bytes(g->prng, buf, len);
	if (len >= NLA_HDRLEN && kn_one_in(g->prng, 2)) {
		a->nla_type = KVM_NEST_CH_A_DOLL | NLA_F_NESTED;
		a->nla_len = (uint16_t)kn_range(g->prng, NLA_HDRLEN, len);
	}
	kn_chan_fuzz_report(call, c, kn_chan_fuzz_put(g, buf, len), len);
	c->expect = -KVM_NEST_EINVAL;
}

/* As long as a report may be, and still garbage. */
void kn_chb_rep_64k(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		    struct kn_chan_fuzz_case *c)
{
	garbage(g, call, c, MAX);
}

void kn_chb_rep_garbage(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
			struct kn_chan_fuzz_case *c)
{
	struct kn_prng *p = g->prng;

	garbage(g, call, c, kn_one_in(p, 8) ? kn_range(p, 4097, MAX) :
			    kn_range(p, 1, 4096));
}

void kn_chb_rep_gpa(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		    struct kn_chan_fuzz_case *c)
{
	kn_chan_fuzz_report(call, c, kn_chan_fuzz_outside(g), kn_range(g->prng, 1, MAX));
	c->expect = -KVM_NEST_EFAULT;
}

void kn_chb_rep_edge(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		     struct kn_chan_fuzz_case *c)
{
	uint64_t len = kn_range(g->prng, 2, MAX);

	kn_chan_fuzz_report(call, c, kn_chan_fuzz_edge(g, len), len);
	c->expect = -KVM_NEST_EFAULT;
}
