// SPDX-License-Identifier: GPL-2.0-only
/*
 * A doll tree file against the running dolls (envelope_file.h): the file
 * parsed (apply_file.c), its paths resolved in one dump of the tree
 * (apply_resolve.c) and the pending envelopes, and the changes ordered
 * (plan.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env_args.h"
#include "envelope_file.h"

/* A doll tree file is small; this bounds what a typo (a disk image) costs. */
#define NC_APPLY_FILE_MAX	(1 << 20)
/* Each doll changes each of its six fields at most once. */
#define NC_STEPS_PER_DOLL	6

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

bool nc_env_file_by_name(const struct nc_env_file *ef, unsigned int i)
{
	return !ef->m[i].doll && ef->f.dolls[i].parent < 0;
}

/*
 * Each doll's envelope as it stands (a running doll's, a pending one's)
 * and the file's, for plan.c; a doll that cannot be managed changes nothing.
 */
static void nc_env_file_dolls(struct nc_env_file *ef)
{
	for (unsigned int i = 0; i < ef->f.n; i++) {
		const struct nc_doll *d = ef->m[i].doll;
		struct nc_plan_doll *pd = &ef->pd[i];

		*pd = (struct nc_plan_doll){ .parent = ef->f.dolls[i].parent,
					     .want = ef->f.dolls[i].want };
		if (nc_env_file_by_name(ef, i)) {
			ef->pend[i] = nc_pendings_find(&ef->pending, ef->f.dolls[i].name);
			if (ef->pend[i])
				pd->cur = ef->pend[i]->env;
		} else if (!d) {
			pd->cur = pd->want;
			ef->missing++;
		} else if (d->has & NC_HAS_ENV) {
			pd->cur = d->env;
		}
	}
}

int nc_env_file_load(struct nc_ctx *ctx, const char *path, struct nc_env_file *ef)
{
	unsigned int n, max;
	char *text;
	int err;

	*ef = (struct nc_env_file){ 0 };
	text = nc_read_text(path);
	if (!text)
		return NC_USAGE;
	err = nc_apply_file_parse(path, text, &ef->f);
	free(text);
	if (err || nc_ctx_nl(ctx))
		return NC_USAGE;
	err = nc_dolls_dump(&ctx->nl, &ef->run);
	if (err) {
		nc_nl_report(&ctx->nl, err, "doll dump");
		return NC_USAGE;
	}
	err = nc_pendings_dump(&ctx->nl, &ef->pending);
	if (err) {
		nc_nl_report(&ctx->nl, err, "pending envelopes");
		return NC_USAGE;
	}
	n = ef->f.n ? ef->f.n : 1;
	max = ef->f.n * NC_STEPS_PER_DOLL + 1;
	ef->m = nc_xcalloc(n, sizeof(*ef->m));
	ef->pd = nc_xcalloc(n, sizeof(*ef->pd));
	ef->pend = nc_xcalloc(n, sizeof(*ef->pend));
	ef->steps = nc_xcalloc(max, sizeof(*ef->steps));
	if (nc_apply_resolve(&ef->f, &ef->run, ef->m))
		return NC_USAGE;
	nc_env_file_dolls(ef);
	ef->nr = nc_plan_order(ef->pd, ef->f.n, ef->steps, max);
	if (ef->nr < 0) {
		nc_error("cannot order the changes: %s", strerror(-ef->nr));
		return NC_USAGE;
	}
	return NC_OK;
}

void nc_env_file_free(struct nc_env_file *ef)
{
	free(ef->steps);
	free(ef->pd);
	free(ef->pend);
	free(ef->m);
	nc_pendings_free(&ef->pending);
	nc_dolls_free(&ef->run);
	nc_apply_file_free(&ef->f);
	*ef = (struct nc_env_file){ 0 };
}

void nc_env_file_value(struct nc_print *p, const struct nc_env *e, unsigned int field,
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

void nc_env_file_step(struct nc_print *p, const struct nc_env_file *ef,
		      const struct nc_plan_step *s, bool undo)
{
	const struct nc_plan_doll *pd = &ef->pd[s->doll];

	nc_pr_str(p, NC_ANY | NC_BARE, "path", ef->f.dolls[s->doll].path);
	if (ef->m[s->doll].doll)
		nc_pr_uint(p, NC_JSON, "doll", ef->m[s->doll].doll->id);
	else
		nc_pr_bool(p, NC_JSON, "pending", true);
	nc_pr_str(p, NC_ANY | NC_BARE, "field", nc_env_word(s->field));
	nc_env_file_value(p, undo ? &pd->want : &pd->cur, s->field, "from");
	nc_pr_str(p, NC_TEXT | NC_BARE, NULL, "->");
	nc_env_file_value(p, undo ? &pd->cur : &pd->want, s->field, "to");
}
