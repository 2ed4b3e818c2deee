// SPDX-License-Identifier: GPL-2.0
/*
 * Revocation of delegated exits by L1 (delegation.rst): grants, replacements,
 * revocations and revoke-alls between batches of one L2 run, and by L1's
 * other vCPU while L2 runs: every answer right, delegated + seen by L1 ==
 * the CPUIDs made, exactly.
 * kvm-nest's accel parameter switches delegation; L0 arms it only once it
 * has seen an L2 exit reach L1, so each switch to 1 starts with warm-up
 * round trips (not counted). Shared set-up: kn_deleg_scene.h.
 */
#include <pthread.h>
#include <string.h>

#include "kn_deleg_scene.h"
#include "kn_hypercall.h"
#include "kn_tap.h"

/* Revocation and replacement between batches of one run. */
#define PLAN_REVOKE 5
static void revocation(struct kn_deleg_l1 *t)
{
	/* Per batch: G grant pol, g grant pol2 (L1 switches tables), r revoke, A revoke all. */
	static const char plan[KN_DELEG_L1_MAX_B + 1] = "GrGgAGrrGAgG";
	unsigned int m = 40, granted = 0, bad_ret = 0;
	unsigned long total = (unsigned long)m * KN_DELEG_L1_MAX_B;
	struct kn_deleg_l1_delta d;

	if (!kn_scene_warm(t, "revocation"))
		kn_diag("revocation: continuing unarmed");
	/* Batch 0 runs under the policy in place: pol, table 0. */
	if (kn_deleg_l1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &kn_scene.tt.pol))
		kn_diag("revocation: granting the first policy failed");
	/* The schedule's buffers stay until the run is over. */
	kn_deleg_l1_reset(t);
	for (unsigned int b = 0; b < KN_DELEG_L1_MAX_B; b++) {
		uint64_t ctx = plan[b] == 'A' ? 0 : t->ctx;
		uint32_t cls = plan[b] == 'G' || plan[b] == 'g' ? KVM_NEST_DELEG_CPUID : 0;
		uint32_t fl = plan[b] == 'A' ? KVM_NEST_DELEG_F_REVOKE_ALL : 0;
		const struct kn_deleg_l1_table *tab = plan[b] == 'G' ? &kn_scene.tt.pol : plan[b] == 'g' ? &kn_scene.tt.pol2 : NULL;
		static uint8_t buf[KVM_NEST_CH_DELEGATE_MAX];
		size_t len = kn_deleg_put(buf, ctx, cls, fl, tab ? tab->e : NULL,
					  tab ? tab->n : 0);

		t->j->sched[b].gpa = kn_deleg_l1_put(t, buf, len);
		t->j->sched[b].len = len;
		/* L1 answers from the table it granted last; a revoke keeps it. */
		t->j->sched[b].tab = plan[b] == 'g' ? 1 : plan[b] == 'G' ? 0 :
				     b ? t->j->sched[b - 1].tab : 0;
		t->j->sched_ret[b] = 0;
		granted += cls != 0;
	}
	t->j->cur = 0;
	kn_deleg_l1_queries(t, kn_scene_hits, KN_SCENE_NHITS);
	t->j->n = m;
	t->j->batches = KN_DELEG_L1_MAX_B;
	kn_deleg_l1_run(t, KN_DELEG_L2_BATCHES, &d);
	for (unsigned int b = 1; b < KN_DELEG_L1_MAX_B; b++)
		if (t->j->sched_ret[b]) {
			bad_ret++;
			kn_diag("revocation: batch %u: DELEGATE (%c) answered %ld", b, plan[b],
				t->j->sched_ret[b]);
		}
	kn_ok(!bad_ret, "revocation: L1's %u grants, revokes and revoke-alls mid-run all answered 0",
	      KN_DELEG_L1_MAX_B - 1);
	kn_ok(t->j->l2_bad == 0, "revocation: %lu CPUIDs in %u batches, %lu wrong answers",
	      total, KN_DELEG_L1_MAX_B, t->j->l2_bad);
	kn_ok(d.ok && d.delegated + d.l1_cpuid == total,
	      "revocation: delegated %lu + seen by L1 %lu == %lu CPUIDs", d.delegated,
	      d.l1_cpuid, total);
	kn_ok(d.ok && d.delegated == (unsigned long)m * granted,
	      "revocation: delegated %lu, expected %lu (%u granted batches of %u)",
	      d.delegated, (unsigned long)m * granted, granted, m);
	kn_ok(d.ok && d.cpuid == total && d.reflected == d.l1_cpuid + KN_DELEG_L1_MAX_B,
	      "revocation: ctx doll counted %lu CPUID exits (expected %lu), reflected %lu (expected %lu)",
	      d.cpuid, total, d.reflected, d.l1_cpuid + KN_DELEG_L1_MAX_B);
	t->j->cur = 0;
}

