// SPDX-License-Identifier: GPL-2.0-only
/*
 * envelope show: this kernel's own envelope (info-get), then a table of the
 * dolls' envelopes and their usage as measured here (doll-get dump).
 *   show          self, then every doll that has an envelope, then the
 *                 pending envelopes (when this user may read them)
 *   show DOLL     that doll and the dolls inside it
 *   show self     this kernel only
 * Nested contexts that no kvm-nest reports have no envelope: not listed.
 */
#include <errno.h>
#include <string.h>

#include "envelope.h"
#include "ident.h"
#include "info.h"
#include "pending.h"

enum {
	C_DOLL, C_LEVEL, C_NAME, C_CPU_LIMIT, C_CPU_RESERVE, C_WEIGHT, C_CPUS,
	C_MEM_LIMIT, C_MEM_RESERVE, C_CPU_USED, C_MEM_USED, C_STATE, C_N
};

static const char *const nc_col_title[C_N] = {
	"DOLL", "LEVEL", "NAME", "CPU.LIMIT", "CPU.RESERVE", "WEIGHT", "CPUS",
	"MEM.LIMIT", "MEM.RESERVE", "CPU.USED", "MEM.USED", "STATE",
};

static void nc_self_print(struct nc_print *p, const struct nc_info *in)
{
	static const struct nc_env unset;

	nc_pr_open_obj(p, "self");
	nc_pr_str(p, NC_TEXT | NC_BARE, NULL, "self");
	nc_pr_uint(p, NC_ANY, "depth", in->depth);
	nc_pr_bool(p, NC_ANY, "agent", in->agent);
	nc_pr_bool(p, NC_ANY, "overcommitted", in->overcommitted);
	nc_pr_nl(p);
	nc_pr_indent(p, 1);
	/* Depth 0 has no parent: no envelope, nothing measured from below. */
	nc_pr_open_obj(p, "envelope");
	nc_pr_str(p, NC_TEXT | NC_BARE, NULL, "envelope");
	nc_env_print(p, in->has_env ? &in->env : &unset);
	nc_pr_close_obj(p);
	nc_pr_nl(p);
	nc_pr_indent(p, 1);
	nc_pr_open_obj(p, "usage");
	nc_pr_str(p, NC_TEXT | NC_BARE, NULL, "usage");
	if (in->has_usage) {
		nc_pr_milli(p, NC_ANY, "cpu", "cpu", in->usage_cpu);
		nc_pr_bytes(p, NC_ANY, "mem", in->usage_mem);
	} else {
		nc_pr_unset(p, "cpu", "-", "cpu");
		nc_pr_unset(p, "mem", "-", "mem");
	}
	nc_pr_close_obj(p);
	nc_pr_nl(p);
	nc_pr_indent(p, 1);
	nc_pr_open_obj(p, "capacity");
	nc_pr_str(p, NC_TEXT | NC_BARE, NULL, "capacity");
	nc_pr_milli(p, NC_ANY, "cpu", "cpu", in->cap_cpu);
	nc_pr_size(p, NC_ANY, "mem", "mem", in->cap_mem);
	nc_pr_close_obj(p);
	nc_pr_open_obj(p, "reserved");
	nc_pr_str(p, NC_TEXT | NC_BARE, NULL, "reserved");
	if (in->has_resv) {
		nc_pr_milli(p, NC_ANY, "cpu", "cpu", in->resv_cpu);
		nc_pr_size(p, NC_ANY, "mem", "mem", in->resv_mem);
	} else {
		nc_pr_unset(p, "cpu", "-", "cpu");
		nc_pr_unset(p, "mem", "-", "mem");
	}
	nc_pr_close_obj(p);
	nc_pr_nl(p);
	nc_pr_close_obj(p);
}

static unsigned int nc_max(unsigned int a, size_t b)
{
	return b > a ? (unsigned int)b : a;
}

static void nc_table_widths(const struct nc_dolls *set, const struct nc_doll *root,
			    unsigned int *w)
{
	for (unsigned int c = 0; c < C_N; c++)
		w[c] = (unsigned int)strlen(nc_col_title[c]);
	w[C_CPU_LIMIT] = nc_max(w[C_CPU_LIMIT], 9);
	w[C_MEM_LIMIT] = nc_max(w[C_MEM_LIMIT], 10);
	w[C_MEM_RESERVE] = nc_max(w[C_MEM_RESERVE], 10);
	for (size_t i = 0; i < set->n; i++) {
		const struct nc_doll *d = &set->v[i];

		if (root && !nc_doll_within(d, root))
			continue;
		w[C_DOLL] = nc_max(w[C_DOLL], strlen(d->path));
		w[C_NAME] = nc_max(w[C_NAME], d->name ? strlen(d->name) : 1);
		w[C_CPUS] = nc_max(w[C_CPUS], strlen(d->env.cpus));
	}
	w[C_STATE] = nc_max(w[C_STATE], strlen("overcommitted"));
}

