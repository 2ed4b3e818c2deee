// SPDX-License-Identifier: GPL-2.0-only
/*
 * env/cpus.c: CPU sets of any size up to KN_CPUS_MAX as range lists,
 * their text, and admission against the CPUs a parent has, with a parent
 * of 256 CPUs whatever this machine has.
 */
#include <errno.h>
#include <string.h>

#include "../../kvm-nest/env/cpus.h"
#include "tap.h"

#define PLAN 12
#define WORDS	(KN_CPUS_MAX / (8 * sizeof(long)))

static unsigned long bits[WORDS], parent[WORDS];
static char buf[512];

static void set(unsigned long *b, unsigned int lo, unsigned int hi)
{
	for (; lo <= hi; lo++)
		b[lo / (8 * sizeof(long))] |= 1UL << (lo % (8 * sizeof(long)));
}

/* @lo-@hi (and @lo2-@hi2 if @lo2 <= @hi2) as a range list. */
static int ranges(struct kn_cpus *c, unsigned int lo, unsigned int hi,
		  unsigned int lo2, unsigned int hi2)
{
	memset(bits, 0, sizeof(bits));
	set(bits, lo, hi);
	if (lo2 <= hi2)
		set(bits, lo2, hi2);
	return kn_cpus_from_bitmap(c, bits, KN_CPUS_MAX);
}

int main(void)
{
	struct kn_cpus c;
	int n, err;

	tap_plan(PLAN);
	set(parent, 0, 255);

	err = ranges(&c, 0, 255, 1, 0);
	n = kn_cpus_fmt(buf, sizeof(buf), &c);
	tap_ok(!err && c.nr == 1 && !strcmp(buf, "0-255") && n == 5,
	       "256 CPUs are one range, \"0-255\" (got %d, \"%s\")", err, buf);
	tap_ok(kn_cpus_outside(&c, parent, 256) == -1,
	       "a child asking 0-255 fits a parent of 256 CPUs");
	err = ranges(&c, 0, 3, 128, 255);
	kn_cpus_fmt(buf, sizeof(buf), &c);
	tap_ok(!err && c.nr == 2 && !strcmp(buf, "0-3,128-255"),
	       "0-3 and 128-255 print as \"0-3,128-255\" (\"%s\")", buf);
	tap_ok(kn_cpus_outside(&c, parent, 256) == -1 &&
	       kn_cpus_outside(&c, parent, 200) == 200,
	       "it fits 256 CPUs; of a kernel with 200 CPU ids, CPU 200 is outside");
	err = ranges(&c, 100, 256, 1, 0);
	tap_ok(!err && kn_cpus_outside(&c, parent, KN_CPUS_MAX) == 256,
	       "a child asking 100-256 of a 256-CPU parent: CPU 256 is outside");
	memset(parent, 0, sizeof(parent));
	set(parent, 0, 127);
	set(parent, 129, 255);
	err = ranges(&c, 0, 255, 1, 0);
	tap_ok(!err && kn_cpus_outside(&c, parent, 256) == 128,
	       "a parent without CPU 128 refuses 0-255 at 128");

	err = ranges(&c, 0, KN_CPUS_MAX - 1, 1, 0);
	kn_cpus_fmt(buf, sizeof(buf), &c);
	tap_ok(!err && !strcmp(buf, "0-8191") && kn_cpus_last(&c) == 8191,
	       "every CPU: \"0-8191\" (\"%s\")", buf);

	/* 32 single CPUs fit, a 33rd range does not. */
	memset(bits, 0, sizeof(bits));
	for (n = 0; n < 32; n++)
		set(bits, 8 * n, 8 * n);
	err = kn_cpus_from_bitmap(&c, bits, KN_CPUS_MAX);
	kn_cpus_fmt(buf, sizeof(buf), &c);
	tap_ok(!err && c.nr == 32 && !strncmp(buf, "0,8,16,", 7) &&
	       !strcmp(buf + strlen(buf) - 4, ",248"),
	       "32 ranges fit (\"%s\")", buf);
	set(bits, 4000, 4000);
	err = kn_cpus_from_bitmap(&c, bits, KN_CPUS_MAX);
	tap_ok(err == -E2BIG, "a 33rd range is refused with -E2BIG (got %d)", err);

	/* The longest text: 32 ranges of four-digit CPUs. */
	memset(bits, 0, sizeof(bits));
	for (n = 0; n < 32; n++)
		set(bits, 8000 + 6 * n, 8000 + 6 * n + 2);
	err = kn_cpus_from_bitmap(&c, bits, KN_CPUS_MAX);
	n = kn_cpus_fmt(NULL, 0, &c);
	tap_ok(!err && n == 32 * 10 - 1, "sizing pass: %d bytes for 32 ranges like 8000-8002", n);
	n = kn_cpus_fmt(buf, 8, &c);
	tap_ok(n == 319 && !strcmp(buf, "8000-80"),
	       "a short buffer is cut and NUL-ended, the length still told (\"%s\", %d)", buf, n);
	memset(&c, 0, sizeof(c));
	n = kn_cpus_fmt(buf, sizeof(buf), &c);
	tap_ok(n == 0 && !buf[0] && kn_cpus_outside(&c, parent, 1) == -1,
	       "unset: \"\", and nothing is outside");
	return tap_done(PLAN);
}
