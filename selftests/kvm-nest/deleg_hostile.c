// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile L1 (delegation.rst): a DELEGATE before HELLO, and each malformed
 * policy gets its exact error and changes nothing; 256 policies, not 257;
 * REVOKE_ALL and a new HELLO drop the policy; a good policy still works.
 * kvm-nest's accel parameter switches delegation; L0 arms it only once it
 * has seen an L2 exit reach L1, so each switch to 1 starts with warm-up
 * round trips (not counted). Shared set-up: kn_deleg_scene.h.
 */
#include <unistd.h>

#include "kn_bad_policy.h"
#include "kn_deleg_scene.h"
#include "kn_tap.h"

/* A hostile L1. */
#define PLAN_HOSTILE (KN_BAD_POLICY_NR + 11)
#define FAKE_CTX(i) ((1UL << 32) + (i) * KN_PAGE_SIZE)
static void hostile(struct kn_deleg_l1 *t, int64_t before_hello)
{
	static struct kn_bad_policy c[KN_BAD_POLICY_NR];
	unsigned int n = kn_bad_policy_cases(c, t->ctx, t->vm.mem_size), base, first, ok, busy;
	struct kn_deleg_l1_table one = { .n = 1 };
	struct kn_deleg_l1_delta d;
	int64_t r;

	if (n != KN_BAD_POLICY_NR)
		kn_bail("%u hostile cases, KN_BAD_POLICY_NR says %u", n, KN_BAD_POLICY_NR);
	kn_ok(before_hello == -KVM_NEST_EPROTO,
	      "hostile: DELEGATE before HELLO: %ld, expected %d", before_hello, -KVM_NEST_EPROTO);
	/*
	 * The policy every bad call aims at, and must leave alone. A call
	 * refused for the rate limit revokes what it names, by design: a full
	 * bucket first (the window is 1 s), so that none is.
	 */
	usleep(1100000);
	r = kn_deleg_l1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &kn_scene.tt.pol);
	kn_deleg_l1_reset(t);
	for (unsigned int i = 0; i < n; i++)
		kn_bad_policy_queue(t, &c[i]);
	busy = t->busy;
	kn_deleg_l1_flush(t);
	busy = t->busy - busy;
	if (busy)
		kn_diag("hostile: %u bad calls met the rate limit, which revokes the policy they name",
			busy);
	for (unsigned int i = 0; i < n; i++) {
		int64_t got = t->j->calls[i].ret;

		kn_ok(got == c[i].err || got == c[i].alt, "hostile: %s: %ld, expected %ld%s",
		      c[i].what, got, c[i].err, c[i].alt != KN_BAD_POLICY_NO_ALT ? " (or the other bound)" : "");
	}
	kn_ok(!r, "hostile: the policy every bad call aims at, granted first: %ld", r);
	/* Nothing changed: L0 still answers from L1's table, every time. */
	kn_scene_warm(t, "hostile");
	kn_scene_burst(t, 200, &d);
	kn_ok(d.ok && d.delegated == 200 && d.l1_cpuid == 0 && !t->j->l2_bad,
	      "hostile: after them the policy answers: delegated %lu of 200, L1 saw %lu, %lu wrong",
	      d.delegated, d.l1_cpuid, t->j->l2_bad);

	/* KVM_NEST_DELEG_MAX_CTX policies, ours among them, and not one more. */
	kn_deleg_l1_reset(t);
	first = kn_deleg_l1_queue_pol(t, 0, 0, KVM_NEST_DELEG_F_REVOKE_ALL, NULL);
	kn_deleg_l1_queue_pol(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &kn_scene.tt.pol);
	one.e[0] = kn_bad_policy_entry(0x80000000, 0, 0);
	/* Contexts are only keys: these need not be anything's address. */
	for (unsigned int i = 1; i <= KVM_NEST_DELEG_MAX_CTX; i++)
		base = kn_deleg_l1_queue_pol(t, FAKE_CTX(i), KVM_NEST_DELEG_CPUID, 0, &one);
	kn_deleg_l1_queue_pol(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &kn_scene.tt.pol);	/* base + 1 */
	kn_deleg_l1_queue_pol(t, FAKE_CTX(1), 0, 0, NULL);				/* base + 2 */
	kn_deleg_l1_queue_pol(t, FAKE_CTX(KVM_NEST_DELEG_MAX_CTX), KVM_NEST_DELEG_CPUID, 0,
			 &one);						/* base + 3 */
	kn_deleg_l1_flush(t);
	ok = 0;
	for (unsigned int i = first; i < base; i++)
		ok += !t->j->calls[i].ret;
	kn_ok(ok == base - first, "hostile: REVOKE_ALL, then %u policies: %u of %u calls answered 0",
	      KVM_NEST_DELEG_MAX_CTX, ok, base - first);
	kn_ok(t->j->calls[base].ret == -KVM_NEST_ENOSPC,
	      "hostile: policy %u: %ld, expected %d", KVM_NEST_DELEG_MAX_CTX + 1,
	      t->j->calls[base].ret, -KVM_NEST_ENOSPC);
	kn_ok(!t->j->calls[base + 1].ret, "hostile: with %u policies, replacing ours: %ld, expected 0",
	      KVM_NEST_DELEG_MAX_CTX, t->j->calls[base + 1].ret);
	kn_ok(!t->j->calls[base + 2].ret && !t->j->calls[base + 3].ret,
	      "hostile: one revoked (%ld), then the extra policy fits (%ld)",
	      t->j->calls[base + 2].ret, t->j->calls[base + 3].ret);
	kn_diag("hostile: waited %u times for the rate limit", t->busy);

	/* REVOKE_ALL takes ours too: stock until granted again. */
	r = kn_deleg_l1_delegate(t, 0, 0, KVM_NEST_DELEG_F_REVOKE_ALL, NULL);
	kn_scene_burst(t, 100, &d);
	kn_ok(!r && d.ok && d.delegated == 0 && d.l1_cpuid == 100 && !t->j->l2_bad,
	      "hostile: REVOKE_ALL (%ld): delegated %lu, L1 saw %lu of 100", r, d.delegated,
	      d.l1_cpuid);
	r = kn_deleg_l1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &kn_scene.tt.pol);
	kn_scene_burst(t, 200, &d);
	kn_ok(!r && d.ok && d.delegated == 200 && d.l1_cpuid == 0 && !t->j->l2_bad,
	      "hostile: granted again (%ld): delegated %lu of 200, L1 saw %lu, %lu wrong", r,
	      d.delegated, d.l1_cpuid, t->j->l2_bad);
	/* A new HELLO means a new kernel in the VM: its policies go. */
	r = kn_deleg_l1_hello(t);
	kn_scene_burst(t, 100, &d);
	kn_ok(!r && d.ok && d.delegated == 0 && d.l1_cpuid == 100,
	      "hostile: HELLO again (%ld) drops the policy: delegated %lu, L1 saw %lu of 100",
	      r, d.delegated, d.l1_cpuid);
	r = kn_deleg_l1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &kn_scene.tt.pol);
	kn_ok(!r, "hostile: granted after the new HELLO: %ld", r);
}

int main(int argc, char **argv)
{
	struct kn_deleg_l1 *t = kn_scene_begin(argc, argv, 1000, PLAN_HOSTILE, false);

	hostile(t, kn_scene.early);
	kn_scene_end();
}
