// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu.limit without the refill leak.  Every write of cpu.max refills the
 * cgroup's runtime to a full quota (tg_set_cfs_bandwidth), so a throttled
 * doll gets up to one more quota per write, until that cgroup's next
 * period boundary (at most one period later).
 *
 * A doll the agent made has two nested cgroups (doll-N and doll-N/vmm),
 * both limited, and the same threads drain both pools.  The pacer writes
 * one level at a time and only while the other level is "clean": last
 * written at least NC_CPU_HOLD_MS ago (a period and a margin), so its pool
 * has not been refilled by us and it bounds the doll honestly while the
 * written one carries its extra quota.  The level left alone (the guard)
 * must hold no more than a limit in force within the last period; when no
 * level can be written under these rules, the pacer waits for the one that
 * can, with a timer.  The doll's limit is the smaller level: a lowered
 * limit is one write and holds from that level's next boundary; a raised
 * one holds once every level below it follows, the second a hold later.
 * A cgroup used in place (libvirt's) is one level: each write refills;
 * it keeps the cgroup default period.
 * Documentation/envelopes.rst, "CPU enforcement", has the reasoning.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "cgroup.h"

/* No limit: larger than any quota. */
#define NC_CPU_NONE	UINT64_MAX

struct nc_cpu {
	uint32_t id;
	unsigned int n;		/* levels: 1 or 2; [0] is the outer one */
	char dir[2][PATH_MAX];
	unsigned int period;	/* us: NC_CPU_PERIOD_US, or _ONE_US for one level */
	uint64_t val[2];	/* quota in us per period */
	uint64_t wrote[2];	/* nc_now_ms() of the last write, 0 never */
	uint64_t target, prev;	/* the limit, the one before it */
	uint64_t changed;	/* when target was set */
	uint64_t due;		/* next step, 0 none */
};

static struct nc_cpu *nc_cpus;
static size_t nc_n_cpus, nc_cap_cpus;

/* "Q P" or "max P" as a quota per period; NC_CPU_NONE for max, and for
 * what cannot be read (written over at the first change). */
static uint64_t nc_cpu_read(const char *dir, unsigned int period)
{
	uint64_t q, p;
	char buf[64];

	if (nc_cg_read(dir, "cpu.max", buf, sizeof(buf)) ||
	    sscanf(buf, "%" SCNu64 " %" SCNu64, &q, &p) != 2 || !p)
		return NC_CPU_NONE;
	return q * period / p;
}

static struct nc_cpu *nc_cpu_find(uint32_t id)
{
	for (size_t i = 0; i < nc_n_cpus; i++)
		if (nc_cpus[i].id == id)
			return &nc_cpus[i];
	return NULL;
}

void nc_cpu_forget(uint32_t id)
{
	struct nc_cpu *c = nc_cpu_find(id);

	if (c)
		*c = nc_cpus[--nc_n_cpus];
	if (!nc_n_cpus) {
		free(nc_cpus);
		nc_cpus = NULL;
		nc_cap_cpus = 0;
	}
}

static int nc_cpu_write(struct nc_cpu *c, unsigned int x, uint64_t now)
{
	char val[48];
	int err;

	if (c->target == NC_CPU_NONE)
		snprintf(val, sizeof(val), "max %u", c->period);
	else
		snprintf(val, sizeof(val), "%" PRIu64 " %u", c->target, c->period);
	err = nc_cg_write(c->dir[x], "cpu.max", val);
	if (err)
		return err;
	c->val[x] = c->target;
	c->wrote[x] = now;
	nc_vlog("doll %u: %s/cpu.max %s at %" PRIu64 ".%03u s", c->id, c->dir[x],
		val, now / 1000, (unsigned int)(now % 1000));
	return 0;
}

/*
 * Level x has to change: the smaller level is the doll's limit, so a lower
 * limit needs one level written (either), a higher one every level below
 * it.  A level above the limit stays: each write is a refill.
 */
static bool nc_cpu_wants(const struct nc_cpu *c, unsigned int x)
{
	uint64_t lo = c->n == 2 && c->val[1] < c->val[0] ? c->val[1] : c->val[0];

	return lo > c->target ? c->val[x] > c->target : c->val[x] < c->target;
}

/* Level x may be written: the other one is clean (or there is none). */
static bool nc_cpu_free(const struct nc_cpu *c, unsigned int x, uint64_t now)
{
	return c->n == 1 || now >= c->wrote[!x] + NC_CPU_HOLD_MS;
}

/*
 * One step: write the level the rules allow, or set c->due to when they
 * will.  The guard may hold the limit in force up to a period ago.
 */
static int nc_cpu_step(struct nc_cpu *c, uint64_t now)
{
	uint64_t recent = c->target, best_guard = 0;
	int best = -1, wait = -1, err;

	if (now < c->changed + c->period / 1000 && c->prev > recent)
		recent = c->prev;
	c->due = 0;
	if (!nc_cpu_wants(c, 0) && (c->n == 1 || !nc_cpu_wants(c, 1)))
		return 0;
	/* Any level not at the limit may go first: a raise may start by
	 * bringing a level above the limit down to it, to guard the rest. */
	for (unsigned int x = 0; x < c->n; x++) {
		uint64_t guard = c->n == 2 ? c->val[!x] : 0;

		if (c->val[x] == c->target)
			continue;
		if (!nc_cpu_free(c, x, now)) {
			wait = (int)x;
			continue;
		}
		if (best < 0 || guard < best_guard) {
			best = (int)x;
			best_guard = guard;
		}
	}
	/* A guard too high is worth waiting for the other level, if one can be. */
	if (best < 0 || (best_guard > recent && wait >= 0)) {
		if (wait >= 0)
			c->due = c->wrote[!wait] + NC_CPU_HOLD_MS;
		return 0;
	}
	err = nc_cpu_write(c, (unsigned int)best, now);
	if (err)
		return err;
	for (unsigned int x = 0; x < c->n; x++)
		if (nc_cpu_wants(c, x))
			c->due = c->wrote[best] + NC_CPU_HOLD_MS;
	return 0;
}

static struct nc_cpu *nc_cpu_add(uint32_t id, const char *outer,
				 const char *inner)
{
	struct nc_cpu *c = nc_cpu_find(id);

	/* A doll whose cgroups changed (moved into libvirt's) starts over. */
	if (c && (strcmp(c->dir[0], outer) || strcmp(c->dir[1], inner))) {
		nc_cpu_forget(id);
		c = NULL;
	}
	if (c)
		return c;
	nc_cpus = nc_grow(nc_cpus, &nc_cap_cpus, nc_n_cpus + 1, sizeof(*nc_cpus));
	c = &nc_cpus[nc_n_cpus++];
	*c = (struct nc_cpu){ .id = id, .n = inner[0] ? 2 : 1,
			      .period = inner[0] ? NC_CPU_PERIOD_US : NC_CPU_PERIOD_ONE_US };
	snprintf(c->dir[0], sizeof(c->dir[0]), "%s", outer);
	snprintf(c->dir[1], sizeof(c->dir[1]), "%s", inner);
	for (unsigned int x = 0; x < c->n; x++)
		c->val[x] = nc_cpu_read(c->dir[x], c->period);
	c->target = c->val[0] < c->val[1] || c->n == 1 ? c->val[0] : c->val[1];
	return c;
}

int nc_cpu_limit(struct nc_apply *a, const char *outer, const char *inner,
		 uint32_t milli, uint32_t *old)
{
	struct nc_cpu *c = nc_cpu_add(a->id, outer, inner);
	uint64_t q = milli ? (uint64_t)milli * c->period / 1000 : NC_CPU_NONE;
	uint64_t now = nc_now_ms();
	int err;

	*old = c->target == NC_CPU_NONE ? 0 :
	       (uint32_t)(c->target * 1000 / c->period);
	if (q != c->target) {
		c->prev = c->target;
		c->target = q;
		c->changed = now;
	}
	err = nc_cpu_step(c, now);
	if (err) {
		nc_cpu_forget(a->id);
		return nc_apply_fail(a, -err, "doll %u: cannot write cpu.max of %s: %s; it must be a cgroup v2 with the cpu controller",
				     a->id, outer, strerror(-err));
	}
	return 0;
}

void nc_cpu_stop(void)
{
	uint64_t now = nc_now_ms();

	/* What waits is written now: the limits set must outlive the agent,
	 * at the cost of one refill each. */
	while (nc_n_cpus) {
		struct nc_cpu *c = &nc_cpus[0];

		for (unsigned int x = 0; x < c->n; x++) {
			int err = nc_cpu_wants(c, x) ? nc_cpu_write(c, x, now) : 0;

			if (err)
				nc_log("doll %u: cannot write cpu.max of %s: %s", c->id,
				       c->dir[x], strerror(-err));
		}
		nc_cpu_forget(c->id);
	}
}

int nc_cpu_tick(void)
{
	uint64_t now = nc_now_ms(), next = UINT64_MAX;

	for (size_t i = 0; i < nc_n_cpus;) {
		struct nc_cpu *c = &nc_cpus[i];
		int err = c->due && now >= c->due ? nc_cpu_step(c, now) : 0;

		if (err) {
			nc_log("doll %u: cannot write cpu.max of %s: %s; its limit holds at one level only until the next change",
			       c->id, c->dir[0], strerror(-err));
			nc_cpu_forget(c->id);	/* the last entry moves to i */
			continue;
		}
		if (c->due && c->due < next)
			next = c->due;
		i++;
	}
	if (next == UINT64_MAX)
		return -1;
	return next > now ? (int)(next - now) : 0;
}
