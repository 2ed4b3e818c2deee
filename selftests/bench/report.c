// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kn_tap.h"
#include "report.h"

void knb_series_add(struct knb_series *s, double v)
{
	if (s->n == KNB_MAX_REPS)
		kn_bail("more than %d repetitions", KNB_MAX_REPS);
	s->v[s->n++] = v;
}

void knb_twon_add(struct knb_twon *t, double loop1, double loop2)
{
	if (t->n == KNB_MAX_REPS)
		kn_bail("more than %d repetitions", KNB_MAX_REPS);
	t->loop1[t->n] = loop1;
	t->loop2[t->n++] = loop2;
}

void knb_twon_samples(const struct knb_twon *t, uint64_t n1, uint64_t n2,
		      struct knb_series *out)
{
	struct knb_series icept = { 0 };
	double f;

	for (unsigned int i = 0; i < t->n; i++)
		knb_series_add(&icept, (n2 * t->loop1[i] - n1 * t->loop2[i]) / (n2 - n1));
	f = knb_median(&icept);
	/*
	 * Every loop of n1 holds F and n1 ops: F above the cheapest one
	 * means disturbed loops of n1 set the median, and would make
	 * samples of undisturbed loops of n2 negative.
	 */
	for (unsigned int i = 0; i < t->n; i++)
		f = fmin(f, t->loop1[i]);
	for (unsigned int i = 0; i < t->n; i++)
		knb_series_add(out, (t->loop2[i] - f) / n2);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double knb_median(const struct knb_series *s)
{
	double v[KNB_MAX_REPS];

	if (!s->n)
		return 0;
	memcpy(v, s->v, s->n * sizeof(v[0]));
	qsort(v, s->n, sizeof(v[0]), cmp);
	return s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
}

double knb_min(const struct knb_series *s)
{
	double m = s->n ? s->v[0] : 0;

	for (unsigned int i = 1; i < s->n; i++)
		m = s->v[i] < m ? s->v[i] : m;
	return m;
}

double knb_max(const struct knb_series *s)
{
	double m = s->n ? s->v[0] : 0;

	for (unsigned int i = 1; i < s->n; i++)
		m = s->v[i] > m ? s->v[i] : m;
	return m;
}

void knb_json_series(FILE *f, const char *key, const struct knb_series *s)
{
	fprintf(f, ",\"%s\":{\"median\":%.4f,\"min\":%.4f,\"max\":%.4f,\"samples\":[",
		key, knb_median(s), knb_min(s), knb_max(s));
	for (unsigned int i = 0; i < s->n; i++)
		fprintf(f, "%s%.4f", i ? "," : "", s->v[i]);
	fputs("]}", f);
}

void knb_json_exits(FILE *f, const char *key, const struct knb_series *per_op,
		    const struct knb_exits *sum)
{
	double k = per_op->n ? 1.0 / per_op->n : 0;

	fprintf(f, ",\"%s\":{", key);
	/* The series helper writes a leading comma: give it a first member. */
	fprintf(f, "\"reflected\":%.4f,\"by_level\":{\"1\":%.4f,\"2\":%.4f},\"by_code\":{",
		k * sum->reflected, k * sum->level[0], k * sum->level[1]);
	for (unsigned int i = 0, first = 1; i < sum->nr; i++) {
		/* Codes whose counts cancel out are noise, not cost. */
		if (fabs(k * sum->c[i].count) < 0.0005)
			continue;
		fprintf(f, "%s\"0x%lx\":%.4f", first ? "" : ",",
			(unsigned long)sum->c[i].code, k * sum->c[i].count);
		first = 0;
	}
	fputs("},\"census\":[", f);
	for (unsigned int i = 0, first = 1; i < sum->nr_census; i++) {
		const struct knb_census *c = &sum->census[i];

		if (fabs(k * c->count) < 0.0005)
			continue;
		fprintf(f, "%s{\"ctx\":\"0x%lx\",\"code\":\"0x%lx\",\"kind\":\"%s\",\"detail\":\"0x%lx\",\"per_op\":%.4f}",
			first ? "" : ",", (unsigned long)c->ctx, (unsigned long)c->code,
			!c->kind ? "all" : c->kind < KN_CENSUS_KINDS ?
			kn_census_kinds[c->kind] : "overflow",
			(unsigned long)c->detail, k * c->count);
		first = 0;
	}
	fputc(']', f);
	knb_json_series(f, "per_op", per_op);
	fputc('}', f);
}
