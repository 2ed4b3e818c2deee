// SPDX-License-Identifier: GPL-2.0-only
/* The one print path: each field rendered as text or JSON by the mode. */
#include <inttypes.h>
#include <string.h>

#include "print.h"
#include "units.h"

void nc_pr_init(struct nc_print *p, FILE *out, bool json, bool pretty)
{
	*p = (struct nc_print){ .out = out, .json = json, .line_start = true };
	nc_json_init(&p->j, out, pretty);
}

void nc_pr_table(struct nc_print *p, const unsigned int *widths, unsigned int n)
{
	p->cols = n ? widths : NULL;
	p->n_cols = n;
	p->col = 0;
}

bool nc_pr_open_obj(struct nc_print *p, const char *key)
{
	return !p->json || nc_json_open(&p->j, key, '{');
}

void nc_pr_close_obj(struct nc_print *p)
{
	if (p->json)
		nc_json_close(&p->j, '}');
}

bool nc_pr_open_arr(struct nc_print *p, const char *key)
{
	return !p->json || nc_json_open(&p->j, key, '[');
}

void nc_pr_close_arr(struct nc_print *p)
{
	if (p->json)
		nc_json_close(&p->j, ']');
}

/*
 * One text field: separator, key, value; in a table the value alone,
 * padded to its column, so that lines of fields become rows.
 */
static void nc_pr_text(struct nc_print *p, int o, const char *key,
		       const char *val)
{
	if (p->json || !(o & NC_TEXT))
		return;
	if (!p->line_start)
		fputc(' ', p->out);
	p->line_start = false;
	if (p->cols) {
		unsigned int c = p->col++;
		int w = c + 1 < p->n_cols ? (int)p->cols[c] : 0;

		fprintf(p->out, "%-*s", w, val);
		return;
	}
	if (key && !(o & NC_BARE))
		fprintf(p->out, "%s ", key);
	fputs(val, p->out);
}

static bool nc_pr_json(const struct nc_print *p, int o)
{
	return p->json && (o & NC_JSON);
}

void nc_pr_uint(struct nc_print *p, int o, const char *key, uint64_t v)
{
	char buf[24];

	if (nc_pr_json(p, o)) {
		nc_json_uint(&p->j, key, v);
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	nc_pr_text(p, o, key, buf);
}

void nc_pr_hex(struct nc_print *p, int o, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%#" PRIx64, v);
	nc_pr_str(p, o, key, v ? buf : "0x0");
}

void nc_pr_str(struct nc_print *p, int o, const char *key, const char *s)
{
	if (nc_pr_json(p, o))
		nc_json_str(&p->j, key, s);
	else
		nc_pr_text(p, o, key, s);
}

void nc_pr_bytes(struct nc_print *p, int o, const char *key, uint64_t v)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double x = (double)v;
	unsigned int u = 0;
	char buf[32];

	if (nc_pr_json(p, o)) {
		nc_json_uint(&p->j, key, v);
		return;
	}
	if (v < 1024) {
		snprintf(buf, sizeof(buf), "%" PRIu64 "B", v);
	} else {
		for (x /= 1024; x >= 1024 && u + 1 < sizeof(units) / sizeof(units[0]); u++)
			x /= 1024;
		snprintf(buf, sizeof(buf), "%.1f%s", x, units[u]);
	}
	nc_pr_text(p, o, key, buf);
}

void nc_pr_rate(struct nc_print *p, int o, const char *key, bool known,
		uint64_t per_s)
{
	char buf[32];

	if (nc_pr_json(p, o)) {
		if (known)
			nc_json_uint(&p->j, key, per_s);
		else
			nc_json_null(&p->j, key);
		return;
	}
	if (known)
		snprintf(buf, sizeof(buf), "%" PRIu64 "/s", per_s);
	else
		snprintf(buf, sizeof(buf), "-");
	nc_pr_text(p, o, key, buf);
}

void nc_pr_milli(struct nc_print *p, int o, const char *tkey,
		 const char *jkey, uint64_t milli)
{
	char buf[32];

	if (nc_pr_json(p, o)) {
		nc_json_milli(&p->j, jkey, milli);
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64 ".%03u", milli / 1000,
		 (unsigned int)(milli % 1000));
	nc_pr_text(p, o, tkey, buf);
}

void nc_pr_size(struct nc_print *p, int o, const char *tkey,
		const char *jkey, uint64_t bytes)
{
	char buf[32];

	if (nc_pr_json(p, o)) {
		nc_json_uint(&p->j, jkey, bytes);
		return;
	}
	nc_fmt_size(buf, sizeof(buf), bytes);
	nc_pr_text(p, o, tkey, buf);
}

void nc_pr_unset(struct nc_print *p, const char *tkey, const char *word,
		 const char *jkey)
{
	if (p->json)
		nc_json_null(&p->j, jkey);
	else
		nc_pr_text(p, NC_TEXT, tkey, word);
}

void nc_pr_bool(struct nc_print *p, int o, const char *key, bool v)
{
	if (nc_pr_json(p, o))
		nc_json_bool(&p->j, key, v);
	else
		nc_pr_text(p, o, key, v ? "yes" : "no");
}

void nc_pr_nl(struct nc_print *p)
{
	if (p->json)
		return;
	fputc('\n', p->out);
	p->line_start = true;
	p->col = 0;
}

void nc_pr_indent(struct nc_print *p, unsigned int n)
{
	if (!p->json)
		fprintf(p->out, "%*s", (int)(2 * n), "");
}

bool nc_pr_flush(struct nc_print *p)
{
	return !fflush(p->out) && !ferror(p->out);
}
