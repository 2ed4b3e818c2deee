// SPDX-License-Identifier: GPL-2.0-only
/*
 * Admission control: a doll's envelope must fit in what the kernel that
 * hosts it may hand out, next to its siblings, and must still hold the
 * dolls its own kvm-nest reported inside it.
 */
#include <linux/kernel.h>

#include "../channel/child.h"
#include "../doll.h"
#include "admit.h"
#include "pending.h"

/* What the other dolls of this kernel take, and what the target holds. */
struct kn_admit_scan {
	u32 id;
	u32 cpu_resv, kids_cpu_resv, kids_cpu_limit;
	u64 mem_resv, kids_mem_resv, kids_mem_limit;
	u32 kid_cpu_id, kid_mem_id;	/* a child with the largest limit */
	char kid_cpu_name[KN_NAME_LEN], kid_mem_name[KN_NAME_LEN];
};

static int kn_admit_scan_one(struct kn_doll *d, void *arg)
{
	struct kn_admit_scan *s = arg;

	if (d->kind == KN_DOLL_VM && d->id != s->id) {
		s->cpu_resv += d->env.cpu_reserve;
		s->mem_resv += d->env.mem_reserve;
	}
	/* The target's own dolls, one level down, as its kvm-nest said. */
	if (d->kind != KN_DOLL_REPORTED || !d->parent || d->parent->id != s->id)
		return 0;
	s->kids_cpu_resv += d->env.cpu_reserve;
	s->kids_mem_resv += d->env.mem_reserve;
	if (d->env.cpu_limit > s->kids_cpu_limit) {
		s->kids_cpu_limit = d->env.cpu_limit;
		s->kid_cpu_id = d->id;
		strscpy(s->kid_cpu_name, d->name, KN_NAME_LEN);
	}
	if (d->env.mem_limit > s->kids_mem_limit) {
		s->kids_mem_limit = d->env.mem_limit;
		s->kid_mem_id = d->id;
		strscpy(s->kid_mem_name, d->name, KN_NAME_LEN);
	}
	return 0;
}

void kn_env_reserved(u32 *cpu, u64 *mem)
{
	struct kn_admit_scan s = {};
	u32 pcpu;
	u64 pmem;

	kn_dolls_for_each(kn_admit_scan_one, &s);
	kn_env_pending_reserved(NULL, &pcpu, &pmem);
	*cpu = s.cpu_resv + pcpu;
	*mem = s.mem_resv + pmem;
}

#define KN_CPU(m)	(m) / 1000, (m) % 1000
#define KN_MIB(b)	((b) >> 20)

static int kn_admit_self(const struct kn_env *e, const struct kn_env_room *r,
			 char *why, size_t len)
{
	if (e->cpu_limit && e->cpu_reserve > e->cpu_limit) {
		scnprintf(why, len, "cpu.reserve %u.%03u is above cpu.limit %u.%03u; lower the reservation or raise the limit",
			  KN_CPU(e->cpu_reserve), KN_CPU(e->cpu_limit));
		return -EINVAL;
	}
	if (e->mem_limit && e->mem_reserve > e->mem_limit) {
		scnprintf(why, len, "mem.reserve %llu MiB is above mem.limit %llu MiB; lower the reservation or raise the limit",
			  KN_MIB(e->mem_reserve), KN_MIB(e->mem_limit));
		return -EINVAL;
	}
	if (e->cpu_limit > r->cpu_cap || e->cpu_reserve > r->cpu_cap) {
		scnprintf(why, len, "L%u has %u.%03u CPUs to give, less than the %u.%03u asked; at most %u.%03u fits",
			  kn_depth(), KN_CPU(r->cpu_cap),
			  KN_CPU(max(e->cpu_limit, e->cpu_reserve)),
			  KN_CPU(r->cpu_cap));
		return -ENOSPC;
	}
	if (e->mem_limit > r->mem_cap || e->mem_reserve > r->mem_cap) {
		scnprintf(why, len, "L%u has %llu MiB to give, less than the %llu MiB asked; at most %llu MiB fits",
			  kn_depth(), KN_MIB(r->mem_cap),
			  KN_MIB(max(e->mem_limit, e->mem_reserve)),
			  KN_MIB(r->mem_cap));
		return -ENOSPC;
	}
	if (e->cpus & ~r->cpus) {
		unsigned long want = e->cpus, have = r->cpus;

		scnprintf(why, len, "cpus %*pbl are not all CPUs of L%u, which has %*pbl",
			  KN_ENV_MAX_CPUS, &want, kn_depth(),
			  KN_ENV_MAX_CPUS, &have);
		return -ENOSPC;
	}
	return 0;
}

