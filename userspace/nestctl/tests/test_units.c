// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_units.c: sizes as nestctl and the libvirt hook take them
 * (nc_parse_size): bytes, K/M/G/T and KiB/MiB/GiB/TiB, and what is refused.
 */
#include <inttypes.h>
#include <stdio.h>

#include "../units.h"
#include "tap.h"

#define PLAN 24

static void good(const char *s, uint64_t want)
{
	uint64_t v = 0;
	enum nc_unit_err e = nc_parse_size(s, &v);

	tap_ok(e == NC_UNIT_OK && v == want, "%s is %" PRIu64 " (err %d, got %" PRIu64 ")",
	       s, want, (int)e, v);
}

static void bad(const char *s, enum nc_unit_err want)
{
	uint64_t v = 0;
	enum nc_unit_err e = nc_parse_size(s, &v);

	tap_ok(e == want, "%s is refused with %d (got %d)", s, (int)want, (int)e);
}

int main(void)
{
	tap_plan(PLAN);
	good("0", 0);
	good("4096", 4096);
	good("512M", 512ULL << 20);
	good("512MiB", 512ULL << 20);
	good("512miB", 512ULL << 20);
	good("2GiB", 2ULL << 30);
	good("2g", 2ULL << 30);
	good("1TiB", 1ULL << 40);
	good("64KiB", 64ULL << 10);
	good("16777215TiB", 16777215ULL << 40);
	bad("16777216TiB", NC_UNIT_RANGE);
	bad("18446744073709551616", NC_UNIT_RANGE);
	bad("1.5GiB", NC_UNIT_DECIMALS);
	bad("2GB", NC_UNIT_SYNTAX);
	bad("2Gi", NC_UNIT_SYNTAX);
	bad("2GIB", NC_UNIT_SYNTAX);
	bad("2gib", NC_UNIT_SYNTAX);
	bad("2GiBs", NC_UNIT_SYNTAX);
	bad("2 GiB", NC_UNIT_SYNTAX);
	bad("2iB", NC_UNIT_SYNTAX);
	bad("2PiB", NC_UNIT_SYNTAX);
	bad("GiB", NC_UNIT_SYNTAX);
	bad("-1G", NC_UNIT_SYNTAX);
	bad("", NC_UNIT_SYNTAX);
	return tap_done(PLAN);
}
