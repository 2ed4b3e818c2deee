// SPDX-License-Identifier: GPL-2.0-only
/* The one print path: each field rendered as text or JSON by the mode. */
#include <inttypes.h>

#include "print.h"

void nc_pr_init(struct nc_print *p, FILE *out, bool json, bool pretty)
{
	*p = (struct nc_print){ .out = out, .json = json, .line_start = true };
	nc_json_init(&p->j, out, pretty);
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

/* Whether the field shows as text; if so, its separator and key are out. */
static bool nc_pr_text(struct nc_print *p, int o, const char *key)
{
	if (p->json || !(o & NC_TEXT))
		return false;
	if (!p->line_start)
		fputc(' ', p->out);
	p->line_start = false;
	if (key && !(o & NC_BARE))
		fprintf(p->out, "%s ", key);
	return true;
}

static bool nc_pr_json(const struct nc_print *p, int o)
{
	return p->json && (o & NC_JSON);
}

void nc_pr_uint(struct nc_print *p, int o, const char *key, uint64_t v)
{
	if (nc_pr_json(p, o))
		nc_json_uint(&p->j, key, v);
	else if (nc_pr_text(p, o, key))
		fprintf(p->out, "%" PRIu64, v);
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
	else if (nc_pr_text(p, o, key))
		fputs(s, p->out);
}

void nc_pr_bytes(struct nc_print *p, int o, const char *key, uint64_t v)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double x = (double)v;
	unsigned int u = 0;

	if (nc_pr_json(p, o)) {
		nc_json_uint(&p->j, key, v);
		return;
	}
	if (!nc_pr_text(p, o, key))
		return;
	if (v < 1024) {
		fprintf(p->out, "%" PRIu64 "B", v);
		return;
	}
	for (x /= 1024; x >= 1024 && u + 1 < sizeof(units) / sizeof(units[0]); u++)
		x /= 1024;
	fprintf(p->out, "%.1f%s", x, units[u]);
}

void nc_pr_rate(struct nc_print *p, int o, const char *key, bool known,
		uint64_t per_s)
{
	if (nc_pr_json(p, o)) {
		if (known)
			nc_json_uint(&p->j, key, per_s);
		else
			nc_json_null(&p->j, key);
	} else if (nc_pr_text(p, o, key)) {
		if (known)
			fprintf(p->out, "%" PRIu64 "/s", per_s);
		else
			fputc('-', p->out);
	}
}

void nc_pr_nl(struct nc_print *p)
{
	if (p->json)
		return;
	fputc('\n', p->out);
	p->line_start = true;
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
