// SPDX-License-Identifier: GPL-2.0
/*
 * L0 answers only what L1 would get (delegation.rst): L2's CPUIDs that L1 does
 * not intercept (SVM) are L0's own answers, never the policy's; another
 * VM whose vmcb12/vmcs12 is at the same address is not affected.
 * kvm-nest's accel parameter switches delegation; L0 arms it only once it
 * has seen an L2 exit reach L1, so each switch to 1 starts with warm-up
 * round trips (not counted). Shared set-up: kn_deleg_scene.h.
 */
#include <string.h>

#include "kn_deleg_scene.h"
#include "kn_tap.h"

/* L1 lets CPUID through: L0 answers as for L1 itself, never from the policy. */
#define PLAN_NOICPT 3
static void no_intercept(struct kn_deleg_l1 *t)
{
	unsigned int n = KN_SCENE_NHITS, same = 0, fromt = 0;
	struct kn_deleg_l1_delta d;

	if (kn_vendor != KN_AMD) {
		for (unsigned int i = 0; i < PLAN_NOICPT; i++)
			kn_skip("VMX: CPUID exits to L1 unconditionally");
		return;
	}
	kn_scene_warm(t, "no intercept");
	kn_deleg_l1_queries(t, kn_scene_hits, n);
	kn_deleg_l1_native(t);
	t->j->no_icpt = 1;
	kn_deleg_l1_run(t, KN_DELEG_L2_SEQ, &d);
	t->j->no_icpt = 0;
	for (unsigned int i = 0; i < n; i++) {
		const struct kn_deleg_l1_query *q = &kn_scene_hits[i];
		struct kn_cpuid e = kn_deleg_l1_answer(&kn_scene.tt.t, q->leaf, q->sub);

		same += !memcmp(&t->j->res[i], &t->j->native[i], sizeof(e));
		fromt += !memcmp(&t->j->res[i], &e, sizeof(e));
	}
	kn_ok(same == n, "no intercept: %u of %u L2 CPUIDs answered as L1's own", same, n);
	kn_ok(!fromt, "no intercept: %u of %u answered from the policy, expected 0", fromt, n);
	kn_ok(d.ok && d.delegated == 0 && d.l1_cpuid == 0 && d.cpuid == n,
	      "no intercept: delegated %lu, L1 saw %lu, ctx doll CPUID exits %lu; expected 0, 0, %u",
	      d.delegated, d.l1_cpuid, d.cpuid, n);
}

/* The same ctx address in another VM that has no policy. */
#define PLAN_OTHER 3
static void other_vm(struct kn_deleg_l1 *a)
{
	static struct kn_deleg_l1 b;
	struct kn_deleg_l1_delta d;

	kn_deleg_l1_start(&b, a->vm.mem_size + (8UL << 20), &kn_scene.tt.t, &kn_scene.tt.t2);
	kn_ok(b.ctx == a->ctx, "other VM: its vmcb12/vmcs12 is at %#lx too (ours: %#lx)",
	      b.ctx, a->ctx);
	kn_accel_set(1);
	b.j->nq = 0;
	kn_deleg_l1_run(&b, KN_DELEG_L2_SEQ, NULL);
	kn_scene_burst(&b, 200, &d);
	kn_ok(d.ok && d.delegated == 0 && d.l1_cpuid == 200 && !b.j->l2_bad,
	      "other VM, no policy: delegated %lu, its L1 saw %lu of 200", d.delegated, d.l1_cpuid);
	kn_scene_burst(a, 200, &d);
	kn_ok(d.ok && d.delegated == 200 && d.l1_cpuid == 0,
	      "meanwhile ours: delegated %lu of 200, L1 saw %lu", d.delegated, d.l1_cpuid);
	kn_deleg_l1_stop(&b);
}

int main(int argc, char **argv)
{
	struct kn_deleg_l1 *t = kn_scene_begin(argc, argv, 1000, PLAN_NOICPT + PLAN_OTHER, false);

	no_intercept(t);
	other_vm(t);
	kn_scene_end();
}
