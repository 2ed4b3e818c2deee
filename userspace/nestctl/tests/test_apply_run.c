// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_apply_run.c: an apply's steps all or nothing (apply_run.c).  A fake
 * kernel keeps each doll's envelope and refuses the call we choose: every
 * step of a three-level tree refused in turn must leave every envelope as
 * it was, set back newest first; a refused setting back is left and said.
 */
#include <stdio.h>
#include <string.h>

#include "../apply_run.h"
#include "tap.h"

#define PLAN 9
#define NR_DOLLS 4
#define MAX_STEPS (NR_DOLLS * 6)

/* The fake kernel: envelopes, the calls seen, the one it refuses. */
struct fake {
	struct nc_env env[NR_DOLLS];
	int calls;
	unsigned long long refuse;	/* a bit per call index */
	int undo_order[MAX_STEPS];	/* doll*8+field bit of each undo */
	int undos;
};

static int field_bit(unsigned int field)
{
	return __builtin_ctz(field);
}

static void merge(struct nc_env *e, const struct nc_env *to)
{
	nc_apply_copy(e, to, to->has);
}

static int fake_set(void *data, const struct nc_plan_step *s, const struct nc_env *to, bool undo)
{
	struct fake *k = data;

	if (k->refuse >> k->calls++ & 1)
		return 1;
	if (__builtin_popcount(to->has) != 1 || to->has != s->field)
		return 1;	/* one field per step, the step's */
	if (undo)
		k->undo_order[k->undos++] = (int)s->doll * 8 + field_bit(s->field);
	merge(&k->env[s->doll], to);
	return 0;
}

/* Values only: has says which fields a request sets, not what a doll holds. */
static bool same_values(const struct nc_env *a, const struct nc_env *b)
{
	return a->cpu_limit == b->cpu_limit && a->cpu_reserve == b->cpu_reserve &&
	       a->cpu_weight == b->cpu_weight && a->mem_limit == b->mem_limit &&
	       a->mem_reserve == b->mem_reserve && !strcmp(a->cpus, b->cpus);
}

/* L1 web; under it db and app; under db a cache. */
#define CPU_LR (NC_ENV_CPU_LIMIT | NC_ENV_CPU_RESERVE)
static struct nc_plan_doll tree[NR_DOLLS] = {
	{ .parent = -1,
	  .cur = { .has = CPU_LR, .cpu_limit = 2000, .cpu_reserve = 500 },
	  .want = { .has = CPU_LR, .cpu_limit = 1500, .cpu_reserve = 1000 } },
	{ .parent = 0,
	  .cur = { .has = NC_ENV_CPU_LIMIT | NC_ENV_MEM_LIMIT, .cpu_limit = 1000,
		   .mem_limit = 1ULL << 30 },
	  .want = { .has = NC_ENV_CPU_LIMIT | NC_ENV_MEM_LIMIT | NC_ENV_CPU_WEIGHT,
		    .cpu_limit = 800, .cpu_weight = 300 } },
	{ .parent = 0,
	  .want = { .has = NC_ENV_CPUS | NC_ENV_CPU_RESERVE, .cpu_reserve = 400,
		    .cpus = "0-1" } },
	{ .parent = 1,
	  .cur = { .has = NC_ENV_MEM_RESERVE, .mem_reserve = 1 << 20 },
	  .want = { .has = NC_ENV_MEM_RESERVE | NC_ENV_CPU_LIMIT, .cpu_limit = 500,
		    .mem_reserve = 2 << 20 } },
};

static void start(struct fake *k, unsigned long long refuse)
{
	memset(k, 0, sizeof(*k));
	k->refuse = refuse;
	for (int i = 0; i < NR_DOLLS; i++)
		k->env[i] = tree[i].cur;
}