static void nc_table_row(struct nc_print *p, const struct nc_doll *d)
{
	if (!nc_pr_open_obj(p, NULL))
		return;
	nc_pr_str(p, NC_TEXT, "doll", d->path);
	nc_pr_uint(p, NC_JSON, "id", d->id);
	nc_pr_str(p, NC_JSON, "path", d->path);
	nc_pr_uint(p, NC_ANY, "level", d->level);
	nc_pr_uint(p, NC_JSON, "parent", d->parent);
	if (d->name)
		nc_pr_str(p, NC_ANY, "name", d->name);
	else
		nc_pr_str(p, NC_TEXT, "name", "-");
	nc_pr_open_obj(p, "envelope");
	nc_env_print(p, &d->env);
	nc_pr_close_obj(p);
	nc_pr_open_obj(p, "usage");
	if (d->has & NC_HAS_USAGE) {
		nc_pr_milli(p, NC_ANY, "cpu.used", "cpu", d->usage_cpu);
		nc_pr_bytes(p, NC_ANY, "mem", d->usage_mem);
	} else {
		nc_pr_unset(p, "cpu.used", "-", "cpu");
		nc_pr_unset(p, "mem", "-", "mem");
	}
	nc_pr_close_obj(p);
	/* Its dolls reserve more than its envelope: the parent lowered it. */
	nc_pr_str(p, NC_TEXT, "state", d->overcommitted ? "overcommitted" : "ok");
	nc_pr_bool(p, NC_JSON, "overcommitted", d->overcommitted);
	nc_pr_nl(p);
	nc_pr_close_obj(p);
}

/* root: only it and the dolls inside it; NULL for every doll. */
static void nc_table_print(struct nc_print *p, const struct nc_dolls *set,
			   const struct nc_doll *root)
{
	unsigned int w[C_N];

	nc_table_widths(set, root, w);
	nc_pr_table(p, w, C_N);
	for (unsigned int c = 0; c < C_N; c++)
		nc_pr_str(p, NC_TEXT, NULL, nc_col_title[c]);
	nc_pr_nl(p);
	if (nc_pr_open_arr(p, "dolls")) {
		for (size_t i = 0; i < set->n; i++) {
			const struct nc_doll *d = &set->v[i];

			if ((d->has & NC_HAS_ENV) && (!root || nc_doll_within(d, root)))
				nc_table_row(p, d);
		}
		nc_pr_close_arr(p);
	}
	nc_pr_table(p, NULL, 0);
}

static int nc_self_get(struct nc_ctx *ctx, struct nc_info *in)
{
	int err = nc_info_get(&ctx->nl, in);

	if (err)
		return nc_nl_report(&ctx->nl, err, "info");
	if (!in->has_depth)
		return nc_error("this kvm-nest module has no envelopes; load one that matches this nestctl");
	return NC_OK;
}

/* One line each: pending NAME [ uuid UUID ] [ doll ID ] FIELDS... */
static void nc_pending_print(struct nc_print *p, const struct nc_pendings *set)
{
	nc_pr_open_arr(p, "pending");
	for (size_t i = 0; i < set->n; i++) {
		const struct nc_pending *e = &set->v[i];

		nc_pr_open_obj(p, NULL);
		nc_pr_str(p, NC_TEXT | NC_BARE, NULL, "pending");
		nc_pr_str(p, NC_TEXT | NC_BARE, NULL, e->name);
		nc_pr_str(p, NC_JSON, "name", e->name);
		if (e->uuid[0])
			nc_pr_str(p, NC_ANY, "uuid", e->uuid);
		if (e->doll)
			nc_pr_uint(p, NC_ANY, "doll", e->doll);
		nc_pr_open_obj(p, "envelope");
		nc_env_print(p, &e->env);
		nc_pr_close_obj(p);
		nc_pr_close_obj(p);
		nc_pr_nl(p);
	}
	nc_pr_close_arr(p);
}

/* The pending envelopes, or none for a user who may not read them. */
static int nc_pending_get(struct nc_ctx *ctx, struct nc_pendings *set)
{
	int err = nc_pendings_dump(&ctx->nl, set);

	if (err == -EPERM) {
		set->n = 0;
		return NC_OK;
	}
	return err ? nc_nl_report(&ctx->nl, err, "pending envelopes") : NC_OK;
}

int nc_envelope_show(struct nc_ctx *ctx, int argc, char **argv)
{
	const struct nc_doll *root = NULL;
	struct nc_dolls set = { 0 };
	struct nc_pendings pend = { 0 };
	bool self = argc && nc_is(argv[0], "self");
	struct nc_info in;
	int rc, err;

	if (argc > 1)
		return nc_unknown_arg("envelope", argv[1]);
	rc = nc_ctx_nl(ctx);
	if (!rc && (self || !argc))
		rc = nc_self_get(ctx, &in);
	if (!rc && argc && !self) {
		rc = nc_doll_lookup(&ctx->nl, argv[0], &set, &root);
	} else if (!rc && !self) {
		err = nc_dolls_dump(&ctx->nl, &set);
		if (err)
			rc = nc_nl_report(&ctx->nl, err, "doll dump");
		if (!rc)
			rc = nc_pending_get(ctx, &pend);
	}
	if (!rc) {
		nc_pr_open_obj(&ctx->pr, NULL);
		if (self || !argc)
			nc_self_print(&ctx->pr, &in);
		if (!self)
			nc_table_print(&ctx->pr, &set, root);
		if (!self && !argc)
			nc_pending_print(&ctx->pr, &pend);
		nc_pr_close_obj(&ctx->pr);
	}
	nc_pendings_free(&pend);
	nc_dolls_free(&set);
	return rc;
}
