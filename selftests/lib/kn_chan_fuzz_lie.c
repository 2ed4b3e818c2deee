// SPDX-License-Identifier: GPL-2.0
/* Reports whose attributes lie about their lengths, types or contents. */
#include "kn_chan_fuzz_int.h"

/* The end of the nest of doll @k. */
static size_t doll_end(struct kn_chan_fuzz_rep *r, unsigned int k)
{
	return r->off[k] + NLA_ALIGN(kn_nla_at(&r->b, r->off[k])->nla_len);
}

/* A report of valid dolls, to be broken after it is written. */
static struct kn_chan_fuzz_rep *valid(struct kn_chan_fuzz *g, unsigned int *k)
{
	struct kn_chan_fuzz_rep *r = kn_chan_fuzz_rep_new();
	unsigned int n = (unsigned int)kn_range(g->prng, 1, 8);
	struct kn_ch_doll d;

	for (unsigned int i = 0; i < n; i++) {
		kn_chan_fuzz_doll(g, r, &d, false);
		kn_chan_fuzz_rep_open(r, &d);
		kn_chan_fuzz_rep_close(r);
	}
	*k = (unsigned int)kn_below(g->prng, n);
	return r;
}

static void owe_einval(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r,
		       struct kn_hypercall_call *call, struct kn_chan_fuzz_case *c)
{
	kn_chan_fuzz_rep_commit(g, r, call, c);
	c->expect = -KVM_NEST_EINVAL;
}

/* Cut inside a doll: what is left of it claims more than there is. */
void kn_chb_rep_trunc(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		      struct kn_chan_fuzz_case *c)
{
	unsigned int k;
	struct kn_chan_fuzz_rep *r = valid(g, &k);

	r->b.len = kn_range(g->prng, r->off[k] + 1, doll_end(r, k) - 1);
	owe_einval(g, r, call, c);
}

/* The last doll claims bytes past the end of the buffer. */
void kn_chb_rep_past(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		     struct kn_chan_fuzz_case *c)
{
	unsigned int k;
	struct kn_chan_fuzz_rep *r = valid(g, &k);
	struct nlattr *a = kn_nla_at(&r->b, r->off[r->n - 1]);

	a->nla_len = (uint16_t)(a->nla_len + kn_range(g->prng, 4, 1000));
	owe_einval(g, r, call, c);
}

/*
 * Where the data of doll @k's last attribute ends, relative to its nest:
 * a nest may leave out the padding after that, as any attribute may.
 */
static uint16_t doll_data_end(struct kn_chan_fuzz_rep *r, unsigned int k)
{
	size_t off = r->off[k] + NLA_HDRLEN, end = doll_end(r, k), last = off;

	for (; off < end; off += NLA_ALIGN(kn_nla_at(&r->b, off)->nla_len))
		last = off;
	return (uint16_t)(last + kn_nla_at(&r->b, last)->nla_len - r->off[k]);
}

/*
 * Doll @k's nest claims fewer bytes than its attributes take, or more. A
 * shorter nest must cut into an attribute: one that only drops the last
 * attribute's padding (a name's) is still a valid report.
 */
void kn_chb_rep_nest_lie(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
			 struct kn_chan_fuzz_case *c)
{
	unsigned int k;
	struct kn_chan_fuzz_rep *r = valid(g, &k);
	struct nlattr *a = kn_nla_at(&r->b, r->off[k]);

	if (k + 1 < r->n && kn_one_in(g->prng, 2))
		a->nla_len = (uint16_t)(a->nla_len +
					kn_range(g->prng, 1, doll_end(r, k + 1) - doll_end(r, k)));
	else
		a->nla_len = (uint16_t)kn_below(g->prng, doll_data_end(r, k));
	owe_einval(g, r, call, c);
}

/* 1 to 8 bytes after the last doll: not an attribute. */
void kn_chb_rep_trail(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
		      struct kn_chan_fuzz_case *c)
{
	unsigned int k;
	struct kn_chan_fuzz_rep *r = valid(g, &k);
	uint8_t junk[8];
	size_t len = kn_range(g->prng, 1, sizeof(junk));

	kn_rand_bytes(g->prng, junk, len);
	kn_nla_raw(&r->b, junk, len);
	owe_einval(g, r, call, c);
}

/* A doll under another top-level type, or without NLA_F_NESTED. */
void kn_chb_rep_toptype(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,
			struct kn_chan_fuzz_case *c)
{
	static const uint16_t types[] = { 0, 2, 3, 64, 65, 0x3fff };
	unsigned int k;
	struct kn_chan_fuzz_rep *r = valid(g, &k);
	struct nlattr *a = kn_nla_at(&r->b, r->off[k]);

