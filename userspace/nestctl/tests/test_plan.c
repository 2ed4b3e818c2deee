// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_plan.c: the order of an apply's steps (plan.c).  A small model of
 * the kernels' admission (env/admit_res.c: a reserve at most its own limit,
 * limit and reserve at most what the parent's kernel has, siblings'
 * reserves summed at most what it can reserve) checks every state the
 * steps pass through, on hand-made trees and on random ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../plan.h"
#include "tap.h"

#define PLAN 16
#define MAX_DOLLS 10
#define CAP 4000		/* what L0 has of each resource */
#define RANDOM_TREES 3000

static const unsigned int res_limit[2] = { NC_ENV_CPU_LIMIT, NC_ENV_MEM_LIMIT };
static const unsigned int res_reserve[2] = { NC_ENV_CPU_RESERVE, NC_ENV_MEM_RESERVE };

static uint64_t limit_of(const struct nc_env *e, int r)
{
	uint64_t v = nc_plan_value(e, res_limit[r]);

	return v == UINT64_MAX ? 0 : v;
}

/* What the kernel hosting doll i's children has: its limit, else its parent's. */
static uint64_t cap_of(const struct nc_plan_doll *d, const struct nc_env *st, int i, int r)
{
	for (; i >= 0; i = d[i].parent)
		if (limit_of(&st[i], r))
			return limit_of(&st[i], r);
	return CAP;
}

/* Whether the whole tree in state st is admitted; why names the first breach. */
static bool admitted(const struct nc_plan_doll *d, const struct nc_env *st, int n, char *why)
{
	for (int r = 0; r < 2; r++) {
		for (int i = 0; i < n; i++) {
			uint64_t lim = limit_of(&st[i], r);
			uint64_t res = nc_plan_value(&st[i], res_reserve[r]);
			uint64_t cap = cap_of(d, st, d[i].parent, r);
			uint64_t resv = d[i].parent < 0 ? CAP :
					nc_plan_value(&st[d[i].parent], res_reserve[r]);
			uint64_t taken = 0;

			for (int j = 0; j < n; j++)
				if (d[j].parent == d[i].parent)
					taken += nc_plan_value(&st[j], res_reserve[r]);
			if (lim && res > lim)
				return sprintf(why, "doll %d res %d: reserve above limit", i, r), false;
			if ((lim > res ? lim : res) > cap)
				return sprintf(why, "doll %d res %d: above its parent's", i, r), false;
			if (taken > resv)
				return sprintf(why, "doll %d res %d: siblings' reserves", i, r), false;
		}
	}
	return true;
}

static void step_apply(const struct nc_plan_doll *d, struct nc_env *st, const struct nc_plan_step *s)
{
	const struct nc_env *w = &d[s->doll].want;
	struct nc_env *e = &st[s->doll];

	e->has |= s->field;
	switch (s->field) {
	case NC_ENV_CPU_LIMIT:
		e->cpu_limit = w->cpu_limit;
		break;
	case NC_ENV_MEM_LIMIT:
		e->mem_limit = w->mem_limit;
		break;
	case NC_ENV_CPU_RESERVE:
		e->cpu_reserve = w->cpu_reserve;
		break;
	case NC_ENV_MEM_RESERVE:
		e->mem_reserve = w->mem_reserve;
		break;
	case NC_ENV_CPU_WEIGHT:
		e->cpu_weight = w->cpu_weight;
		break;
	case NC_ENV_CPUS:
		memcpy(e->cpus, w->cpus, sizeof(e->cpus));
		break;
	}
}

/*
 * Run steps from the dolls' current state; 0 if every state on the way is
 * admitted and the end is what the file wants, else the failing step + 1.
 */
static int run_steps(const struct nc_plan_doll *d, int n, const struct nc_plan_step *s, int nr,
		     char *why)
{
	static struct nc_env st[MAX_DOLLS];

	for (int i = 0; i < n; i++)
		st[i] = d[i].cur;
	for (int k = 0; k < nr; k++) {
		step_apply(d, st, &s[k]);
		if (!admitted(d, st, n, why))
			return k + 1;
	}
	for (int i = 0; i < n; i++)
		for (unsigned int f = 1; f <= NC_ENV_MEM_RESERVE; f <<= 1)
			if ((d[i].want.has & f) &&
			    nc_plan_value(&st[i], f) != nc_plan_value(&d[i].want, f))
				return sprintf(why, "doll %d field %#x not as wanted", i, f), nr + 1;
	return 0;
}

