// SPDX-License-Identifier: GPL-2.0
/* Valid reports, reports at their bounds, and the report builder itself. */
#include <string.h>

#include "kn_chan_fuzz_int.h"

/* Too big for the stack; the tests are single-threaded. */
static struct kn_chan_fuzz_rep the_rep;

struct kn_chan_fuzz_rep *kn_chan_fuzz_rep_new(void)
{
	struct kn_chan_fuzz_rep *r = &the_rep;

	r->n = 0;
	kn_nla_init(&r->b, r->buf, sizeof(r->buf));
	return r;
}

uint32_t kn_chan_fuzz_id(struct kn_prng *p, const struct kn_chan_fuzz_rep *r)
{
	for (;;) {
		/* Small ids now and then, as a real child has. */
		uint32_t id = (uint32_t)(kn_one_in(p, 2) ? kn_range(p, 1, 1000) :
					 kn_range(p, 1, UINT32_MAX));
		unsigned int i;

		for (i = 0; i < r->n && r->id[i] != id; i++)
			;
		if (i == r->n)
			return id;
	}
}

void kn_chan_fuzz_nonzero(struct kn_prng *p, char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)kn_range(p, 1, 255);
}

/* Printable, spaces, controls and bytes above 127; shown sanitized. */
static void name(struct kn_prng *p, char *buf, size_t max)
{
	size_t len = kn_below(p, max + 1);

	if (kn_one_in(p, 2))
		for (size_t i = 0; i < len; i++)
			buf[i] = (char)kn_range(p, '!', '~');
	else
		kn_chan_fuzz_nonzero(p, buf, len);
	buf[len] = 0;
}

static void contexts(struct kn_prng *p, uint64_t *ctx, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		ctx[i] = kn_one_in(p, 2) ? kn_below(p, 1UL << 32) & ~0xfffUL :
			 kn_rand(p);
}

void kn_chan_fuzz_doll(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r, struct kn_ch_doll *d,
		 bool small)
{
	struct kn_prng *p = g->prng;
	unsigned int j;

	memset(d, 0, sizeof(*d));
	d->id = kn_chan_fuzz_id(p, r);
	d->level = 1;
	if (r->n && !kn_one_in(p, 3)) {
		/* Often below the last one, so that trees get deep. */
		j = kn_one_in(p, 2) ? r->n - 1 : (unsigned int)kn_below(p, r->n);
		if (r->level[j] < KVM_NEST_CH_MAX_LEVEL) {
			d->parent = r->id[j];
			d->level = r->level[j] + 1U;
		}
	}
	d->have = KN_CH_NEEDED | ((uint32_t)kn_rand(p) & KN_CH_ALL);
	d->pid = (uint32_t)kn_rand(p);
	d->vcpus = (uint32_t)kn_rand(p);
	d->mem = kn_rand(p);
	d->guest_ns = kn_rand(p);
	d->exits = kn_rand(p);
	d->reflected = kn_rand(p);
	name(p, r->name, small ? 8 : KN_CHAN_FUZZ_NAME_MAX);
	d->name = r->name;
	d->self = r->ctx[0];
	d->nested = r->ctx[1];
	if (d->level == 1 && !small) {
		d->nr_self = (unsigned int)kn_below(p, 4);
		d->nr_nested = (unsigned int)kn_below(p, 4);
		contexts(p, r->ctx[0], d->nr_self);
		contexts(p, r->ctx[1], d->nr_nested);
	}
}

size_t kn_chan_fuzz_rep_open(struct kn_chan_fuzz_rep *r, const struct kn_ch_doll *d)
{
	size_t nest = kn_nla_nest(&r->b, KVM_NEST_CH_A_DOLL);

	kn_ch_doll_attrs(&r->b, d);
	r->id[r->n] = d->id;
	r->level[r->n] = (uint8_t)d->level;
	r->off[r->n++] = nest;
	return nest;
}

void kn_chan_fuzz_rep_close(struct kn_chan_fuzz_rep *r)
{
	kn_nla_end(&r->b, r->off[r->n - 1]);
}

void kn_chan_fuzz_rep_commit(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r,
		       struct kn_hypercall_call *call, struct kn_chan_fuzz_case *c)
{
	kn_chan_fuzz_report(call, c, kn_chan_fuzz_put(g, r->buf, r->b.len), r->b.len);
}

void kn_chan_fuzz_rep_valid(const struct kn_chan_fuzz_rep *r, struct kn_chan_fuzz_case *c)
{
	c->expect = 0;
	c->replaces = true;
	c->dolls = (uint16_t)r->n;
	for (unsigned int i = 0; i < r->n; i++)
		c->levels[r->level[i]]++;
}

/* @n random dolls; @fix and @add act on the one at index @k. */
static struct kn_chan_fuzz_rep *dolls(struct kn_chan_fuzz *g, unsigned int n, bool small,
				unsigned int k, kn_chan_fuzz_fix *fix, kn_chan_fuzz_add *add)
{
	struct kn_chan_fuzz_rep *r = kn_chan_fuzz_rep_new();
	struct kn_ch_doll d;

	for (unsigned int i = 0; i < n; i++) {
		kn_chan_fuzz_doll(g, r, &d, small);
		if (i == k && fix)
			fix(g, r, &d);
		kn_chan_fuzz_rep_open(r, &d);
		if (i == k && add)
			add(g, r);
		kn_chan_fuzz_rep_close(r);
	}
	return r;
}

