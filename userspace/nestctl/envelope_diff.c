// SPDX-License-Identifier: GPL-2.0-only
/*
 * envelope diff FILE: what applying a doll tree file would change
 * (Documentation/plans/apply.md).  One line per managed field of a running
 * doll that differs, in the order an apply would take them, then one per
 * doll of the file that does not run:
 *   web/db cpu.limit 2.000 -> 1.000
 *   web/cache not running
 * Exit 0 when nothing differs, 1 when something does (as diff(1) does),
 * 2 on a bad file or any other trouble.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_file.h"
#include "apply_resolve.h"
#include "env_args.h"
#include "envelope.h"
#include "plan.h"

/* A doll tree file is small; this bounds what a typo (a disk image) costs. */
#define NC_APPLY_FILE_MAX	(1 << 20)

/* The whole of path ("-": stdin) as a string; NULL after an error. */
static char *nc_read_text(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t n = 0, cap = 4096;
	char *buf;

	if (!f) {
		nc_error("cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = nc_xrealloc(NULL, cap, 1);
	while (!feof(f) && !ferror(f) && n <= NC_APPLY_FILE_MAX) {
		if (n + 1 == cap)
			buf = nc_grow(buf, &cap, n + 1, 1);
		n += fread(buf + n, 1, cap - n - 1, f);
	}
	buf[n] = '\0';
	if (ferror(f) || n > NC_APPLY_FILE_MAX || memchr(buf, '\0', n)) {
		nc_error("%s: %s", path, ferror(f) ? "read error" :
			 n > NC_APPLY_FILE_MAX ? "larger than 1 MiB: not a doll tree file" :
			 "has a NUL byte: not a JSON text");
		free(buf);
		buf = NULL;
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

/* One side of a change: text bare ("2.000", "max", "all"), JSON under key. */
static void nc_diff_value(struct nc_print *p, const struct nc_env *e, unsigned int field,
			  const char *key)
{
	bool set = e->has & field;

	switch (field) {
	case NC_ENV_CPU_LIMIT:
	case NC_ENV_MEM_LIMIT:
		if (nc_plan_value(e, field) == UINT64_MAX)
			nc_pr_unset(p, NULL, "max", key);
		else if (field == NC_ENV_CPU_LIMIT)
			nc_pr_milli(p, NC_ANY | NC_BARE, NULL, key, e->cpu_limit);
		else
			nc_pr_size(p, NC_ANY | NC_BARE, NULL, key, e->mem_limit);
		break;
	case NC_ENV_CPU_RESERVE:
		nc_pr_milli(p, NC_ANY | NC_BARE, NULL, key, nc_plan_value(e, field));
		break;
	case NC_ENV_MEM_RESERVE:
		nc_pr_size(p, NC_ANY | NC_BARE, NULL, key, nc_plan_value(e, field));
		break;
	case NC_ENV_CPU_WEIGHT:
		nc_pr_uint(p, NC_ANY | NC_BARE, key,
			   set && e->cpu_weight ? e->cpu_weight : NC_WEIGHT_DEFAULT);
		break;
	default:
		nc_pr_str(p, NC_TEXT | NC_BARE, NULL, set && *e->cpus ? e->cpus : "all");
		nc_pr_str(p, NC_JSON, key, set ? e->cpus : "");
	}
}

static void nc_diff_print(struct nc_print *p, const struct nc_apply_file *f,
			  const struct nc_apply_match *m, const struct nc_plan_doll *pd,
			  const struct nc_plan_step *steps, int nr)
{
	nc_pr_open_obj(p, NULL);
	nc_pr_open_arr(p, "changes");
	for (int i = 0; i < nr; i++) {
		const struct nc_plan_step *s = &steps[i];

		nc_pr_open_obj(p, NULL);
		nc_pr_str(p, NC_ANY | NC_BARE, "path", f->dolls[s->doll].path);
		nc_pr_uint(p, NC_JSON, "doll", m[s->doll].doll->id);
		nc_pr_str(p, NC_ANY | NC_BARE, "field", nc_env_word(s->field));
		nc_diff_value(p, &pd[s->doll].cur, s->field, "from");
		nc_pr_str(p, NC_TEXT | NC_BARE, NULL, "->");
		nc_diff_value(p, &pd[s->doll].want, s->field, "to");
		nc_pr_close_obj(p);
		nc_pr_nl(p);
	}
	nc_pr_close_arr(p);
	nc_pr_open_arr(p, "missing");
	for (unsigned int i = 0; i < f->n; i++) {
		if (m[i].doll)
			continue;
		nc_pr_open_obj(p, NULL);
		nc_pr_str(p, NC_ANY | NC_BARE, "path", f->dolls[i].path);
		nc_pr_str(p, NC_TEXT | NC_BARE, NULL, "not running");
		nc_pr_close_obj(p);
		nc_pr_nl(p);
	}
	nc_pr_close_arr(p);
	nc_pr_close_obj(p);
}

/* A running doll's envelope and the file's, for plan.c; none if it does not run. */
static void nc_diff_dolls(const struct nc_apply_file *f, const struct nc_apply_match *m,
			  struct nc_plan_doll *pd)
{
	for (unsigned int i = 0; i < f->n; i++) {
		const struct nc_doll *d = m[i].doll;

		pd[i] = (struct nc_plan_doll){ .parent = f->dolls[i].parent,
					       .want = f->dolls[i].want };
		if (!d)
			pd[i].cur = pd[i].want;	/* nothing to change where none runs */
		else if (d->has & NC_HAS_ENV)
			pd[i].cur = d->env;
	}
}

int nc_envelope_diff(struct nc_ctx *ctx, int argc, char **argv)
{
	struct nc_apply_file f = { 0 };
	struct nc_apply_match *m = NULL;
	struct nc_plan_doll *pd = NULL;
	struct nc_plan_step *steps = NULL;
	struct nc_dolls set = { 0 };
	int rc = NC_USAGE, nr, err;
	unsigned int missing = 0;
	char *text;

	if (!argc)
		return nc_usage_error("envelope", "diff needs a FILE (\"-\" reads stdin)");
	if (argc > 1)
		return nc_usage_error("envelope", "diff takes one FILE, not \"%s\" too", argv[1]);
	text = nc_read_text(argv[0]);
	if (!text || nc_apply_file_parse(argv[0], text, &f))
		goto out;
	if (nc_ctx_nl(ctx))
		goto out;
	err = nc_dolls_dump(&ctx->nl, &set);
	if (err) {
		nc_nl_report(&ctx->nl, err, "doll dump");
		goto out;
	}
	m = nc_xcalloc(f.n ? f.n : 1, sizeof(*m));
	pd = nc_xcalloc(f.n ? f.n : 1, sizeof(*pd));
	/* Each doll changes each field at most once. */
	steps = nc_xcalloc(f.n * 6 + 1, sizeof(*steps));
	if (nc_apply_resolve(&f, &set, m))
		goto out;
	nc_diff_dolls(&f, m, pd);
	nr = nc_plan_order(pd, f.n, steps, f.n * 6 + 1);
	if (nr < 0) {
		nc_error("cannot order the changes: %s", strerror(-nr));
		goto out;
	}
	nc_diff_print(&ctx->pr, &f, m, pd, steps, nr);
	for (unsigned int i = 0; i < f.n; i++)
		missing += !m[i].doll;
	rc = nr || missing ? NC_ERR : NC_OK;
out:
	free(text);
	free(steps);
	free(pd);
	free(m);
	nc_dolls_free(&set);
	nc_apply_file_free(&f);
	return rc;
}
