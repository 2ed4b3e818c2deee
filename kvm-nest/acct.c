// SPDX-License-Identifier: GPL-2.0-only
/* Exit and guest-time accounting, per doll and per level. */
#include <linux/percpu.h>

#include "acct.h"

struct kn_level_acct {
	u64 exits;
	u64 guest_ns;
};

/*
 * Levels 2..KN_MAX_LEVEL (level 1 comes from KVM's own counts), per-CPU
 * so that the exit path never bounces a shared cache line.
 */
static struct kn_level_acct __percpu *kn_levels;
#define KN_ACCT_LEVELS	(KN_MAX_LEVEL - 1)

void kn_acct_exit(struct kn_acct *a, unsigned int level, u32 code, u64 ns)
{
	struct kn_level_acct *l;

	atomic64_inc(&a->exits[kn_code_index(code)]);
	atomic64_add(ns, &a->guest_ns);

	if (level < 2 || level > KN_MAX_LEVEL)
		return;
	l = get_cpu_ptr(kn_levels) + (level - 2);
	l->exits++;
	l->guest_ns += ns;
	put_cpu_ptr(kn_levels);
}

void kn_acct_code(struct kn_acct *a, u32 code)
{
	atomic64_inc(&a->exits[kn_code_index(code)]);
}

u64 kn_acct_total(const struct kn_acct *a)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < KN_NR_CODES; i++)
		sum += atomic64_read(&a->exits[i]);
	return sum;
}

int kn_acct_visit_exits(const struct kn_acct *a, kn_exit_fn fn, void *arg)
{
	unsigned int i;
	u32 code = 0;
	int ret;

	for (i = 0; i < KN_NR_CODES; i++) {
		u64 n = atomic64_read(&a->exits[i]);
		bool tracked;

		if (!n)
			continue;
		tracked = kn_code_of_index(i, &code);
		ret = fn(tracked ? code : 0, tracked, n, arg);
		if (ret)
			return ret;
	}
	return 0;
}

void kn_level_sum(unsigned int level, u64 *exits, u64 *guest_ns)
{
	int cpu;

	*exits = 0;
	*guest_ns = 0;
	if (level < 2 || level > KN_MAX_LEVEL)
		return;
	for_each_possible_cpu(cpu) {
		struct kn_level_acct *l = per_cpu_ptr(kn_levels, cpu);

		*exits += READ_ONCE(l[level - 2].exits);
		*guest_ns += READ_ONCE(l[level - 2].guest_ns);
	}
}

int kn_acct_init(void)
{
	kn_levels = __alloc_percpu(sizeof(struct kn_level_acct) * KN_ACCT_LEVELS,
				   __alignof__(struct kn_level_acct));
	return kn_levels ? 0 : -ENOMEM;
}

void kn_acct_exit_module(void)
{
	free_percpu(kn_levels);
}
