// SPDX-License-Identifier: GPL-2.0
#include "exits.h"
#include "kn_tap.h"
#include "report.h"

static double *slot(struct knb_exits *e, uint64_t code)
{
	for (unsigned int i = 0; i < e->nr; i++)
		if (e->c[i].code == code)
			return &e->c[i].count;
	if (e->nr == KNB_MAX_CODES)
		kn_bail("more than %d distinct exit codes", KNB_MAX_CODES);
	e->c[e->nr].code = code;
	e->c[e->nr].count = 0;
	return &e->c[e->nr++].count;
}

static double *census_slot(struct knb_exits *e, const struct knb_census *k)
{
	struct knb_census *c = e->census;

	for (unsigned int i = 0; i < e->nr_census; i++)
		if (c[i].ctx == k->ctx && c[i].code == k->code &&
		    c[i].kind == k->kind && c[i].detail == k->detail)
			return &c[i].count;
	if (e->nr_census == KNB_MAX_CENSUS)
		kn_bail("more than %d distinct census entries", KNB_MAX_CENSUS);
	c[e->nr_census] = *k;
	c[e->nr_census].count = 0;
	return &c[e->nr_census++].count;
}

/* The census of doll @d: its exits by code, then by detail. */
static void census_of(const struct kn_dolls *ds, const struct kn_doll *d,
		      struct knb_exits *e)
{
	struct knb_census k = { .ctx = d->ctx };

	for (unsigned int j = 0; j < ds->nr_exits; j++) {
		if (ds->e[j].doll != d->id)
			continue;
		k.code = ds->e[j].code;
		*census_slot(e, &k) += ds->e[j].count;
	}
	for (unsigned int j = 0; j < ds->nr_census; j++) {
		const struct kn_doll_census *c = &ds->c[j];

		if (c->doll != d->id)
			continue;
		k = (struct knb_census){ .ctx = d->ctx, .code = c->code,
					 .kind = c->kind, .detail = c->detail };
		/* Overflow has no code of its own: keep it apart from the codes' totals. */
		if (c->kind == KN_CENSUS_OVERFLOW)
			k.kind = KN_CENSUS_KINDS;
		*census_slot(e, &k) += c->count;
	}
}

void knb_exits_of(const struct kn_dolls *ds, pid_t pid, struct knb_exits *e)
{
	const struct kn_doll *l1;

	*e = (struct knb_exits){ 0 };
	if (kn_dolls_find(ds, 1, KN_ANY, pid, &l1) != 1)
		return;
	for (unsigned int i = 0; i < ds->nr; i++) {
		const struct kn_doll *d = &ds->d[i];

		/*
		 * This kernel's own counts: the VM and its nested contexts (ctx
		 * dolls). Dolls that the VM's kvm-nest reported over the channel
		 * (level >= 2 without a ctx) carry that kernel's counts instead.
		 */
		if (d != l1 && !(d->level == 2 && d->parent == l1->id && d->ctx))
			continue;
		e->level[d->level - 1] += d->exits;
		e->total += d->exits;
		e->reflected += d->reflected;
		for (unsigned int j = 0; j < ds->nr_exits; j++)
			if (ds->e[j].doll == d->id)
				*slot(e, ds->e[j].code) += ds->e[j].count;
		census_of(ds, d, e);
	}
}

void knb_exits_add(struct knb_exits *acc, const struct knb_exits *a,
		   const struct knb_exits *b, double scale)
{
	acc->total += scale * (a->total - b->total);
	for (int l = 0; l < 2; l++)
		acc->level[l] += scale * (a->level[l] - b->level[l]);
	acc->reflected += scale * (a->reflected - b->reflected);
	for (unsigned int i = 0; i < a->nr; i++)
		*slot(acc, a->c[i].code) += scale * a->c[i].count;
	for (unsigned int i = 0; i < b->nr; i++)
		*slot(acc, b->c[i].code) -= scale * b->c[i].count;
	for (unsigned int i = 0; i < a->nr_census; i++)
		*census_slot(acc, &a->census[i]) += scale * a->census[i].count;
	for (unsigned int i = 0; i < b->nr_census; i++)
		*census_slot(acc, &b->census[i]) -= scale * b->census[i].count;
}

void knb_exits_rep(const struct knb_exits s[3], uint64_t n1, uint64_t n2,
		   struct knb_exits *acc, struct knb_twon *t)
{
	double scale = 1.0 / (double)(n2 - n1);

	/* (s2 - s1) - (s1 - s0) */
	knb_exits_add(acc, &s[2], &s[1], scale);
	knb_exits_add(acc, &s[0], &s[1], scale);
	knb_twon_add(t, s[1].total - s[0].total, s[2].total - s[1].total);
}