	if (kn_one_in(g->prng, 3))
		a->nla_type = KVM_NEST_CH_A_DOLL;
	else
		a->nla_type = types[kn_below(g->prng, sizeof(types) / sizeof(types[0]))] |
			      (kn_one_in(g->prng, 2) ? NLA_F_NESTED : 0);
	owe_einval(g, r, call, c);
}

/* The attributes that kn_chan_fuzz_rep_bad() adds to a doll's nest. */
static void add_inner_past(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r)
{
	size_t off = kn_nla_u32(&r->b, KVM_NEST_A_DOLL_PID, 1);

	kn_nla_at(&r->b, off)->nla_len += (uint16_t)kn_range(g->prng, 4, 100);
}

/* No policy for these inside a doll: reply-only, padding, or beyond. */
static void add_unknown(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r)
{
	static const uint16_t types[] = {
		KVM_NEST_A_DOLL_UNSPEC, KVM_NEST_A_DOLL_PAD, KVM_NEST_A_DOLL_PATH,
		KVM_NEST_A_DOLL_CTX, KVM_NEST_A_DOLL_EXIT, KVM_NEST_A_DOLL_KIND,
		KVM_NEST_A_DOLL_RUNS, KVM_NEST_A_DOLL_MEASURED_EXITS,
		KVM_NEST_A_DOLL_MAX + 1, KVM_NEST_CH_A_CTX_SELF - 1,
		KVM_NEST_CH_A_CTX_NESTED + 1, 0x3fff,
	};
	struct kn_prng *p = g->prng;
	uint64_t v = kn_rand(p);
	uint16_t type = types[kn_below(p, sizeof(types) / sizeof(types[0]))];

	if (kn_one_in(p, 4))
		type |= NLA_F_NESTED;
	kn_nla_put(&r->b, type, &v, kn_one_in(p, 2) ? 4 : 8);
}

/* A known attribute with a payload of the wrong size. */
static void add_size(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r)
{
	static const uint16_t u32s[] = {
		KVM_NEST_A_DOLL_ID, KVM_NEST_A_DOLL_PARENT, KVM_NEST_A_DOLL_LEVEL,
		KVM_NEST_A_DOLL_PID, KVM_NEST_A_DOLL_VCPUS,
	};
	static const uint16_t u64s[] = {
		KVM_NEST_A_DOLL_MEM, KVM_NEST_A_DOLL_GUEST_NS,
		KVM_NEST_A_DOLL_EXITS, KVM_NEST_A_DOLL_REFLECTED,
		KVM_NEST_CH_A_CTX_SELF, KVM_NEST_CH_A_CTX_NESTED,
	};
	static const uint8_t u32_bad[] = { 0, 1, 2, 3, 5, 6, 7, 8, 12 };
	static const uint8_t u64_bad[] = { 0, 1, 4, 7, 9, 12, 16 };
	struct kn_prng *p = g->prng;
	uint8_t v[16] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };

	if (kn_one_in(p, 8))		/* an empty name: not even a NUL */
		kn_nla_put(&r->b, KVM_NEST_A_DOLL_NAME, v, 0);
	else if (kn_one_in(p, 2))
		kn_nla_put(&r->b, u32s[kn_below(p, sizeof(u32s) / sizeof(u32s[0]))], v,
			   u32_bad[kn_below(p, sizeof(u32_bad))]);
	else
		kn_nla_put(&r->b, u64s[kn_below(p, sizeof(u64s) / sizeof(u64s[0]))], v,
			   u64_bad[kn_below(p, sizeof(u64_bad))]);
}

/* A name without its NUL, up to the longest the parent takes plus one. */
static void add_nonul(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r)
{
	size_t len = kn_range(g->prng, 1, KN_CHAN_FUZZ_NAME_MAX + 1);

	kn_chan_fuzz_nonzero(g->prng, r->name, len);
	kn_nla_put(&r->b, KVM_NEST_A_DOLL_NAME, r->name, len);
}

/* A name longer than the parent takes, with or without its NUL. */
static void add_longname(struct kn_chan_fuzz *g, struct kn_chan_fuzz_rep *r)
{
	char name[201];
	size_t len = kn_range(g->prng, KN_CHAN_FUZZ_NAME_MAX + 1, 200);

	kn_chan_fuzz_nonzero(g->prng, name, len);
	name[len] = 0;
	kn_nla_put(&r->b, KVM_NEST_A_DOLL_NAME, name,
		   len + (kn_one_in(g->prng, 4) ? 0 : 1));
}

#define ADDING(fn)							\
void kn_chb_rep_##fn(struct kn_chan_fuzz *g, struct kn_hypercall_call *call,		\
		     struct kn_chan_fuzz_case *c)				\
{									\
	kn_chan_fuzz_rep_bad(g, call, c, 0, NULL, add_##fn, -KVM_NEST_EINVAL);	\
}
ADDING(inner_past)
ADDING(unknown)
ADDING(size)
ADDING(nonul)
ADDING(longname)
