// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestctl's CPU lists (userspace/nestctl/units.c): parsed into a bitmap
 * sized to the highest CPU named, printed with ranges merged, up to
 * CPU 8191; a 256-CPU list whatever this machine has.
 */
#include <stdlib.h>
#include <string.h>

#include "../../userspace/nestctl/units.h"
#include "tap.h"

#define PLAN 11

/* @in parsed and printed: the error, else the text and its ranges. */
static enum nc_unit_err round_trip(const char *in, char **out, unsigned int *ranges)
{
	struct nc_cpus set;
	enum nc_unit_err e = nc_parse_cpus(in, &set);

	*out = NULL;
	if (!e) {
		*out = nc_fmt_cpus(&set, ranges);
		nc_cpus_free(&set);
	}
	return e;
}

static int is(const char *in, const char *want, unsigned int nr)
{
	unsigned int ranges = 0;
	char *out;
	enum nc_unit_err e = round_trip(in, &out, &ranges);
	int ok = !e && out && !strcmp(out, want) && ranges == nr;

	tap_ok(ok, "\"%.40s%s\" prints \"%.60s\" in %u ranges (got %d, \"%.60s\", %u)",
	       in, strlen(in) > 40 ? "..." : "", want, nr, e, out ? out : "(null)", ranges);
	free(out);
	return ok;
}

static void refused(const char *in, enum nc_unit_err want)
{
	unsigned int ranges;
	char *out;
	enum nc_unit_err e = round_trip(in, &out, &ranges);

	tap_ok(e == want && !out, "\"%s\" refused with %d (got %d)", in, want, e);
	free(out);
}

int main(void)
{
	struct nc_cpus set;
	size_t len = 0;
	char *all;
	int i, e;

	tap_plan(PLAN);
	is("0-255", "0-255", 1);
	is("128-255,0-3,5,4", "0-5,128-255", 2);
	is("0-8191", "0-8191", 1);
	is("8191,0", "0,8191", 2);

	/* 256 CPUs named one by one: merged into one range. */
	all = malloc(256 * 5);
	for (i = 0; all && i < 256; i++)
		len += (size_t)sprintf(all + len, "%s%d", i ? "," : "", 255 - i);
	if (all)
		is(all, "0-255", 1);
	else
		tap_ok(0, "out of memory");
	free(all);
	is("0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30,32,34,36,38,40,42,44,46,48,50,52,54,56,58,60,62,64",
	   "0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30,32,34,36,38,40,42,44,46,48,50,52,54,56,58,60,62,64", 33);

	refused("8192", NC_UNIT_CPU);
	refused("0-99999999999", NC_UNIT_CPU);
	refused("255-0", NC_UNIT_ORDER);
	refused("0-3,", NC_UNIT_SYNTAX);

	/* Sized to the highest CPU: 200 needs 4 words, not 128. */
	e = nc_parse_cpus("200", &set);
	tap_ok(!e && set.nbits == 201 &&
	       nc_cpus_has(&set, 200) && !nc_cpus_has(&set, 199) &&
	       !nc_cpus_has(&set, 201) && !nc_cpus_has(&set, 8191),
	       "\"200\": a bitmap of 201 bits (%u), CPU 200 only", set.nbits);
	nc_cpus_free(&set);
	return tap_done(PLAN);
}