/* Revoke and grant from L1's other vCPU while L2 runs. */
#define PLAN_RACE 2
struct racer {
	struct kn_deleg_l1 *t;
	struct kn_deleg_l1_delta d;
	volatile int done;
};

static void *race_run(void *arg)
{
	struct racer *r = arg;

	kn_deleg_l1_run(r->t, KN_DELEG_L2_BURST, &r->d);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* A DELEGATE buffer of its own, for the whole test. */
static uint64_t buffer(struct kn_deleg_l1 *t, uint64_t ctx, uint32_t classes,
		       const struct kn_deleg_l1_table *tab, uint64_t *len)
{
	static uint8_t buf[KVM_NEST_CH_DELEGATE_MAX];
	uint64_t gpa;

	*len = kn_deleg_put(buf, ctx, classes, 0, tab ? tab->e : NULL, tab ? tab->n : 0);
	gpa = kn_vm_alloc(&t->vm, *len);
	memcpy(kn_gpa(&t->vm, gpa, *len), buf, *len);
	return gpa;
}

static void race(struct kn_deleg_l1 *t)
{
	static struct kn_hypercall_queue q;
	unsigned long n = 3000, revokes = 0, grants = 0, rbusy = 0, gbusy = 0;
	struct racer r = { .t = t };
	uint64_t g_gpa, g_len, r_gpa, r_len;
	pthread_t th;

	kn_hypercall_init(&q, &t->vm, 2, NULL);	/* vCPU 1: L1 making calls */
	g_gpa = buffer(t, t->ctx, KVM_NEST_DELEG_CPUID, &kn_scene.tt.pol, &g_len);
	r_gpa = buffer(t, t->ctx, 0, NULL, &r_len);
	kn_scene_warm(t, "race");
	kn_deleg_l1_queries(t, kn_scene_hits, KN_SCENE_NHITS);
	t->j->n = (uint32_t)n;
	if (pthread_create(&th, NULL, race_run, &r))
		kn_bail("pthread_create failed");
	while (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE)) {
		kn_hypercall_add(&q, KVM_NEST_HC, KVM_NEST_CH_DELEGATE, r_gpa, r_len);
		kn_hypercall_add(&q, KVM_NEST_HC, KVM_NEST_CH_DELEGATE, g_gpa, g_len);
		kn_hypercall_flush(&q);
		revokes += !q.calls[0].ret;
		grants += !q.calls[1].ret;
		rbusy += q.calls[0].ret == -KVM_NEST_EBUSY;
		gbusy += q.calls[1].ret == -KVM_NEST_EBUSY;
	}
	pthread_join(th, NULL);
	kn_hypercall_end(&q);
	kn_diag("race: meanwhile vCPU 1 revoked %lu and granted %lu times (refused busy: %lu and %lu)",
		revokes, grants, rbusy, gbusy);
	kn_ok(r.d.ok && !t->j->l2_bad && r.d.delegated + r.d.l1_cpuid == n,
	      "race: %lu CPUIDs, %lu wrong; delegated %lu + seen by L1 %lu == %lu",
	      n, t->j->l2_bad, r.d.delegated, r.d.l1_cpuid, n);
	kn_ok(r.d.ok && r.d.cpuid == n && r.d.reflected == r.d.l1_cpuid + 1,
	      "race: ctx doll counted %lu CPUID exits (expected %lu), reflected %lu (expected %lu)",
	      r.d.cpuid, n, r.d.reflected, r.d.l1_cpuid + 1);
	if (kn_deleg_l1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &kn_scene.tt.pol))
		kn_diag("race: granting the policy again failed");
}

int main(int argc, char **argv)
{
	struct kn_deleg_l1 *t = kn_scene_begin(argc, argv, 1000, PLAN_REVOKE + PLAN_RACE, false);

	revocation(t);
	race(t);
	kn_scene_end();
}
