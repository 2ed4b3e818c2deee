// SPDX-License-Identifier: GPL-2.0
/* Reports whose dolls do not make a tree the parent may take. */
#include "kn_chan_fuzz_int.h"

/* A parent that comes later, or never. */
void kn_chb_rep_orphan(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		       struct kn_chan_fuzz_case *c)
{
	struct kn_chan_fuzz_rep *r = kn_chan_fuzz_rep_new();
	struct kn_ch_doll d;
	uint32_t parent;

	for (unsigned int i = kn_range(g->prng, 0, 4); i; i--) {
		kn_chan_fuzz_doll(g, r, &d, false);
		kn_chan_fuzz_rep_open(r, &d);
		kn_chan_fuzz_rep_close(r);
	}
	parent = kn_chan_fuzz_id(g->prng, r);
	kn_chan_fuzz_doll(g, r, &d, false);
	d.parent = parent;
	d.level = 2;
	d.nr_self = d.nr_nested = 0;
	kn_chan_fuzz_rep_open(r, &d);
	kn_chan_fuzz_rep_close(r);
	if (kn_one_in(g->prng, 2)) {
		kn_chan_fuzz_doll(g, r, &d, false);
		d.id = parent;
		d.parent = 0;
		d.level = 1;
		kn_chan_fuzz_rep_open(r, &d);
		kn_chan_fuzz_rep_close(r);
	}
	kn_chan_fuzz_rep_commit(g, r, call, c);
	c->expect = -KVM_NEST_EINVAL;
}

/* The level of a parent plus anything but one, or a top doll below 1. */
static void level(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r, struct kn_ch_doll *d)
{
	uint32_t up = d->level - 1;

	(void)r;
	if (!d->parent)
		d->level = (uint32_t)kn_range(g->prng, 2, KVM_NEST_CH_MAX_LEVEL);
	else if (up + 2 <= KVM_NEST_CH_MAX_LEVEL && kn_one_in(g->prng, 2))
		d->level = up + 2;
	else
		d->level = up ? up : 2;
	if (d->level > 1)
		d->nr_self = d->nr_nested = 0;	/* not this case's error */
}

void kn_chb_rep_level(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		      struct kn_chan_fuzz_case *c)
{
	kn_chan_fuzz_rep_bad(g, call, c, 0, level, NULL, -KVM_NEST_EINVAL);
}

/* Outside the policy's 1..KVM_NEST_CH_MAX_LEVEL. */
static void level9(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r, struct kn_ch_doll *d)
{
	static const uint32_t bad[] = {
		0, KVM_NEST_CH_MAX_LEVEL + 1, KVM_NEST_CH_MAX_LEVEL + 2, 255,
		65535, UINT32_MAX,
	};

	(void)r;
	d->level = bad[kn_below(g->prng, sizeof(bad) / sizeof(bad[0]))];
}

void kn_chb_rep_level9(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		       struct kn_chan_fuzz_case *c)
{
	kn_chan_fuzz_rep_bad(g, call, c, 0, level9, NULL, -KVM_NEST_EINVAL);
}

/* Contexts on a doll that the child does not run itself. */
static void ctx_deep(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r,
		     struct kn_ch_doll *d)
{
	unsigned int j = (unsigned int)kn_below(g->prng, r->n);

	while (r->level[j] == KVM_NEST_CH_MAX_LEVEL)
		j--;		/* the first doll is at level 1 */
	d->parent = r->id[j];
	d->level = r->level[j] + 1U;
	d->nr_self = (unsigned int)kn_below(g->prng, 3);
	d->nr_nested = d->nr_self ? (unsigned int)kn_below(g->prng, 3) : 1;
}

void kn_chb_rep_ctx_deep(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
			 struct kn_chan_fuzz_case *c)
{
	kn_chan_fuzz_rep_bad(g, call, c, 1, ctx_deep, NULL, -KVM_NEST_EINVAL);
}

/* One of ID, PARENT and LEVEL left out. */
static void missing(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r,
		    struct kn_ch_doll *d)
{
	static const uint16_t needed[] = {
		KVM_NEST_A_DOLL_ID, KVM_NEST_A_DOLL_PARENT, KVM_NEST_A_DOLL_LEVEL,
	};

	(void)r;
	d->have &= ~KN_CH_HAVE(needed[kn_below(g->prng, 3)]);
}

void kn_chb_rep_missing(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
			struct kn_chan_fuzz_case *c)
{
	kn_chan_fuzz_rep_bad(g, call, c, 0, missing, NULL, -KVM_NEST_EINVAL);
}