static struct nc_plan_doll dolls[MAX_DOLLS];
static struct nc_plan_step steps[64];
static char why[128];

static void cpu(struct nc_env *e, uint32_t limit, uint32_t reserve)
{
	e->has |= NC_ENV_CPU_LIMIT | NC_ENV_CPU_RESERVE;
	e->cpu_limit = limit;
	e->cpu_reserve = reserve;
}

/* L1 web (limit 2, reserve 1) runs db (limit 2, reserve 1); the file shrinks both. */
static void shrink_case(void)
{
	int nr, bad;

	memset(dolls, 0, sizeof(dolls));
	dolls[0].parent = -1;
	dolls[1].parent = 0;
	cpu(&dolls[0].cur, 2000, 1000);
	cpu(&dolls[1].cur, 2000, 1000);
	cpu(&dolls[0].want, 1000, 500);
	cpu(&dolls[1].want, 500, 500);
	nr = nc_plan_order(dolls, 2, steps, 64);
	tap_ok(nr == 4, "shrinking web and db: 4 steps (got %d)", nr);
	tap_ok(nr == 4 && steps[0].doll == 1 && steps[0].field == NC_ENV_CPU_RESERVE &&
	       steps[1].doll == 1 && steps[1].field == NC_ENV_CPU_LIMIT && steps[2].doll == 0 &&
	       steps[2].field == NC_ENV_CPU_RESERVE && !steps[3].raise,
	       "db first (its reserve, then its limit), then web");
	bad = run_steps(dolls, 2, steps, nr, why);
	tap_ok(!bad, "every state on the way is admitted%s%s", bad ? ": " : "", bad ? why : "");

	/* The file's order, web first, is refused at its first step. */
	struct nc_plan_step naive[4] = {
		{ 0, NC_ENV_CPU_RESERVE, false }, { 0, NC_ENV_CPU_LIMIT, false },
		{ 1, NC_ENV_CPU_RESERVE, false }, { 1, NC_ENV_CPU_LIMIT, false },
	};
	bad = run_steps(dolls, 2, naive, 4, why);
	tap_ok(bad == 1, "the model refuses the file's order at step 1 (%d: %s)", bad, why);

	/* Growing back is the mirror image: web's limit, web's reserve, then db. */
	for (int i = 0; i < 2; i++) {
		struct nc_env t = dolls[i].cur;

		dolls[i].cur = dolls[i].want;
		dolls[i].want = t;
	}
	nr = nc_plan_order(dolls, 2, steps, 64);
	tap_ok(nr == 4 && steps[0].doll == 0 && steps[0].field == NC_ENV_CPU_LIMIT &&
	       steps[1].field == NC_ENV_CPU_RESERVE && steps[2].doll == 1 && steps[3].raise,
	       "growing: web's limit, web's reserve, then db's (%d steps)", nr);
	tap_ok(nr == 4 && !run_steps(dolls, 2, steps, nr, why), "every state admitted on the way up");
}

/*
 * db had no limit of its own under web's 2 CPUs; the file gives db 3 and
 * lifts web's: db's first limit is a rise (2 to 3), after web's.
 */
static void first_limit_case(void)
{
	int nr;

	memset(dolls, 0, sizeof(dolls));
	dolls[0].parent = -1;
	dolls[1].parent = 0;
	cpu(&dolls[0].cur, 2000, 0);
	cpu(&dolls[1].cur, 0, 0);
	cpu(&dolls[0].want, 0, 0);
	cpu(&dolls[1].want, 3000, 0);
	nr = nc_plan_order(dolls, 2, steps, 64);
	tap_ok(nr == 2 && steps[0].doll == 0 && steps[1].doll == 1 && steps[1].raise &&
	       !run_steps(dolls, 2, steps, nr, why),
	       "a first limit above the parent's: a rise, after the parent's (%d steps)", nr);
}

