// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestctl: the kvm-nest control tool, iproute2 style.
 *   nestctl [ OPTIONS ] OBJECT { COMMAND | help }
 * Options come before the object; keywords match in full.  See nestctl.8.
 */
#include <stdio.h>

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
	      "       OPTIONS := { -j | --json | -p | --pretty |\n"
	      "                    -i SECONDS | --interval SECONDS }\n"
	      "Exit status: 0 success, 1 error, 2 bad usage.\n", f);
}

int nc_dispatch(struct nc_ctx *ctx, const struct nc_object *obj, int argc,
		char **argv)
{
	if (argc && nc_is(argv[0], "help")) {
		obj->usage(stdout);
		return NC_OK;
	}
	for (size_t i = 0; argc && i < obj->n_cmds; i++)
		if (obj->cmds[i].name && nc_is(argv[0], obj->cmds[i].name))
			return obj->cmds[i].run(ctx, argc - 1, argv + 1);
	if (argc && !obj->default_takes_word)
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

		if (nc_is(a, "-j") || nc_is(a, "--json")) {
			json = true;
		} else if (nc_is(a, "-p") || nc_is(a, "--pretty")) {
			pretty = true;
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
	if (nc_is(argv[0], "help")) {
		nc_usage(stdout);
		return NC_OK;
	}
	for (size_t k = 0; k < NC_ARRAY_SIZE(nc_objects); k++)
		if (nc_is(argv[0], nc_objects[k].name))
			return nc_objects[k].run(ctx, argc - 1, argv + 1);
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
