// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestctl: the kvm-nest control tool, iproute2 style.
 *   nestctl [ OPTIONS ] OBJECT { COMMAND | help }
 * Options come before the object; objects and commands may be shortened
 * to a unique prefix (match.c), other keywords match in full.  nestctl.8.
 */
#include <stdio.h>

#include "match.h"
#include "nestctl.h"

#define NC_INTERVAL_MAX_S	3600

static const struct nc_cmd nc_objects[] = {
	{ "doll", nc_doll },
	{ "stats", nc_stats },
	{ "envelope", nc_envelope },
	{ "monitor", nc_monitor },
	{ "agent", nc_agent },
	{ "version", nc_version },
};

static void nc_usage(FILE *f)
{
	fputs("Usage: nestctl [ OPTIONS ] OBJECT { COMMAND | help }\n"
	      "       nestctl [ OPTIONS ] { -b | -batch } FILE [ -force ]\n"
	      "       nestctl [ -V | --version ] [ -h | --help ]\n"
	      "where  OBJECT := { doll | stats | envelope | monitor | agent | version }\n"
	      "       OPTIONS := { -j | -json | -p | -pretty | -t | -timestamp |\n"
	      "                    -i SECONDS | --interval SECONDS }\n"
	      "Exit status: 0 success, 1 error, 2 bad usage.\n", f);
}

int nc_dispatch(struct nc_ctx *ctx, const struct nc_object *obj, int argc,
		char **argv)
{
	const char *names[NC_CMDS_MAX + 1];
	size_t n = obj->n_cmds;
	char amb[128];
	int k;

	if (!argc)
		return obj->cmds[0].run(ctx, argc, argv);
	if (n > NC_CMDS_MAX)
		return nc_error("%s has %zu commands, more than NC_CMDS_MAX (a bug in nestctl; please report it)",
				obj->name, n);
	for (size_t i = 0; i < n; i++)
		names[i] = obj->cmds[i].name;
	names[n] = "help";
	k = nc_match(argv[0], names, n + 1, amb, sizeof(amb));
	if (k == (int)n) {
		obj->usage(stdout);
		return NC_OK;
	}
	if (k >= 0)
		return obj->cmds[k].run(ctx, argc - 1, argv + 1);
	if (k == NC_MATCH_AMBIGUOUS && obj->default_takes_word)
		return nc_usage_error(obj->name, "\"%s\" may be %s; type more of it (a doll so named: nestctl %s %s %s)",
				      argv[0], amb, obj->name, obj->cmds[0].name, argv[0]);
	if (k == NC_MATCH_AMBIGUOUS)
		return nc_usage_error(obj->name, "\"%s\" may be %s; type more of it",
				      argv[0], amb);
	if (!obj->default_takes_word)
		return nc_usage_error(obj->name, "unknown command \"%s\"", argv[0]);
	return obj->cmds[0].run(ctx, argc, argv);
}

int nc_ctx_nl(struct nc_ctx *ctx)
{
	if (ctx->nl_open)
		return NC_OK;
	if (nc_nl_open(&ctx->nl))
		return NC_ERR;
	ctx->nl_open = true;
	return NC_OK;
}

/* -b FILE [-force]: what nc_options found. */
struct nc_batch_opt {
	const char *file;
	bool force;
};

/* Options before the object; the index of the object, or -NC_* to exit. */
static int nc_options(struct nc_ctx *ctx, struct nc_batch_opt *b, int argc,
		      char **argv)
{
	bool json = false, pretty = false;
	int i;

	ctx->interval_ms = 1000;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (nc_is(a, "-j") || nc_is(a, "-json") || nc_is(a, "--json")) {
			json = true;
		} else if (nc_is(a, "-p") || nc_is(a, "-pretty") || nc_is(a, "--pretty")) {
			pretty = true;
		} else if (nc_is(a, "-t") || nc_is(a, "-timestamp")) {
			ctx->stamp = true;
		} else if (nc_is(a, "-i") || nc_is(a, "--interval")) {
			if (++i == argc)
				return -nc_usage_error(NULL, "%s needs SECONDS", a);
			if (!nc_parse_seconds(argv[i], NC_INTERVAL_MAX_S, &ctx->interval_ms))
				return -nc_usage_error(NULL, "%s wants seconds from 0 to %d, like 1 or 0.5, not \"%s\"",
						       a, NC_INTERVAL_MAX_S, argv[i]);
		} else if (nc_is(a, "-b") || nc_is(a, "-batch")) {
			if (++i == argc)
				return -nc_usage_error(NULL, "%s needs a FILE, or - for stdin", a);
			b->file = argv[i];
		} else if (nc_is(a, "-force")) {
			b->force = true;
		} else if (nc_is(a, "-V") || nc_is(a, "--version")) {
			printf("nestctl %s\n", NC_VERSION);
			return -NC_OK;
		} else if (nc_is(a, "-h") || nc_is(a, "--help")) {
			nc_usage(stdout);
			return -NC_OK;
		} else {
			return -nc_usage_error(NULL, "unknown option \"%s\"", a);
		}
	}
	nc_pr_init(&ctx->pr, stdout, json, pretty);
	return i;
}

int nc_object_run(struct nc_ctx *ctx, int argc, char **argv)
{
	const char *names[NC_ARRAY_SIZE(nc_objects) + 1];
	const size_t n = NC_ARRAY_SIZE(nc_objects);
	char amb[128];
	int k;

	for (size_t i = 0; i < n; i++)
		names[i] = nc_objects[i].name;
	names[n] = "help";
	k = nc_match(argv[0], names, n + 1, amb, sizeof(amb));
	if (k == (int)n) {
		nc_usage(stdout);
		return NC_OK;
	}
	if (k >= 0)
		return nc_objects[k].run(ctx, argc - 1, argv + 1);
	if (k == NC_MATCH_AMBIGUOUS)
		return nc_usage_error(NULL, "\"%s\" may be %s; type more of it", argv[0], amb);
	return nc_usage_error(NULL, "unknown object \"%s\"", argv[0]);
}

static int nc_run(struct nc_ctx *ctx, int argc, char **argv)
{
	struct nc_batch_opt b = { 0 };
	int i = nc_options(ctx, &b, argc, argv);

	if (i <= 0)
		return -i;
	if (b.file) {
		if (i < argc)
			return nc_usage_error(NULL, "a batch takes its commands from %s, not \"%s\"",
					      b.file, argv[i]);
		return nc_batch(ctx, b.file, b.force);
	}
	if (b.force)
		return nc_usage_error(NULL, "-force goes with -b FILE");
	if (i == argc) {
		nc_usage(stderr);
		return NC_USAGE;
	}
	return nc_object_run(ctx, argc - i, argv + i);
}

int main(int argc, char **argv)
{
	struct nc_ctx ctx = { 0 };
	int rc = nc_run(&ctx, argc, argv);

	if (ctx.nl_open)
		nc_nl_close(&ctx.nl);
	if ((fflush(stdout) || ferror(stdout)) && !rc)
		rc = nc_error("cannot write the output");
	return rc;
}
