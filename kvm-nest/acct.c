// SPDX-License-Identifier: GPL-2.0-only
/* Exit and guest-time accounting, per doll and per level. */
#include <linux/percpu.h>
#include <linux/seq_file.h>

#include "acct.h"

struct kn_level_acct {
	u64 exits;
	u64 guest_ns;
};

/* Per-CPU so that the exit path never bounces a shared cache line. */
static struct kn_level_acct __percpu *kn_levels;

unsigned int kn_code_index(u32 code)
{
	if (code < KN_CODE_LOW)
		return code;
	if (code - KN_CODE_HIGH_BASE < KN_CODE_HIGH_NR)
		return KN_CODE_LOW + code - KN_CODE_HIGH_BASE;
	return KN_CODE_OTHER;
}

bool kn_code_of_index(unsigned int idx, u32 *code)
{
	if (idx < KN_CODE_LOW)
		*code = idx;
	else if (idx < KN_CODE_OTHER)
		*code = KN_CODE_HIGH_BASE + idx - KN_CODE_LOW;
	else
		return false;
	return true;
}

void kn_acct_exit(struct kn_acct *a, unsigned int level, u32 code, u64 ns)
{
	struct kn_level_acct *l;

	atomic64_inc(&a->exits[kn_code_index(code)]);
	atomic64_add(ns, &a->guest_ns);

	if (level < 1 || level > KN_MAX_LEVEL)
		return;
	l = get_cpu_ptr(kn_levels) + (level - 1);
	l->exits++;
	l->guest_ns += ns;
	put_cpu_ptr(kn_levels);
}

u64 kn_acct_total(const struct kn_acct *a)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < KN_NR_CODES; i++)
		sum += atomic64_read(&a->exits[i]);
	return sum;
}

void kn_levels_show(struct seq_file *m, const unsigned int *dolls)
{
	unsigned int level;
	int cpu;

	for (level = 1; level <= KN_MAX_LEVEL; level++) {
		struct kn_level_acct sum = {};

		for_each_possible_cpu(cpu) {
			struct kn_level_acct *l = per_cpu_ptr(kn_levels, cpu);

			sum.exits += READ_ONCE(l[level - 1].exits);
			sum.guest_ns += READ_ONCE(l[level - 1].guest_ns);
		}
		seq_printf(m, "level=%u dolls=%u exits=%llu guest_ns=%llu\n",
			   level, dolls[level - 1], sum.exits, sum.guest_ns);
	}
}

int kn_acct_init(void)
{
	kn_levels = __alloc_percpu(sizeof(struct kn_level_acct) * KN_MAX_LEVEL,
				   __alignof__(struct kn_level_acct));
	return kn_levels ? 0 : -ENOMEM;
}

void kn_acct_exit_module(void)
{
	free_percpu(kn_levels);
}
