// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stats object: exits per level and per reason.
 *   nestctl stats [ show ] [ DOLL ]   host-wide, or DOLL and the dolls in it
 *   nestctl stats reset [ DOLL ]      zero every doll's counters, or DOLL's
 * Host-wide, a level's dolls, exits and guest_ns are the kernel's totals
 * since the module was loaded (level-get); its reasons are summed over the
 * dolls present now, which the kernel keeps per doll only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/kvm_nest.h>

#include "attr.h"
#include "doll.h"
#include "ident.h"
#include "nestctl.h"

struct nc_level_sum {
	uint32_t level, dolls;
	bool has_totals;	/* exits, guest_ns: CAP_NET_ADMIN only */
	uint64_t exits, guest_ns, reflected;
	struct nc_exit *exit;	/* reason strings borrowed from the dump */
	size_t n_exit, cap_exit;
};

struct nc_stats {
	struct nc_level_sum *v;
	size_t n, cap;
};

static void nc_stats_usage(FILE *f)
{
	fputs("Usage: nestctl stats [ show ] [ DOLL ]\n"
	      "       nestctl stats reset [ DOLL ]\n"
	      "       nestctl stats help\n"
	      "DOLL := { ID | NAME | PATH }, see \"nestctl doll help\"\n", f);
}

static struct nc_level_sum *nc_stats_level(struct nc_stats *s, uint32_t level)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].level == level)
			return &s->v[i];
	s->v = nc_grow(s->v, &s->cap, s->n, sizeof(*s->v));
	s->v[s->n] = (struct nc_level_sum){ .level = level };
	return &s->v[s->n++];
}

static void nc_stats_add_exits(struct nc_level_sum *l, const struct nc_doll *d)
{
	for (size_t i = 0; i < d->n_exit; i++) {
		const struct nc_exit *e = &d->exit[i];
		size_t j;

		for (j = 0; j < l->n_exit; j++)
			if (l->exit[j].has_code == e->has_code &&
			    l->exit[j].code == e->code)
				break;
		if (j == l->n_exit) {
			l->exit = nc_grow(l->exit, &l->cap_exit, l->n_exit,
					  sizeof(*l->exit));
			l->exit[l->n_exit++] = (struct nc_exit){
				e->has_code, e->code, e->reason, 0
			};
		}
		l->exit[j].count += e->count;
	}
}

/* As the kernel's level totals: a context of a doll's guests is a level deeper. */
static void nc_stats_add_doll(struct nc_stats *s, const struct nc_doll *d)
{
	struct nc_level_sum *l = nc_stats_level(s, d->level + d->runs_nested);

	l->dolls++;
	l->exits += d->exits;
	l->guest_ns += d->guest_ns;
	l->reflected += d->reflected;
	nc_stats_add_exits(l, d);
}

static const enum mnl_attr_data_type nc_level_types[KVM_NEST_A_LEVEL_MAX + 1] = {
	[KVM_NEST_A_LEVEL_LEVEL] = MNL_TYPE_U32,
	[KVM_NEST_A_LEVEL_DOLLS] = MNL_TYPE_U32,
	[KVM_NEST_A_LEVEL_EXITS] = MNL_TYPE_U64,
	[KVM_NEST_A_LEVEL_GUEST_NS] = MNL_TYPE_U64,
};

static int nc_stats_level_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KVM_NEST_A_LEVEL_MAX + 1] = { 0 };
	struct nc_level_sum *l;

	if (nc_attrs_parse(nlh, sizeof(struct genlmsghdr), nc_level_types,
			   KVM_NEST_A_LEVEL_MAX, tb) || !tb[KVM_NEST_A_LEVEL_LEVEL])
		return -EBADMSG;
	l = nc_stats_level(data, mnl_attr_get_u32(tb[KVM_NEST_A_LEVEL_LEVEL]));
	l->dolls = nc_attr_u32(tb[KVM_NEST_A_LEVEL_DOLLS], 0);
	l->has_totals = tb[KVM_NEST_A_LEVEL_EXITS];
	l->exits = nc_attr_u64(tb[KVM_NEST_A_LEVEL_EXITS], 0);
	l->guest_ns = nc_attr_u64(tb[KVM_NEST_A_LEVEL_GUEST_NS], 0);
	return 0;
}

static void nc_stats_clear(void *data)
{
	struct nc_stats *s = data;

	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].exit);
	s->n = 0;
}

static void nc_stats_free(struct nc_stats *s)
{
	nc_stats_clear(s);
	free(s->v);
}

static int nc_level_cmp(const void *a, const void *b)
{
	const struct nc_level_sum *x = a, *y = b;

	return (x->level > y->level) - (x->level < y->level);
}

