// SPDX-License-Identifier: GPL-2.0-only
/*
 * The doll object: nestctl doll { show [ DOLL ] | tree | ping DOLL |
 * set DOLL delegate CLASS... { on | off } | help }.
 */
#include <stdio.h>

#include "deleg.h"
#include "doll.h"
#include "ident.h"
#include "nestctl.h"

static void nc_doll_usage(FILE *f)
{
	fputs("Usage: nestctl doll [ show [ DOLL ] ]\n"
	      "       nestctl doll tree\n"
	      "       nestctl doll ping DOLL\n"
	      "       nestctl doll set DOLL delegate CLASS... { on | off }\n"
	      "       nestctl doll help\n"
	      "DOLL := { ID | NAME | PATH }\n"
	      "CLASS := { cpuid | rdmsr | pause | all }\n"
	      "PATH := ids or names from level 1 down, joined by '/', e.g. 3/7 or web/7\n",
	      f);
}

void nc_doll_print_ident(struct nc_print *p, const struct nc_doll *d)
{
	nc_pr_uint(p, NC_JSON, "id", d->id);
	nc_pr_uint(p, NC_TEXT, "doll", d->id);
	nc_pr_str(p, NC_ANY, "path", d->path);
	nc_pr_uint(p, NC_ANY, "level", d->level);
	nc_pr_uint(p, NC_ANY, "parent", d->parent);
	/* Absent for a reader without CAP_NET_ADMIN (security.rst). */
	if (d->has & NC_HAS_PID)
		nc_pr_uint(p, NC_ANY, "pid", d->pid);
	if (d->name)
		nc_pr_str(p, NC_ANY, "name", d->name);
}

void nc_doll_print_size(struct nc_print *p, const struct nc_doll *d, bool human)
{
	if (d->has & NC_HAS_VCPUS)
		nc_pr_uint(p, NC_ANY, "vcpus", d->vcpus);
	if ((d->has & NC_HAS_MEM) && human)
		nc_pr_bytes(p, NC_ANY, "mem", d->mem);
	else if (d->has & NC_HAS_MEM)
		nc_pr_uint(p, NC_ANY, "mem", d->mem);
	if (d->has & NC_HAS_CTX)
		nc_pr_hex(p, NC_ANY, "ctx", d->ctx);
}

void nc_exits_print(struct nc_print *p, const struct nc_exit *e, size_t n,
		    unsigned int indent)
{
	if (!nc_pr_open_arr(p, "exit"))
		return;
	for (size_t i = 0; i < n; i++) {
		if (!nc_pr_open_obj(p, NULL))
			break;
		nc_pr_nl(p);
		nc_pr_indent(p, indent);
		nc_pr_str(p, NC_TEXT, "exit", e[i].reason);
		nc_pr_str(p, NC_JSON, "reason", e[i].reason);
		if (e[i].has_code) {
			nc_pr_hex(p, NC_TEXT, "code", e[i].code);
			nc_pr_uint(p, NC_JSON, "code", e[i].code);
		}
		nc_pr_uint(p, NC_ANY, "count", e[i].count);
		nc_pr_close_obj(p);
	}
	nc_pr_close_arr(p);
}

static void nc_doll_print(struct nc_print *p, const struct nc_doll *d)
{
	if (!nc_pr_open_obj(p, NULL))
		return;
	nc_doll_print_ident(p, d);
	nc_pr_nl(p);
	nc_pr_indent(p, 1);
	nc_doll_print_size(p, d, false);
	if (d->has & NC_HAS_STATS) {
		nc_pr_uint(p, NC_ANY, "guest_ns", d->guest_ns);
		nc_pr_uint(p, NC_ANY, "exits", d->exits);
		nc_pr_uint(p, NC_ANY, "reflected", d->reflected);
	}
	if (d->has & NC_HAS_DELEGATED)
		nc_pr_uint(p, NC_ANY, "delegated", d->delegated);
	if (d->has & NC_HAS_DELEG)
		nc_deleg_print(p, d->deleg_classes, d->deleg_off);
	else if (d->has & NC_HAS_DELEG_REPORTED)
		nc_deleg_print_reported(p, d->deleg_off);
	nc_exits_print(p, d->exit, d->n_exit, 1);
	nc_pr_nl(p);
	nc_pr_close_obj(p);
}

/* The doll named, fetched by id after resolving the name on a dump. */
static int nc_doll_show_one(struct nc_ctx *ctx, const char *ident)
{
	struct nc_dolls set = { 0 };
	const struct nc_doll *d;
	struct nc_doll one;
	int rc, err;

	rc = nc_doll_lookup(&ctx->nl, ident, &set, &d);
	if (rc)
		goto out;
	err = nc_doll_get(&ctx->nl, d->id, &one);
	if (err) {
		rc = nc_nl_report(&ctx->nl, err, "doll show");
		goto out;
	}
	nc_pr_open_arr(&ctx->pr, NULL);
	nc_doll_print(&ctx->pr, &one);
	nc_pr_close_arr(&ctx->pr);
	nc_doll_free(&one);
out:
	nc_dolls_free(&set);
	return rc;
}

static int nc_doll_show_all(struct nc_ctx *ctx)
{
	struct nc_dolls set = { 0 };
	int err;

	err = nc_dolls_dump(&ctx->nl, &set);
	if (err) {
		nc_dolls_free(&set);
		return nc_nl_report(&ctx->nl, err, "doll dump");
	}
	nc_pr_open_arr(&ctx->pr, NULL);
	for (size_t i = 0; i < set.n; i++)
		nc_doll_print(&ctx->pr, &set.v[i]);
	nc_pr_close_arr(&ctx->pr);
	nc_dolls_free(&set);
	return NC_OK;
}

static int nc_doll_show(struct nc_ctx *ctx, int argc, char **argv)
{
	int rc;

	if (argc > 1)
		return nc_unknown_arg("doll", argv[1]);
	rc = nc_ctx_nl(ctx);
	if (rc)
		return rc;
	return argc ? nc_doll_show_one(ctx, argv[0]) : nc_doll_show_all(ctx);
}

int nc_doll(struct nc_ctx *ctx, int argc, char **argv)
{
	static const struct nc_cmd cmds[] = {
		{ "show", nc_doll_show },
		{ "tree", nc_doll_tree },
		{ "ping", nc_doll_ping },
		{ "set", nc_doll_set },
	};
	static const struct nc_object obj = {
		"doll", nc_doll_usage, cmds, NC_ARRAY_SIZE(cmds), false
	};

	return nc_dispatch(ctx, &obj, argc, argv);
}
