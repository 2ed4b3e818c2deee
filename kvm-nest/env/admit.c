// SPDX-License-Identifier: GPL-2.0-only
/*
 * Admission control: a doll's envelope must fit in what the kernel that
 * hosts it may hand out, next to its siblings.  Only this level's own
 * envelopes count: what the doll's kvm-nest reports inside it never
 * refuses a change here (a child cannot veto its parent); a doll left
 * holding more than its envelope shows as overcommitted (over.c).  CPU
 * and RAM follow the same rules, so they are checked as two resources of
 * one kind.
 */
#include <linux/cpumask.h>
#include <linux/kernel.h>

#include "../channel/depth.h"
#include "../doll.h"
#include "admit.h"
#include "admit_res.h"
#include "pending.h"

static void kn_res_of(const struct kn_env *e, struct kn_res r[KN_NR_RES])
{
	r[KN_CPU] = (struct kn_res){ e->cpu_limit, e->cpu_reserve };
	r[KN_MEM] = (struct kn_res){ e->mem_limit, e->mem_reserve };
}

/* What the other dolls of this kernel take. */
struct kn_admit_scan {
	u32 id;
	u64 taken[KN_NR_RES];		/* reserved by the other dolls */
};

static int kn_admit_scan_one(struct kn_doll *d, void *arg)
{
	struct kn_admit_scan *s = arg;
	struct kn_res r[KN_NR_RES];
	int i;

	/* Reported dolls are the children's business, never ours. */
	if (d->kind != KN_DOLL_VM || d->id == s->id)
		return 0;
	kn_res_of(&d->env, r);
	for (i = 0; i < KN_NR_RES; i++)
		s->taken[i] += r[i].reserve;
	return 0;
}

static void kn_admit_scan(struct kn_admit_scan *s, const char *skip)
{
	u32 cpu;
	u64 mem;

	kn_dolls_for_each(kn_admit_scan_one, s);
	kn_env_pending_reserved(skip, &cpu, &mem);
	s->taken[KN_CPU] += cpu;
	s->taken[KN_MEM] += mem;
}

void kn_env_reserved(u32 *cpu, u64 *mem)
{
	struct kn_admit_scan s = { .id = 0 };	/* no doll has id 0 */

	kn_admit_scan(&s, NULL);
	*cpu = s.taken[KN_CPU];
	*mem = s.taken[KN_MEM];
}

/*
 * A doll's CPUs are online CPUs of the kernel that hosts it.  Lists name
 * CPUs up to 8192 (KN_CPUS_MAX) on every kernel; the one that applies a
 * list refuses what it does not have, naming its nr_cpu_ids.
 */
static int kn_admit_cpus(const struct kn_cpus *c, char *why, size_t len)
{
	int cpu;

	if (c->nr && kn_cpus_last(c) >= nr_cpu_ids) {
		scnprintf(why, len, "cpus name CPU %u; L%u has nr_cpu_ids %u, online %*pbl",
			  kn_cpus_last(c), kn_depth(), nr_cpu_ids,
			  cpumask_pr_args(cpu_online_mask));
		return -ENOSPC;
	}
	cpu = kn_cpus_outside(c, cpumask_bits(cpu_online_mask), nr_cpu_ids);
	if (cpu >= 0) {
		scnprintf(why, len, "cpus name CPU %d, not online in L%u; online %*pbl",
			  cpu, kn_depth(), cpumask_pr_args(cpu_online_mask));
		return -ENOSPC;
	}
	return 0;
}

int kn_env_admit(u32 id, const char *name, const struct kn_env *env,
		 char *why, size_t len)
{
	struct kn_admit_scan s = { .id = id };
	struct kn_res want[KN_NR_RES];
	struct kn_env_room room;
	int err, i;

	kn_env_room(&room);
	err = kn_admit_cpus(&env->cpus, why, len);
	if (err)
		return err;
	kn_admit_scan(&s, id ? NULL : name);
	kn_res_of(env, want);
	for (i = 0; i < KN_NR_RES; i++) {
		err = kn_admit_res(i, &want[i],
				   i == KN_CPU ? room.cpu_cap : room.mem_cap,
				   i == KN_CPU ? room.cpu_resv : room.mem_resv,
				   s.taken[i], why, len);
		if (err)
			return err;
	}
	return 0;
}
