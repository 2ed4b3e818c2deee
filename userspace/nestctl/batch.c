// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestctl -b FILE: one command per line, like ip -batch; "-" reads stdin.
 * Lines are split into words at blanks; '...' or "..." keep blanks in a
 * word; a word starting with '#' starts a comment.  Every line runs on the
 * same kvm_nest socket, so a long stream of changes costs one process.
 * The first failing line ends the batch with its status, unless -force:
 * then the batch goes on and exits 1 if any line failed.  Errors name the
 * line: "Error: FILE:LINE: ...".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nestctl.h"

struct nc_words {
	char **v;
	size_t n, cap;
};

/* Split line in place; a quote left open is a usage error (-1). */
static int nc_split(char *s, struct nc_words *w)
{
	w->n = 0;
	for (;;) {
		char *out, q = 0;

		s += strspn(s, " \t\r\n");
		if (!*s || *s == '#')
			return 0;
		w->v = nc_grow(w->v, &w->cap, w->n + 1, sizeof(*w->v));
		w->v[w->n++] = out = s;
		for (; *s && (q || !strchr(" \t\r\n", *s)); s++) {
			if (!q && (*s == '\'' || *s == '"'))
				q = *s;
			else if (q && *s == q)
				q = 0;
			else
				*out++ = *s;
		}
		if (q)
			return -1;
		if (*s)
			s++;
		*out = '\0';
	}
}

static FILE *nc_batch_open(const char *file)
{
	FILE *f = nc_is(file, "-") ? stdin : fopen(file, "re");

	if (!f)
		nc_error("cannot read batch file %s: %s", file, strerror(errno));
	return f;
}

int nc_batch(struct nc_ctx *ctx, const char *file, bool force)
{
	const struct nc_print pr = ctx->pr;
	struct nc_words w = { 0 };
	FILE *f = nc_batch_open(file);
	unsigned long line = 0;
	size_t cap = 0;
	char *buf = NULL;
	int rc = NC_OK;

	if (!f)
		return NC_ERR;
	while (getline(&buf, &cap, f) >= 0) {
		int r;

		nc_error_at(file, ++line);
		if (nc_split(buf, &w)) {
			r = nc_usage_error(NULL, "a quote is not closed");
		} else if (!w.n) {
			continue;
		} else {
			ctx->pr = pr;	/* each line prints a document of its own */
			r = nc_object_run(ctx, (int)w.n, w.v);
		}
		/* Output in order with the errors, line by line. */
		if (!nc_pr_flush(&ctx->pr) && !r)
			r = nc_error("cannot write the output");
		if (r && !force) {
			rc = r;
			break;
		}
		if (r)
			rc = NC_ERR;
	}
	nc_error_at(NULL, 0);
	if (ferror(f) && !rc)
		rc = nc_error("reading batch file %s failed", file);
	if (f != stdin)
		fclose(f);
	free(buf);
	free(w.v);
	return rc;
}