/* Whether the fake kernel holds the file's values for every managed field. */
static bool holds_file(const struct fake *k)
{
	for (int i = 0; i < NR_DOLLS; i++) {
		struct nc_env want = tree[i].cur;

		for (unsigned int f = 1; f <= NC_ENV_MEM_RESERVE; f <<= 1) {
			struct nc_env one;

			if (!(tree[i].want.has & f))
				continue;
			nc_apply_field(&tree[i].want, f, &one);
			merge(&want, &one);
		}
		if (!same_values(&k->env[i], &want))
			return false;
	}
	return true;
}

/* Whether every doll is as it was, but for the one step given (or -1). */
static bool unchanged_but(const struct fake *k, const struct nc_plan_step *but)
{
	for (int i = 0; i < NR_DOLLS; i++) {
		struct nc_env was = tree[i].cur, one;

		if (but && but->doll == (unsigned int)i) {
			nc_apply_field(&tree[i].want, but->field, &one);
			merge(&was, &one);
		}
		if (!same_values(&k->env[i], &was))
			return false;
	}
	return true;
}

int main(void)
{
	struct nc_plan_step steps[MAX_STEPS];
	enum nc_step_state state[MAX_STEPS];
	struct fake k;
	struct nc_apply_ops ops = { fake_set, &k };
	struct nc_env one;
	int nr, r, bad_state = 0, bad_env = 0, bad_order = 0, stuck_bad = 0;

	tap_plan(PLAN);
	nr = nc_plan_order(tree, NR_DOLLS, steps, MAX_STEPS);
	tap_ok(nr == 9, "the tree has 9 changes (%d)", nr);

	start(&k, 0);
	r = nc_apply_steps(tree, steps, nr, &ops, state);
	for (int i = 0; i < nr; i++)
		bad_state += state[i] != NC_STEP_APPLIED;
	tap_ok(r == -1 && !bad_state && k.calls == nr,
	       "nothing refused: every step applied once (%d, %d calls)", r, k.calls);
	tap_ok(holds_file(&k), "and every doll holds the file's values, the rest untouched");

	/* Refuse each step in turn. */
	for (int refuse = 0; refuse < nr; refuse++) {
		start(&k, 1ULL << refuse);
		r = nc_apply_steps(tree, steps, nr, &ops, state);
		for (int i = 0; i < nr; i++) {
			enum nc_step_state want = i < refuse ? NC_STEP_UNDONE :
						  i == refuse ? NC_STEP_REFUSED : NC_STEP_NOT_TRIED;

			bad_state += r != refuse || state[i] != want;
		}
		bad_env += !unchanged_but(&k, NULL);
		for (int u = 0; u < k.undos; u++) {
			const struct nc_plan_step *s = &steps[refuse - 1 - u];

			bad_order += k.undo_order[u] != (int)s->doll * 8 + field_bit(s->field);
		}
		bad_order += k.undos != refuse;
	}
	tap_ok(!bad_state, "each step refused in turn: those before it set back, the rest not tried");
	tap_ok(!bad_env, "and every envelope is as it was, every time");
	tap_ok(!bad_order, "set back newest first, each once");

	/* The last step refused, and setting back the first refused too. */
	start(&k, 1ULL << (nr - 1) | 1ULL << (2 * nr - 2));
	r = nc_apply_steps(tree, steps, nr, &ops, state);
	stuck_bad = r != nr - 1 || state[0] != NC_STEP_STUCK;
	for (int i = 1; i < nr - 1; i++)
		stuck_bad += state[i] != NC_STEP_UNDONE;
	stuck_bad += !unchanged_but(&k, &steps[0]);
	tap_ok(!stuck_bad, "a refused setting back is left at the new value, the others still go back");

	nc_apply_field(&tree[2].cur, NC_ENV_CPUS, &one);
	tap_ok(one.has == NC_ENV_CPUS && !one.cpus[0], "an unset field is sent as unset (\"\")");
	start(&k, 1);
	r = nc_apply_steps(tree, steps, 0, &ops, state);
	tap_ok(r == -1 && !k.calls, "no steps: nothing sent");
	return tap_done(PLAN);
}
