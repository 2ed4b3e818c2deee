// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU sets of an envelope as range lists, apart from their wire form
 * (env.c) and the host's CPUs (admit.c), so that selftests/unit can test
 * them without a kernel.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "cpus.h"

int kn_cpus_from_bitmap(struct kn_cpus *c, const unsigned long *bits,
			unsigned int nbits)
{
	unsigned int cpu = 0, lo;

	memset(c, 0, sizeof(*c));
	while (cpu < nbits) {
		if (!test_bit(cpu, bits)) {
			cpu++;
			continue;
		}
		if (c->nr == KN_CPUS_RANGES)
			return -E2BIG;
		lo = cpu;
		while (cpu < nbits && test_bit(cpu, bits))
			cpu++;
		c->r[c->nr].lo = lo;
		c->r[c->nr].hi = cpu - 1;
		c->nr++;
	}
	return 0;
}

int kn_cpus_fmt(char *buf, size_t len, const struct kn_cpus *c)
{
	size_t n = 0, at;
	unsigned int i;
	char *to;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < c->nr && i < KN_CPUS_RANGES; i++) {
		at = min(n, len);
		to = len ? buf + at : NULL;	/* sizing: @buf may be NULL */
		if (c->r[i].lo == c->r[i].hi)
			n += snprintf(to, len - at, "%s%u", i ? "," : "",
				      c->r[i].lo);
		else
			n += snprintf(to, len - at, "%s%u-%u", i ? "," : "",
				      c->r[i].lo, c->r[i].hi);
	}
	return n;
}

int kn_cpus_outside(const struct kn_cpus *c, const unsigned long *have,
		    unsigned int nbits)
{
	unsigned int i, cpu;

	for (i = 0; i < c->nr && i < KN_CPUS_RANGES; i++)
		for (cpu = c->r[i].lo; cpu <= c->r[i].hi; cpu++)
			if (cpu >= nbits || !test_bit(cpu, have))
				return cpu;
	return -1;
}
