// SPDX-License-Identifier: GPL-2.0-only
/* Envelope values: exact decimal CPUs, binary sizes, CPU lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

static bool nc_digit(char c)
{
	return c >= '0' && c <= '9';
}

enum nc_unit_err nc_parse_milli(const char *s, uint32_t *milli)
{
	uint64_t whole = 0, frac = 0;
	unsigned int decimals = 0;

	if (!nc_digit(*s))
		return NC_UNIT_SYNTAX;
	for (; nc_digit(*s); s++) {
		whole = whole * 10 + (uint64_t)(*s - '0');
		if (whole > UINT32_MAX / 1000 + 1)
			return NC_UNIT_RANGE;
	}
	if (*s == '.') {
		if (!nc_digit(*++s))
			return NC_UNIT_SYNTAX;
		for (; nc_digit(*s); s++) {
			if (++decimals > 3)
				return NC_UNIT_DECIMALS;
			frac = frac * 10 + (uint64_t)(*s - '0');
		}
		for (unsigned int i = decimals; i < 3; i++)
			frac *= 10;
	}
	if (*s)
		return NC_UNIT_SYNTAX;
	if (whole * 1000 + frac > UINT32_MAX)
		return NC_UNIT_RANGE;
	*milli = (uint32_t)(whole * 1000 + frac);
	return NC_UNIT_OK;
}

enum nc_unit_err nc_parse_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "KMGT";
	const char *u;
	uint64_t n = 0;
	unsigned int shift = 0;

	if (!nc_digit(*s))
		return NC_UNIT_SYNTAX;
	for (; nc_digit(*s); s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (n > (UINT64_MAX - d) / 10)
			return NC_UNIT_RANGE;
		n = n * 10 + d;
	}
	if (*s == '.')
		return NC_UNIT_DECIMALS;
	/* K or KiB, M or MiB...: the same power of 1024; the letter in any case. */
	if (*s) {
		u = strchr(units, *s >= 'a' ? *s - 'a' + 'A' : *s);
		if (!u || (s[1] && strcmp(s + 1, "iB")))
			return NC_UNIT_SYNTAX;
		shift = 10 * (unsigned int)(u - units + 1);
	}
	if (shift && n > UINT64_MAX >> shift)
		return NC_UNIT_RANGE;
	*bytes = n << shift;
	return NC_UNIT_OK;
}

/* A CPU number: digits, below NC_CPUS_MAX; s moves past it. */
static enum nc_unit_err nc_parse_cpu(const char **s, unsigned int *cpu)
{
	unsigned int n = 0;

	if (!nc_digit(**s))
		return NC_UNIT_SYNTAX;
	for (; nc_digit(**s); (*s)++) {
		n = n * 10 + (unsigned int)(**s - '0');
		if (n >= NC_CPUS_MAX)
			return NC_UNIT_CPU;
	}
	*cpu = n;
	return NC_UNIT_OK;
}

/* One pass over "0-3,6": the highest CPU, and the bits when @w is set. */
static enum nc_unit_err nc_scan_cpus(const char *s, uint64_t *w,
				     unsigned int *top)
{
	enum nc_unit_err e;

	*top = 0;
	for (;;) {
		unsigned int a, b;

		e = nc_parse_cpu(&s, &a);
		if (e)
			return e;
		b = a;
		if (*s == '-') {
			s++;
			e = nc_parse_cpu(&s, &b);
			if (e)
				return e;
			if (b < a)
				return NC_UNIT_ORDER;
		}
		if (b > *top)
			*top = b;
		for (unsigned int c = a; w && c <= b; c++)
			w[c / 64] |= 1ULL << (c % 64);
		if (!*s)
			return NC_UNIT_OK;
		if (*s++ != ',')
			return NC_UNIT_SYNTAX;
	}
}

enum nc_unit_err nc_parse_cpus(const char *s, struct nc_cpus *set)
{
	enum nc_unit_err e;
	unsigned int top;
	uint64_t *w;

	*set = (struct nc_cpus){ 0 };
	e = nc_scan_cpus(s, NULL, &top);
	if (e)
		return e;
	/* Sized to the highest CPU named: 8192 CPUs are 1 KiB. */
	w = calloc(top / 64 + 1, sizeof(*w));
	if (!w)
		return NC_UNIT_NOMEM;
	nc_scan_cpus(s, w, &top);
	set->w = w;
	set->nbits = top + 1;
	return NC_UNIT_OK;
}

bool nc_cpus_has(const struct nc_cpus *set, unsigned int cpu)
{
	return cpu < set->nbits && (set->w[cpu / 64] >> (cpu % 64) & 1);
}

void nc_cpus_free(struct nc_cpus *set)
{
	free(set->w);
	*set = (struct nc_cpus){ 0 };
}

/* Prints @set's ranges into @buf (NULL: counts); the length it needs. */
static size_t nc_put_cpus(char *buf, size_t len, const struct nc_cpus *set,
			  unsigned int *ranges)
{
	size_t off = 0;

	*ranges = 0;
	for (unsigned int c = 0; c < set->nbits; c++) {
		unsigned int e = c;
		int n;

		if (!nc_cpus_has(set, c))
			continue;
		while (nc_cpus_has(set, e + 1))
			e++;
		if (e == c)
			n = snprintf(buf ? buf + off : NULL, buf ? len - off : 0,
				     "%s%u", off ? "," : "", c);
		else
			n = snprintf(buf ? buf + off : NULL, buf ? len - off : 0,
				     "%s%u-%u", off ? "," : "", c, e);
		if (n < 0)
			break;
		off += (size_t)n;
		(*ranges)++;
		c = e;
	}
	return off;
}

char *nc_fmt_cpus(const struct nc_cpus *set, unsigned int *ranges)
{
	size_t len = nc_put_cpus(NULL, 0, set, ranges) + 1;
	char *buf = malloc(len);

	if (buf) {
		buf[0] = '\0';
		nc_put_cpus(buf, len, set, ranges);
	}
	return buf;
}

void nc_fmt_milli(char *buf, size_t len, uint32_t milli)
{
	snprintf(buf, len, "%u.%03u", milli / 1000, milli % 1000);
}

void nc_fmt_size(char *buf, size_t len, uint64_t bytes)
{
	static const char units[] = "TGMK";

	for (unsigned int i = 0; bytes && i < 4; i++) {
		unsigned int shift = 10 * (4 - i);

		if (!(bytes & ((1ULL << shift) - 1))) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(bytes >> shift), units[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)bytes);
}

