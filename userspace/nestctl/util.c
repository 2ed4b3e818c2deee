// SPDX-License-Identifier: GPL-2.0-only
/* Small helpers: keywords, numbers, messages, memory, time. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

bool nc_is(const char *arg, const char *keyword)
{
	return !strcmp(arg, keyword);
}

bool nc_parse_u32(const char *s, uint32_t *v)
{
	unsigned long long n = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		n = n * 10 + (unsigned int)(*s - '0');
		if (n > UINT32_MAX)
			return false;
	}
	*v = (uint32_t)n;
	return true;
}

bool nc_parse_seconds(const char *s, unsigned int max_s, unsigned int *ms)
{
	unsigned long long whole = 0;
	unsigned int frac = 0, scale = 1000;
	bool digits = false;

	for (; *s >= '0' && *s <= '9'; s++, digits = true) {
		whole = whole * 10 + (unsigned int)(*s - '0');
		if (whole > max_s)
			return false;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits = true) {
			if (scale == 1)
				return false;
			scale /= 10;
			frac += (unsigned int)(*s - '0') * scale;
		}
	}
	if (*s || !digits || whole * 1000 + frac > max_s * 1000ULL)
		return false;
	*ms = (unsigned int)(whole * 1000 + frac);
	return true;
}

/* Batch mode names the line an error comes from, a spec file the doll. */
static const char *nc_err_file, *nc_err_where;
static unsigned long nc_err_line;

void nc_error_at(const char *file, unsigned long line)
{
	nc_err_file = file;
	nc_err_line = line;
}

void nc_error_in(const char *where)
{
	nc_err_where = where;
}

void nc_error_start(void)
{
	fputs("Error: ", stderr);
	if (nc_err_file)
		fprintf(stderr, "%s:%lu: ", nc_err_file, nc_err_line);
	if (nc_err_where)
		fprintf(stderr, "%s: ", nc_err_where);
}

NC_PRINTF(1, 0) static void nc_vmsg(const char *fmt, va_list ap)
{
	nc_error_start();
	vfprintf(stderr, fmt, ap);
}

int nc_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nc_vmsg(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return NC_ERR;
}

int nc_usage_error(const char *object, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nc_vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "; try \"nestctl %s%shelp\".\n", object ? object : "",
		object ? " " : "");
	return NC_USAGE;
}

int nc_unknown_arg(const char *object, const char *arg)
{
	return nc_usage_error(object, "unexpected argument \"%s\"", arg);
}

static void *nc_oom(void)
{
	fputs("Error: out of memory\n", stderr);
	exit(NC_ERR);
}

void *nc_xrealloc(void *p, size_t n, size_t size)
{
	size_t bytes = n * size;

	if (size && n > SIZE_MAX / size)
		return nc_oom();
	p = realloc(p, bytes ? bytes : 1);
	return p ? p : nc_oom();
}

void *nc_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	return p ? p : nc_oom();
}

char *nc_xstrdup(const char *s)
{
	char *p = strdup(s);

	return p ? p : nc_oom();
}

void *nc_grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 8;
	return nc_xrealloc(v, *cap, size);
}

uint64_t nc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
