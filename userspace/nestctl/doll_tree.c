// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestctl doll tree: every doll under its parent, with exit rates from two
 * dumps taken -i SECONDS apart (no rates with -i 0).
 */
#include <errno.h>
#include <time.h>

#include "doll.h"
#include "nestctl.h"

/* Deeper than any real tree: a guard against parent loops. */
#define NC_TREE_MAX_DEPTH	12

struct nc_tree {
	struct nc_print *p;
	const struct nc_dolls *now;
	const struct nc_dolls *before;	/* NULL: no rates */
	double dt;			/* seconds between the two dumps */
};

static double nc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nc_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Unknown for a doll that is new, or whose counters were reset. */
static void nc_tree_rate(const struct nc_tree *t, const struct nc_doll *d)
{
	const struct nc_doll *old = nc_dolls_find(t->before, d->id);
	bool known = old && d->exits >= old->exits && t->dt > 0;
	double rate = known ? (double)(d->exits - old->exits) / t->dt : 0;

	nc_pr_rate(t->p, NC_ANY, "rate", known, (uint64_t)(rate + 0.5));
}

/* A root: level 1, or a doll whose parent is not in the dump. */
static bool nc_tree_is_root(const struct nc_tree *t, const struct nc_doll *d)
{
	return !d->parent || !nc_dolls_find(t->now, d->parent);
}

static void nc_tree_doll(const struct nc_tree *t, const struct nc_doll *d,
			 unsigned int depth)
{
	struct nc_print *p = t->p;

	if (!nc_pr_open_obj(p, NULL))
		return;
	nc_pr_indent(p, depth);
	nc_pr_str(p, NC_ANY | NC_BARE, "path", d->path);
	nc_pr_uint(p, NC_JSON, "id", d->id);
	if (d->name)
		nc_pr_str(p, NC_ANY, "name", d->name);
	nc_pr_uint(p, NC_ANY, "level", d->level);
	if (d->has & NC_HAS_PID)
		nc_pr_uint(p, NC_JSON, "pid", d->pid);
	nc_doll_print_size(p, d, true);
	/* Counters are absent for a reader without CAP_NET_ADMIN. */
	if (d->has & NC_HAS_STATS) {
		nc_pr_uint(p, NC_ANY, "exits", d->exits);
		nc_pr_uint(p, NC_JSON, "reflected", d->reflected);
		if (t->before)
			nc_tree_rate(t, d);
	}
	nc_pr_nl(p);
	if (nc_pr_open_arr(p, "children")) {
		for (size_t i = 0; i < t->now->n && depth < NC_TREE_MAX_DEPTH; i++) {
			const struct nc_doll *c = &t->now->v[i];

			if (c->parent == d->id && c != d)
				nc_tree_doll(t, c, depth + 1);
		}
		nc_pr_close_arr(p);
	}
	nc_pr_close_obj(p);
}

static int nc_tree_sample(struct nc_ctx *ctx, struct nc_dolls *set, double *t)
{
	int err = nc_dolls_dump(&ctx->nl, set);

	*t = nc_now();
	return err ? nc_nl_report(&ctx->nl, err, "doll dump") : NC_OK;
}

int nc_doll_tree(struct nc_ctx *ctx, int argc, char **argv)
{
	struct nc_dolls before = { 0 }, now = { 0 };
	struct nc_tree t = { .p = &ctx->pr, .now = &now };
	double t0 = 0, t1;
	int rc;

	if (argc)
		return nc_unknown_arg("doll", argv[0]);
	rc = nc_ctx_nl(ctx);
	if (!rc && ctx->interval_ms) {
		rc = nc_tree_sample(ctx, &before, &t0);
		t.before = &before;
		if (!rc)
			nc_sleep_ms(ctx->interval_ms);
	}
	if (!rc)
		rc = nc_tree_sample(ctx, &now, &t1);
	if (!rc) {
		t.dt = t1 - t0;
		nc_pr_open_arr(&ctx->pr, NULL);
		for (size_t i = 0; i < now.n; i++)
			if (nc_tree_is_root(&t, &now.v[i]))
				nc_tree_doll(&t, &now.v[i], 0);
		nc_pr_close_arr(&ctx->pr);
	}
	nc_dolls_free(&before);
	nc_dolls_free(&now);
	return rc;
}
