// SPDX-License-Identifier: GPL-2.0-only
/* A streaming JSON writer: separators, indentation and string escapes. */
#include <inttypes.h>

#include "json.h"

void nc_json_init(struct nc_json *j, FILE *out, bool pretty)
{
	*j = (struct nc_json){ .out = out, .pretty = pretty };
}

static void nc_json_newline(struct nc_json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->out);
	for (unsigned int i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static unsigned int nc_utf8_len(const unsigned char *s)
{
	unsigned int n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * Names come from VMM command lines: any byte but NUL.  Invalid UTF-8 is
 * written as \u00XX (its Latin-1 reading) so the output always parses.
 */
static void nc_json_quote(struct nc_json *j, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int n;

	fputc('"', j->out);
	while (*s) {
		if (*s == '"' || *s == '\\') {
			fprintf(j->out, "\\%c", *s++);
		} else if (*s >= 0x20 && *s < 0x7f) {
			fputc(*s++, j->out);
		} else if (*s >= 0x80 && (n = nc_utf8_len(s))) {
			fwrite(s, 1, n, j->out);
			s += n;
		} else {
			fprintf(j->out, "\\u%04x", *s++);
		}
	}
	fputc('"', j->out);
}

/* What goes before any value: a separator, a new line, the key. */
static void nc_json_member(struct nc_json *j, const char *key)
{
	if (j->depth) {
		if (j->has_member[j->depth])
			fputc(',', j->out);
		j->has_member[j->depth] = true;
		nc_json_newline(j);
	}
	if (key) {
		nc_json_quote(j, key);
		fputs(j->pretty ? ": " : ":", j->out);
	}
}

bool nc_json_open(struct nc_json *j, const char *key, char bracket)
{
	if (j->depth == NC_JSON_MAX_DEPTH)
		return false;
	nc_json_member(j, key);
	fputc(bracket, j->out);
	j->has_member[++j->depth] = false;
	return true;
}

void nc_json_close(struct nc_json *j, char bracket)
{
	if (!j->depth)
		return;
	if (j->has_member[j->depth--])
		nc_json_newline(j);
	fputc(bracket, j->out);
	if (!j->depth)
		fputc('\n', j->out);
}

void nc_json_uint(struct nc_json *j, const char *key, uint64_t v)
{
	nc_json_member(j, key);
	fprintf(j->out, "%" PRIu64, v);
}

void nc_json_str(struct nc_json *j, const char *key, const char *s)
{
	nc_json_member(j, key);
	nc_json_quote(j, s);
}

void nc_json_null(struct nc_json *j, const char *key)
{
	nc_json_member(j, key);
	fputs("null", j->out);
}

void nc_json_milli(struct nc_json *j, const char *key, uint64_t milli)
{
	nc_json_member(j, key);
	fprintf(j->out, "%" PRIu64 ".%03u", milli / 1000,
		(unsigned int)(milli % 1000));
}

void nc_json_bool(struct nc_json *j, const char *key, bool v)
{
	nc_json_member(j, key);
	fputs(v ? "true" : "false", j->out);
}