struct kn_chan_fuzz_rep *kn_chan_fuzz_rep_bad(struct kn_chan_fuzz *g,
				  struct kn_hypercall_call *call,
				  struct kn_chan_fuzz_case *c, unsigned int first,
				  kn_chan_fuzz_fix *fix, kn_chan_fuzz_add *add,
				  int64_t expect)
{
	unsigned int n = (unsigned int)kn_range(g->prng, 2, 8);
	struct kn_chan_fuzz_rep *r;

	r = dolls(g, n, false, (unsigned int)kn_range(g->prng, first, n - 1),
		  fix, add);
	kn_chan_fuzz_rep_commit(g, r, call, c);
	c->expect = expect;
	return r;
}

void kn_chb_rep_ok(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		   struct kn_chan_fuzz_case *c)
{
	static const char inner_nul[] = "before\0after";
	struct kn_prng *p = g->prng;
	unsigned int n = (unsigned int)(kn_one_in(p, 8) ? kn_range(p, 25, 64) :
					kn_range(p, 1, 24));
	struct kn_chan_fuzz_rep *r = dolls(g, n, n > 24, UINT32_MAX, NULL, NULL);

	/*
	 * The last doll's nest ends the buffer, so it can take one more
	 * name: with a NUL inside, of which the parent keeps the start.
	 */
	if (kn_one_in(p, 4)) {
		kn_nla_put(&r->b, KVM_NEST_A_DOLL_NAME, inner_nul,
			   sizeof(inner_nul));
		kn_chan_fuzz_rep_close(r);
	}
	kn_chan_fuzz_rep_commit(g, r, call, c);
	kn_chan_fuzz_rep_valid(r, c);
}

/* The parent only reads a report: read-only memory will do. */
void kn_chb_rep_ro(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		   struct kn_chan_fuzz_case *c)
{
	unsigned int n = (unsigned int)kn_range(g->prng, 1, 24);
	struct kn_chan_fuzz_rep *r = dolls(g, n, false, UINT32_MAX, NULL, NULL);

	kn_chan_fuzz_report(call, c, kn_chan_fuzz_put_in(&g->ro, r->buf, r->b.len), r->b.len);
	kn_chan_fuzz_rep_valid(r, c);
}

static struct kn_chan_fuzz_rep *many(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
			       struct kn_chan_fuzz_case *c, unsigned int n,
			       kn_chan_fuzz_fix *fix)
{
	struct kn_chan_fuzz_rep *r = dolls(g, n, true,
				     (unsigned int)kn_range(g->prng, 1, n - 1),
				     fix, NULL);

	kn_chan_fuzz_rep_commit(g, r, call, c);
	return r;
}

void kn_chb_rep_256(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		    struct kn_chan_fuzz_case *c)
{
	kn_chan_fuzz_rep_valid(many(g, call, c, KVM_NEST_CH_MAX_DOLLS, NULL), c);
}

void kn_chb_rep_257(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		    struct kn_chan_fuzz_case *c)
{
	many(g, call, c, KVM_NEST_CH_MAX_DOLLS + 1, NULL);
	c->expect = -KVM_NEST_E2BIG;
}

static void id0(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r, struct kn_ch_doll *d)
{
	(void)g;
	(void)r;
	d->id = 0;
}

/* The policy (id >= 1) is checked before the number of dolls. */
void kn_chb_rep_257_id0(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
			struct kn_chan_fuzz_case *c)
{
	many(g, call, c, KVM_NEST_CH_MAX_DOLLS + 1, id0);
	c->expect = -KVM_NEST_EINVAL;
}

static void dup(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r, struct kn_ch_doll *d)
{
	d->id = r->id[kn_below(g->prng, r->n)];
}

/* The number of dolls is checked before the tree they make. */
void kn_chb_rep_257_dup(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
			struct kn_chan_fuzz_case *c)
{
	many(g, call, c, KVM_NEST_CH_MAX_DOLLS + 1, dup);
	c->expect = -KVM_NEST_E2BIG;
}

static void ctx64(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r, struct kn_ch_doll *d)
{
	d->parent = 0;
	d->level = 1;
	d->nr_self = d->nr_nested = KVM_NEST_CH_MAX_CTX;
	contexts(g->prng, r->ctx[0], KVM_NEST_CH_MAX_CTX + 1);
	contexts(g->prng, r->ctx[1], KVM_NEST_CH_MAX_CTX + 1);
}

static void ctx65(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r, struct kn_ch_doll *d)
{
	ctx64(g, r, d);
	if (kn_one_in(g->prng, 2))
		d->nr_self++;
	else
		d->nr_nested++;
}

void kn_chb_rep_ctx64(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		      struct kn_chan_fuzz_case *c)
{
	kn_chan_fuzz_rep_valid(kn_chan_fuzz_rep_bad(g, call, c, 0, ctx64, NULL, 0), c);
}

void kn_chb_rep_ctx65(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		      struct kn_chan_fuzz_case *c)
{
	kn_chan_fuzz_rep_bad(g, call, c, 0, ctx65, NULL, -KVM_NEST_E2BIG);
}

void kn_chb_rep_dup(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		    struct kn_chan_fuzz_case *c)
{
	kn_chan_fuzz_rep_bad(g, call, c, 1, dup, NULL, -KVM_NEST_EINVAL);
}

void kn_chb_rep_id0(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		    struct kn_chan_fuzz_case *c)
{
	kn_chan_fuzz_rep_bad(g, call, c, 0, id0, NULL, -KVM_NEST_EINVAL);
}