/* Tracked codes in order, then the bucket of untracked ones. */
static int nc_exit_cmp(const void *a, const void *b)
{
	const struct nc_exit *x = a, *y = b;

	if (x->has_code != y->has_code)
		return x->has_code ? -1 : 1;
	return (x->code > y->code) - (x->code < y->code);
}

/* root: the doll summed over, with its subtree; NULL host-wide. */
static void nc_stats_print(struct nc_print *p, struct nc_stats *s,
			   const struct nc_doll *root)
{
	qsort(s->v, s->n, sizeof(*s->v), nc_level_cmp);
	nc_pr_open_obj(p, NULL);
	if (root && nc_pr_open_obj(p, "doll")) {
		nc_doll_print_ident(p, root);
		nc_pr_nl(p);
		nc_pr_close_obj(p);
	}
	nc_pr_open_arr(p, "levels");
	for (size_t i = 0; i < s->n; i++) {
		struct nc_level_sum *l = &s->v[i];

		qsort(l->exit, l->n_exit, sizeof(*l->exit), nc_exit_cmp);
		nc_pr_open_obj(p, NULL);
		nc_pr_uint(p, NC_ANY, "level", l->level);
		nc_pr_uint(p, NC_ANY, "dolls", l->dolls);
		/* Absent for a reader without CAP_NET_ADMIN. */
		if (l->has_totals || (root && (root->has & NC_HAS_STATS))) {
			nc_pr_uint(p, NC_ANY, "exits", l->exits);
			nc_pr_uint(p, NC_ANY, "guest_ns", l->guest_ns);
		}
		if (root && (root->has & NC_HAS_STATS))
			nc_pr_uint(p, NC_ANY, "reflected", l->reflected);
		nc_exits_print(p, l->exit, l->n_exit, 1);
		nc_pr_nl(p);
		nc_pr_close_obj(p);
	}
	nc_pr_close_arr(p);
	nc_pr_close_obj(p);
}

static int nc_stats_host(struct nc_ctx *ctx, struct nc_dolls *set,
			 struct nc_stats *s)
{
	int err;

	err = nc_nl_dump(&ctx->nl, KVM_NEST_CMD_LEVEL_GET, nc_stats_level_cb,
			 nc_stats_clear, s);
	if (err)
		return nc_nl_report(&ctx->nl, err, "level dump");
	err = nc_dolls_dump(&ctx->nl, set);
	if (err)
		return nc_nl_report(&ctx->nl, err, "doll dump");
	for (size_t i = 0; i < set->n; i++)
		nc_stats_add_exits(nc_stats_level(s, set->v[i].level), &set->v[i]);
	return NC_OK;
}

static int nc_stats_show(struct nc_ctx *ctx, int argc, char **argv)
{
	struct nc_dolls set = { 0 };
	struct nc_stats s = { 0 };
	const struct nc_doll *root = NULL;
	int rc;

	if (argc > 1)
		return nc_unknown_arg("stats", argv[1]);
	rc = nc_ctx_nl(ctx);
	if (!rc && argc) {
		rc = nc_doll_lookup(&ctx->nl, argv[0], &set, &root);
		for (size_t i = 0; !rc && i < set.n; i++)
			if (nc_doll_within(&set.v[i], root))
				nc_stats_add_doll(&s, &set.v[i]);
	} else if (!rc) {
		rc = nc_stats_host(ctx, &set, &s);
	}
	if (!rc)
		nc_stats_print(&ctx->pr, &s, root);
	nc_stats_free(&s);
	nc_dolls_free(&set);
	return rc;
}

static int nc_stats_reset(struct nc_ctx *ctx, int argc, char **argv)
{
	struct nc_dolls set = { 0 };
	const struct nc_doll *d = NULL;
	struct nlmsghdr *nlh;
	int rc, err;

	if (argc > 1)
		return nc_unknown_arg("stats", argv[1]);
	rc = nc_ctx_nl(ctx);
	if (!rc && argc)
		rc = nc_doll_lookup_one(&ctx->nl, argv[0], &set, &d);
	if (!rc) {
		nlh = nc_nl_req(&ctx->nl, KVM_NEST_CMD_STATS_RESET,
				&nc_doll_attr_names);
		if (d)
			mnl_attr_put_u32(nlh, KVM_NEST_A_DOLL_ID, d->id);
		err = nc_nl_do(&ctx->nl, NULL, NULL);
		if (err)
			rc = nc_nl_report(&ctx->nl, err, "stats reset");
	}
	nc_dolls_free(&set);
	return rc;
}

int nc_stats(struct nc_ctx *ctx, int argc, char **argv)
{
	static const struct nc_cmd cmds[] = {
		{ "show", nc_stats_show },
		{ "reset", nc_stats_reset },
	};
	/* "stats web" is "stats show web". */
	static const struct nc_object obj = {
		"stats", nc_stats_usage, cmds, NC_ARRAY_SIZE(cmds), true
	};

	return nc_dispatch(ctx, &obj, argc, argv);
}
