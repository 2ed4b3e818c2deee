// SPDX-License-Identifier: GPL-2.0
/* HELLOs, unknown ops and hypercall numbers that are not ours. */
#include "kn_chan_fuzz_int.h"

static const uint64_t bad_lens[] = {
	0, 1, 8, 15, 17, 32, 4096, 1UL << 32, (1UL << 32) | 16, 1UL << 63, ~0UL,
};

/* A HELLO buffer in @a; a version of 0 is the caller's choice. */
static void hello_in(struct kn_chan_fuzz *g, struct kn_chan_fuzz_arena *a,
		     struct kn_hypercall_call *call, struct kn_chan_fuzz_case *c,
		     uint32_t version, uint32_t reserved)
{
	struct kn_prng *p = g->prng;

	c->sent = (struct kvm_nest_ch_hello){
		.version = version,
		.features = kn_one_in(p, 2) ? 0 : (uint32_t)kn_rand(p),
		.depth = (uint32_t)kn_rand(p),	/* the parent's to fill */
		.reserved = reserved,
	};
	c->hello = kn_chan_fuzz_put_in(a, &c->sent, sizeof(c->sent));
	call->op = KVM_NEST_CH_HELLO;
	call->gpa = c->hello;
	call->len = sizeof(c->sent);
}

static void hello(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		  struct kn_chan_fuzz_case *c, uint32_t version, uint32_t reserved)
{
	hello_in(g, &g->rw, call, c, version, reserved);
}

/* Any version from 1 up: the parent answers the one both speak. */
static uint32_t version(struct kn_prng *p)
{
	return kn_one_in(p, 2) ? KVM_NEST_CH_VERSION :
	       (uint32_t)kn_range(p, 1, UINT32_MAX);
}

void kn_chb_hello_ok(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		     struct kn_chan_fuzz_case *c)
{
	hello(g, call, c, version(g->prng), 0);
	c->opens = true;
}

void kn_chb_hello_len(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		      struct kn_chan_fuzz_case *c)
{
	hello(g, call, c, version(g->prng), 0);
	call->len = bad_lens[kn_below(g->prng, sizeof(bad_lens) / sizeof(bad_lens[0]))];
	c->expect = -KVM_NEST_EINVAL;
}

void kn_chb_hello_v0(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		     struct kn_chan_fuzz_case *c)
{
	hello(g, call, c, 0, 0);
	c->expect = -KVM_NEST_EINVAL;
}

void kn_chb_hello_rsvd(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		       struct kn_chan_fuzz_case *c)
{
	hello(g, call, c, version(g->prng),
	      (uint32_t)kn_range(g->prng, 1, UINT32_MAX));
	c->expect = -KVM_NEST_EINVAL;
}

void kn_chb_hello_gpa(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		      struct kn_chan_fuzz_case *c)
{
	hello(g, call, c, version(g->prng), 0);
	c->hello = 0;
	call->gpa = kn_chan_fuzz_outside(g);
	c->expect = -KVM_NEST_EFAULT;
}

void kn_chb_hello_edge(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		       struct kn_chan_fuzz_case *c)
{
	hello(g, call, c, version(g->prng), 0);
	c->hello = 0;
	call->gpa = kn_chan_fuzz_edge(g, sizeof(c->sent));
	c->expect = -KVM_NEST_EFAULT;
}

/* Valid, but the answer cannot be written back: the channel stays shut. */
void kn_chb_hello_ro(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		     struct kn_chan_fuzz_case *c)
{
	hello_in(g, &g->ro, call, c, version(g->prng), 0);
	c->hello = 0;		/* kn_chan_fuzz_hello_ok() reads the other arena */
	c->expect = -KVM_NEST_EFAULT;
}

/* Ops that are not ours, also ours with high bits: RBX is 64 bits wide. */
void kn_chb_op(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
	       struct kn_chan_fuzz_case *c)
{
	static const uint64_t ops[] = {
		0, KVM_NEST_CH_SLOT + 1, 9, 255, (1UL << 32) | KVM_NEST_CH_HELLO,
		(1UL << 32) | KVM_NEST_CH_REPORT, 1UL << 63, ~0UL,
	};
	struct kn_prng *p = g->prng;

	hello(g, call, c, version(p), 0);
	call->op = kn_one_in(p, 4) ? kn_rand(p) | 8 :
		   ops[kn_below(p, sizeof(ops) / sizeof(ops[0]))];
	c->expect = -KVM_NEST_EINVAL;
}

/*
 * A valid HELLO under a number that is not ours: KVM's own answer, no
 * token taken, the buffer untouched.
 */
void kn_chb_nr_foreign(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		       struct kn_chan_fuzz_case *c)
{
	static const uint64_t nrs[] = {
		KVM_NEST_HC - 1, KVM_NEST_HC + 1, (1UL << 32) | KVM_NEST_HC,
		(uint64_t)KVM_NEST_HC << 32, 0x4b4e0000UL + 0x100,
	};

	hello(g, call, c, KVM_NEST_CH_VERSION, 0);
	call->nr = nrs[kn_below(g->prng, sizeof(nrs) / sizeof(nrs[0]))];
	c->ours = false;
	c->expect = -KN_HYPERCALL_ENOSYS;
}