static void edge_cases(void)
{
	int nr;

	memset(dolls, 0, sizeof(dolls));
	dolls[0].parent = -1;
	cpu(&dolls[0].cur, 1500, 0);
	dolls[0].want = dolls[0].cur;
	tap_ok(nc_plan_order(dolls, 1, steps, 64) == 0, "the same envelope: nothing to change");

	dolls[0].want.has = NC_ENV_CPU_WEIGHT;
	dolls[0].want.cpu_weight = NC_WEIGHT_DEFAULT;
	tap_ok(nc_plan_order(dolls, 1, steps, 64) == 0,
	       "weight 100 where none is set: the default, nothing to change");

	dolls[0].want.has = NC_ENV_MEM_LIMIT;
	dolls[0].want.mem_limit = 0;
	tap_ok(nc_plan_order(dolls, 1, steps, 64) == 0, "mem.limit max where none is set: nothing");

	dolls[0].want.has = NC_ENV_CPU_LIMIT;
	dolls[0].want.cpu_limit = 0;
	nr = nc_plan_order(dolls, 1, steps, 64);
	tap_ok(nr == 1 && steps[0].raise && steps[0].field == NC_ENV_CPU_LIMIT,
	       "cpu.limit max over 1.5: one raise; cpu.reserve, not in the file, untouched");

	dolls[0].want.has = NC_ENV_CPUS;
	snprintf(dolls[0].want.cpus, sizeof(dolls[0].want.cpus), "0-1");
	nr = nc_plan_order(dolls, 1, steps, 64);
	tap_ok(nr == 1 && steps[0].field == NC_ENV_CPUS, "a CPU set: one step (%d)", nr);

	dolls[1].parent = 1;
	tap_ok(nc_plan_order(dolls, 2, steps, 64) == -EINVAL, "a doll its own parent: -EINVAL");
	dolls[1].parent = -2;
	tap_ok(nc_plan_order(dolls, 2, steps, 64) == -EINVAL, "a parent index below -1: -EINVAL");

	dolls[1].parent = 0;
	cpu(&dolls[0].want, 500, 0);
	cpu(&dolls[1].want, 500, 0);
	tap_ok(nc_plan_order(dolls, 2, steps, 1) == -ENOSPC, "room for 1 step of 2: -ENOSPC");
}

/* A multiple of 500 in 0..hi: 0 is unset for a limit, none for a reserve. */
static uint32_t pick(uint64_t hi)
{
	return (uint32_t)(rand() % (hi / 500 + 1)) * 500;
}

/*
 * A random admitted state for the tree, into cur or want: each doll, after
 * its parent and elder siblings, picks a limit within what its parent's
 * kernel has and a reserve within its limit and what is left to reserve.
 */
static void random_state(int n, bool want)
{
	static struct nc_env st[MAX_DOLLS];

	memset(st, 0, sizeof(st));
	for (int i = 0; i < n; i++) {
		for (int r = 0; r < 2; r++) {
			int p = dolls[i].parent;
			uint64_t cap = cap_of(dolls, st, p, r), lim = pick(cap), left, res;

			left = p < 0 ? CAP : nc_plan_value(&st[p], res_reserve[r]);
			for (int j = 0; j < i; j++)
				if (dolls[j].parent == p)
					left -= nc_plan_value(&st[j], res_reserve[r]);
			res = pick(lim && lim < left ? lim : (cap < left ? cap : left));
			st[i].has |= res_limit[r] | res_reserve[r];
			if (r) {
				st[i].mem_limit = lim;
				st[i].mem_reserve = res;
			} else {
				st[i].cpu_limit = (uint32_t)lim;
				st[i].cpu_reserve = (uint32_t)res;
			}
		}
	}
	for (int i = 0; i < n; i++)
		*(want ? &dolls[i].want : &dolls[i].cur) = st[i];
}

static void random_trees(void)
{
	static struct nc_env st_cur[MAX_DOLLS];
	int failed = 0, steps_total = 0, first = -1;

	srand(20261207);
	for (int t = 0; t < RANDOM_TREES; t++) {
		int n = 2 + rand() % 5, nr;

		memset(dolls, 0, sizeof(dolls));
		for (int i = 0; i < n; i++)
			dolls[i].parent = i ? rand() % (i + 1) - 1 : -1;
		random_state(n, false);
		random_state(n, true);
		for (int i = 0; i < n; i++)
			st_cur[i] = dolls[i].cur;
		if (!admitted(dolls, st_cur, n, why)) {
			failed++;
			continue;
		}
		nr = nc_plan_order(dolls, n, steps, 64);
		if (nr < 0 || run_steps(dolls, n, steps, nr, why)) {
			failed++;
			if (first < 0)
				first = t;
		} else {
			steps_total += nr;
		}
	}
	tap_ok(!failed, "%d random trees of 2-6 dolls, admitted before and after: every step admitted, %d steps (%d failed, first %d%s%s)",
	       RANDOM_TREES, steps_total, failed, first, failed ? ": " : "", failed ? why : "");
}

int main(void)
{
	tap_plan(PLAN);
	shrink_case();
	first_limit_case();
	edge_cases();
	random_trees();
	return tap_done(PLAN);
}
