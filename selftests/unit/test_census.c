// SPDX-License-Identifier: GPL-2.0-only
/*
 * census.c: every (code, detail) comes back from the table as it went in,
 * with its exact count, also when threads claim slots at once; what does
 * not fit is counted as overflow and nothing else is lost.
 */
#include <pthread.h>

#include "../../kvm-nest/census.h"
#include "../../kvm-nest/kvm/detail.h"
#include "tap.h"

#define PLAN 6
#define THREADS 4
#define PER_THREAD 20000

struct seen {
	unsigned int n;
	u32 code[KN_CENSUS_SLOTS];
	u64 detail[KN_CENSUS_SLOTS], count[KN_CENSUS_SLOTS];
};

static int collect(u32 code, u64 detail, u64 count, void *arg)
{
	struct seen *s = arg;

	if (s->n < KN_CENSUS_SLOTS) {
		s->code[s->n] = code;
		s->detail[s->n] = detail;
		s->count[s->n] = count;
	}
	s->n++;
	return 0;
}

static u64 count_of(const struct seen *s, u32 code, u64 detail)
{
	for (unsigned int i = 0; i < s->n && i < KN_CENSUS_SLOTS; i++)
		if (s->code[i] == code && s->detail[i] == detail)
			return s->count[i];
	return 0;
}

static struct kn_census shared;

/* Each thread adds the same 8 details, in its own order. */
static void *adder(void *arg)
{
	unsigned int t = (unsigned int)(unsigned long)arg;

	for (unsigned int i = 0; i < PER_THREAD; i++)
		kn_census_add(&shared, 0x7c,
			      KN_DETAIL(KN_DETAIL_MSR_READ, 0xc0000080 + (i + t) % 8));
	return NULL;
}

int main(void)
{
	static struct kn_census c;
	struct seen s = { 0 };
	pthread_t th[THREADS];
	unsigned int bad = 0;
	u64 total = 0;

	tap_plan(PLAN);
	kn_census_add(&c, 0x7c, KN_DETAIL(KN_DETAIL_MSR_READ, 0xc0000080));
	kn_census_add(&c, 0x7c, KN_DETAIL(KN_DETAIL_MSR_READ, 0xc0000080));
	kn_census_add(&c, 0x7c, KN_DETAIL(KN_DETAIL_MSR_WRITE, 0xc0000080));
	kn_census_add(&c, 0x17, KN_DETAIL(KN_DETAIL_VMCS_FIELD, 0x681c));
	kn_census_visit(&c, collect, &s);
	tap_ok(s.n == 3 && count_of(&s, 0x7c, KN_DETAIL(KN_DETAIL_MSR_READ, 0xc0000080)) == 2 &&
	       count_of(&s, 0x7c, KN_DETAIL(KN_DETAIL_MSR_WRITE, 0xc0000080)) == 1 &&
	       count_of(&s, 0x17, KN_DETAIL(KN_DETAIL_VMCS_FIELD, 0x681c)) == 1,
	       "a read, a write of one MSR and a VMCS field: 3 entries, their counts exact (%u entries)",
	       s.n);

	/* Fill the table: the 33rd distinct detail and later ones overflow. */
	for (u32 i = 0; i < KN_CENSUS_SLOTS + 5; i++)
		kn_census_add(&c, 0x7c, KN_DETAIL(KN_DETAIL_MSR_READ, 0x1000 + i));
	kn_census_add(&c, 0x7c, KN_DETAIL(KN_DETAIL_MSR_READ, 0xc0000080));
	s.n = 0;
	kn_census_visit(&c, collect, &s);
	tap_ok(s.n == KN_CENSUS_SLOTS, "a full table shows %d entries (%u)", KN_CENSUS_SLOTS, s.n);
	tap_ok(atomic64_read(&c.overflow) == 8,
	       "the details beyond the table are counted as overflow (%lld, expected 8)",
	       atomic64_read(&c.overflow));
	tap_ok(count_of(&s, 0x7c, KN_DETAIL(KN_DETAIL_MSR_READ, 0xc0000080)) == 3,
	       "a detail already in a full table is still counted (3)");

	for (unsigned long t = 0; t < THREADS; t++)
		pthread_create(&th[t], NULL, adder, (void *)t);
	for (unsigned int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	s.n = 0;
	kn_census_visit(&shared, collect, &s);
	for (unsigned int i = 0; i < s.n && i < KN_CENSUS_SLOTS; i++) {
		total += s.count[i];
		bad += s.code[i] != 0x7c || KN_DETAIL_KIND(s.detail[i]) != KN_DETAIL_MSR_READ ||
		       s.count[i] != THREADS * PER_THREAD / 8;
	}
	tap_ok(s.n == 8 && !bad, "%d threads at once: 8 entries, one slot each, %d counts each (%u entries, %u wrong)",
	       THREADS, THREADS * PER_THREAD / 8, s.n, bad);
	tap_ok(total == THREADS * PER_THREAD && !atomic64_read(&shared.overflow),
	       "no add lost and none overflowed (%llu of %d)", (unsigned long long)total,
	       THREADS * PER_THREAD);
	return tap_done(PLAN);
}
