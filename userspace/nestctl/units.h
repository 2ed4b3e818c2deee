/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Envelope values as users type and read them: CPUs with up to three
 * decimals (milli-CPUs on the wire), sizes with binary suffixes, CPU lists.
 * Parsing is exact integer arithmetic: "0.25" is 250, never 249.
 */
#ifndef NC_UNITS_H
#define NC_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * CPUs kvm-nest handles: a cpus list names 0 to 8191, in at most 32
 * ranges once merged (the module's KN_CPUS_MAX and KN_CPUS_RANGES).
 */
#define NC_CPUS_MAX	8192
#define NC_CPUS_RANGES	32

/* A parsed CPU list: a bitmap sized to the highest CPU it names. */
struct nc_cpus {
	uint64_t *w;		/* malloc'd, NULL if nothing parsed */
	unsigned int nbits;	/* highest CPU + 1 */
};

/* Why a value was refused; NC_UNIT_OK when it was taken. */
enum nc_unit_err {
	NC_UNIT_OK,
	NC_UNIT_SYNTAX,		/* not a number of the expected form */
	NC_UNIT_DECIMALS,	/* more than three decimals */
	NC_UNIT_RANGE,		/* too large */
	NC_UNIT_CPU,		/* a CPU above NC_CPUS_MAX - 1 */
	NC_UNIT_ORDER,		/* a range that runs backwards */
	NC_UNIT_NOMEM,		/* out of memory */
};

/* "1.5" -> 1500: digits, optionally '.' and 1 to 3 digits; <= UINT32_MAX. */
enum nc_unit_err nc_parse_milli(const char *s, uint32_t *milli);
/*
 * "256M" or "256MiB" -> 268435456: digits and an optional K, M, G or T
 * (x1024^n, either case), alone or followed by "iB".
 */
enum nc_unit_err nc_parse_size(const char *s, uint64_t *bytes);
/* "0-3,6" -> bit n for CPU n; an empty list is a syntax error. */
enum nc_unit_err nc_parse_cpus(const char *s, struct nc_cpus *set);
bool nc_cpus_has(const struct nc_cpus *set, unsigned int cpu);
void nc_cpus_free(struct nc_cpus *set);

/* "1.500" */
void nc_fmt_milli(char *buf, size_t len, uint32_t milli);
/* "256M" when a whole number of the largest unit, else bytes: "1000". */
void nc_fmt_size(char *buf, size_t len, uint64_t bytes);
/*
 * "0-3,6" (ranges merged, "" if empty), malloc'd, and how many ranges
 * it has; NULL when out of memory.
 */
char *nc_fmt_cpus(const struct nc_cpus *set, unsigned int *ranges);

#endif