static int kn_admit_siblings(const struct kn_env *e, const struct kn_env_room *r,
			     u32 cpu_taken, u64 mem_taken, char *why,
			     size_t len)
{
	if (cpu_taken + e->cpu_reserve > r->cpu_resv) {
		scnprintf(why, len, "cpu.reserve %u.%03u does not fit in L%u: it may reserve %u.%03u CPUs and its other dolls hold %u.%03u; at most %u.%03u fits",
			  KN_CPU(e->cpu_reserve), kn_depth(), KN_CPU(r->cpu_resv),
			  KN_CPU(cpu_taken),
			  KN_CPU(r->cpu_resv - min(cpu_taken, r->cpu_resv)));
		return -ENOSPC;
	}
	if (mem_taken + e->mem_reserve > r->mem_resv) {
		scnprintf(why, len, "mem.reserve %llu MiB does not fit in L%u: it may reserve %llu MiB and its other dolls hold %llu MiB; at most %llu MiB fits",
			  KN_MIB(e->mem_reserve), kn_depth(), KN_MIB(r->mem_resv),
			  KN_MIB(mem_taken),
			  KN_MIB(r->mem_resv - min(mem_taken, r->mem_resv)));
		return -ENOSPC;
	}
	return 0;
}

/* The dolls inside the target must still fit in its new envelope. */
static int kn_admit_kids(const struct kn_env *e, const struct kn_admit_scan *s,
			 char *why, size_t len)
{
	if (s->kids_cpu_resv > e->cpu_reserve) {
		scnprintf(why, len, "the dolls inside doll %u reserve %u.%03u CPUs; its cpu.reserve must stay at least that",
			  s->id, KN_CPU(s->kids_cpu_resv));
		return -ENOSPC;
	}
	if (s->kids_mem_resv > e->mem_reserve) {
		scnprintf(why, len, "the dolls inside doll %u reserve %llu MiB; its mem.reserve must stay at least that",
			  s->id, KN_MIB(s->kids_mem_resv));
		return -ENOSPC;
	}
	if (e->cpu_limit && s->kids_cpu_limit > e->cpu_limit) {
		scnprintf(why, len, "doll %u '%s' inside it has cpu.limit %u.%03u; lower that first or keep cpu.limit at least that",
			  s->kid_cpu_id, s->kid_cpu_name,
			  KN_CPU(s->kids_cpu_limit));
		return -ENOSPC;
	}
	if (e->mem_limit && s->kids_mem_limit > e->mem_limit) {
		scnprintf(why, len, "doll %u '%s' inside it has mem.limit %llu MiB; lower that first or keep mem.limit at least that",
			  s->kid_mem_id, s->kid_mem_name,
			  KN_MIB(s->kids_mem_limit));
		return -ENOSPC;
	}
	return 0;
}

int kn_env_admit(u32 id, const char *name, const struct kn_env *env,
		 char *why, size_t len)
{
	struct kn_admit_scan s = { .id = id ?: U32_MAX };
	struct kn_env_room room;
	u32 pcpu;
	u64 pmem;
	int err;

	kn_env_room(&room);
	err = kn_admit_self(env, &room, why, len);
	if (err)
		return err;
	kn_dolls_for_each(kn_admit_scan_one, &s);
	kn_env_pending_reserved(id ? NULL : name, &pcpu, &pmem);
	err = kn_admit_siblings(env, &room, s.cpu_resv + pcpu,
				s.mem_resv + pmem, why, len);
	if (err || !id)
		return err;
	return kn_admit_kids(env, &s, why, len);
}
