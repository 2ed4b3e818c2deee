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
#include <linux/kernel.h>

#include "../channel/depth.h"
#include "../doll.h"
#include "admit.h"
#include "pending.h"

enum { KN_CPU, KN_MEM, KN_NR_RES };

static const char * const kn_res_name[KN_NR_RES] = { "cpu", "mem" };

/* A limit and a reservation of one resource; limit 0 is none. */
struct kn_res {
	u64 limit, reserve;
};

static void kn_res_of(const struct kn_env *e, struct kn_res r[KN_NR_RES])
{
	r[KN_CPU] = (struct kn_res){ e->cpu_limit, e->cpu_reserve };
	r[KN_MEM] = (struct kn_res){ e->mem_limit, e->mem_reserve };
}

#define KN_NUM_LEN	24

/* "1.500 CPUs" or "256 MiB". */
static const char *kn_res_fmt(char *buf, int res, u64 v)
{
	if (res == KN_CPU)
		scnprintf(buf, KN_NUM_LEN, "%llu.%03llu CPUs", v / 1000,
			  v % 1000);
	else
		scnprintf(buf, KN_NUM_LEN, "%llu MiB", v >> 20);
	return buf;
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

/* One resource of the new envelope against the room and the others. */
static int kn_admit_res(int i, const struct kn_res *want, u64 cap, u64 resv,
			const struct kn_admit_scan *s, char *why, size_t len)
{
	char a[KN_NUM_LEN], b[KN_NUM_LEN], c[KN_NUM_LEN];
	const char *n = kn_res_name[i];
	u64 free = resv - min(s->taken[i], resv);
	int at;

	if (want->limit && want->reserve > want->limit) {
		scnprintf(why, len, "%s.reserve %s is above %s.limit %s",
			  n, kn_res_fmt(a, i, want->reserve), n,
			  kn_res_fmt(b, i, want->limit));
		return -EINVAL;
	}
	if (max(want->limit, want->reserve) > cap) {
		scnprintf(why, len, "%s asked, but L%u has %s to give",
			  kn_res_fmt(a, i, max(want->limit, want->reserve)),
			  kn_depth(), kn_res_fmt(b, i, cap));
		return -ENOSPC;
	}
	if (want->reserve > free) {
		at = scnprintf(why, len, "%s.reserve %s does not fit in L%u: ",
			       n, kn_res_fmt(a, i, want->reserve), kn_depth());
		scnprintf(why + at, len - at, "%s reservable, %s held by others, %s fits",
			  kn_res_fmt(b, i, resv), kn_res_fmt(c, i, s->taken[i]),
			  kn_res_fmt(a, i, free));
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
	if (env->cpus & ~room.cpus) {
		unsigned long w = env->cpus, have = room.cpus;

		scnprintf(why, len, "cpus %*pbl are not all CPUs of L%u, which has %*pbl",
			  KN_ENV_MAX_CPUS, &w, kn_depth(), KN_ENV_MAX_CPUS,
			  &have);
		return -ENOSPC;
	}
	kn_admit_scan(&s, id ? NULL : name);
	kn_res_of(env, want);
	for (i = 0; i < KN_NR_RES; i++) {
		err = kn_admit_res(i, &want[i],
				   i == KN_CPU ? room.cpu_cap : room.mem_cap,
				   i == KN_CPU ? room.cpu_resv : room.mem_resv,
				   &s, why, len);
		if (err)
			return err;
	}
	return 0;
}
