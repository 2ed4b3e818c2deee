// SPDX-License-Identifier: GPL-2.0
/*
 * Delegated exits give the answers L1 would (delegation.rst). Our L1 runs an L2
 * and answers its CPUIDs from a table, and its RDMSRs of the MSRs it
 * intercepts; it registers both with kvm-nest (HELLO, then DELEGATE keyed
 * by its vmcb12/vmcs12 address), minus the leaves L0 must never answer:
 *  - one CPUID sequence (hits, misses, subleaves, leaves L1 keeps) gives
 *    byte-identical results with accel 0 and 1, and the table's values;
 *  - one RDMSR sequence likewise (compared by L2 itself and here); MSRs
 *    L1 does not intercept for both reads and writes are never answered
 *    from the policy (SVM).
 * kvm-nest's accel parameter switches delegation; L0 arms it only once it
 * has seen an L2 exit reach L1, so each switch to 1 starts with warm-up
 * round trips (not counted). Shared set-up: kn_deleg_scene.h.
 */
#include <stdbool.h>
#include <string.h>

#include "kn_deleg_scene.h"
#include "kn_tap.h"

/* Same answers with and without delegation, and the table's. */
#define PLAN_SAME 7
static void same_answers(struct kn_deleg_l1 *t)
{
	static const struct kn_deleg_l1_query seq[] = {
		{ 0x0, 0 }, { 0x0, 5 }, { 0x4, 0 }, { 0x4, 1 }, { 0x4, 2 },
		{ 0x4, 3 }, { 0x6, 7 }, { 0xa, 0 }, { 0x80000000, 0 },
		{ 0x80000002, 3 }, { 0x80000008, 0 }, { 0x3fffffff, 0 },
		{ 0x50000000, 0 }, { 0x1, 0 }, { 0xd, 1 }, { 0xd, 0 },
		{ 0x40000000, 0 }, { 0x80000003, 0 }, { 0x7, 0 }, { 0xb, 1 },
	};
	unsigned int n = sizeof(seq) / sizeof(seq[0]), hit = 0, wrong = 0;
	struct kn_cpuid r0[KN_DELEG_L1_MAX_Q];
	struct kn_deleg_l1_delta d0, d1;
	bool armed;

	for (unsigned int i = 0; i < n; i++)
		hit += !!kn_deleg_find(kn_scene.tt.pol.e, kn_scene.tt.pol.n, seq[i].leaf, seq[i].sub);
	kn_accel_set(0);
	kn_deleg_l1_queries(t, seq, n);
	kn_deleg_l1_run(t, KN_DELEG_L2_SEQ, &d0);
	memcpy(r0, t->j->res, sizeof(r0));
	for (unsigned int i = 0; i < n; i++) {
		struct kn_cpuid e = kn_deleg_l1_answer(&kn_scene.tt.t, seq[i].leaf, seq[i].sub);

		if (memcmp(&e, &r0[i], sizeof(e))) {
			if (!wrong++)
				kn_diag("CPUID %#x.%u: %08x %08x %08x %08x, expected %08x %08x %08x %08x",
					seq[i].leaf, seq[i].sub, r0[i].eax, r0[i].ebx,
					r0[i].ecx, r0[i].edx, e.eax, e.ebx, e.ecx, e.edx);
		}
	}
	kn_ok(!wrong, "same answers: accel 0: %u CPUIDs answered from L1's table or its own way (%u wrong)",
	      n, wrong);
	kn_ok(d0.l1_cpuid == n && d0.ok && d0.delegated == 0,
	      "same answers: accel 0: L1 saw %lu of %u CPUIDs, ctx doll delegated %lu (expected 0)",
	      d0.l1_cpuid, n, d0.delegated);

	armed = kn_scene_warm(t, "same answers");
	kn_ok(armed, "same answers: delegation armed within %u warm-up rounds", KN_DELEG_L1_WARM_ROUNDS);
	kn_deleg_l1_queries(t, seq, n);
	kn_deleg_l1_run(t, KN_DELEG_L2_SEQ, &d1);
	wrong = 0;
	for (unsigned int i = 0; i < n; i++)
		if (memcmp(&r0[i], &t->j->res[i], sizeof(r0[i])) && !wrong++)
			kn_diag("CPUID %#x.%u with accel 1: %08x %08x %08x %08x, accel 0 gave %08x %08x %08x %08x",
				seq[i].leaf, seq[i].sub, t->j->res[i].eax, t->j->res[i].ebx,
				t->j->res[i].ecx, t->j->res[i].edx, r0[i].eax, r0[i].ebx,
				r0[i].ecx, r0[i].edx);
	kn_ok(!wrong, "same answers: accel 1 gives byte for byte what accel 0 gave (%u of %u differ)",
	      wrong, n);
	kn_ok(d1.ok && d1.delegated == hit,
	      "same answers: accel 1: ctx doll delegated %lu, expected %u (the policy's hits)",
	      d1.delegated, hit);
	kn_ok(d1.l1_cpuid == n - hit,
	      "same answers: accel 1: L1 saw %lu CPUIDs, expected %u (misses and leaves it keeps)",
	      d1.l1_cpuid, n - hit);
	kn_ok(d1.cpuid == n, "same answers: accel 1: ctx doll counted %lu CPUID exits, expected %u",
	      d1.cpuid, n);
}

#define PLAN_MSR_SAME 6
static void msr_same(struct kn_deleg_l1 *t)
{
	static const uint32_t seq[] = {
		0xfe, 0x10a, 0x1a0, 0xc0011029, KN_SCENE_MSR_KEPT, 0xce, 0x8b, 0xfe, 0x1a0,
	};
	unsigned int n = sizeof(seq) / sizeof(seq[0]), hits = 0, icpt = 0, wrong = 0;
	uint64_t r0[KN_DELEG_L1_MAX_Q];
	struct kn_deleg_l1_delta d0, d1;
	int g8b = kn_deleg_l1_msr_find(0x8b), gce = kn_deleg_l1_msr_find(0xce);

	for (unsigned int i = 0; i < n; i++) {
		hits += kn_scene_msr_delegable(seq[i]);
		icpt += kn_scene_msr_l1_reads(seq[i]);
	}
	kn_scene_msr_grant(t, "RDMSR same answers");
	kn_accel_set(0);
	kn_scene_msr_queries(t, seq, n);
	t->j->mcheck = 0;
	kn_deleg_l1_run(t, KN_DELEG_L2_MSRS, &d0);
	memcpy(r0, t->j->mres, sizeof(r0));
	for (unsigned int i = 0; i < n; i++) {
		int k = kn_deleg_l1_msr_find(seq[i]);

		if (kn_scene_msr_l1_reads(seq[i]) && r0[i] != kn_deleg_l1_msrs[k].value && !wrong++)
			kn_diag("RDMSR %#x: %#lx, L1's answer is %#lx", seq[i], r0[i],
				kn_deleg_l1_msrs[k].value);
	}
	kn_ok(!wrong, "RDMSR same answers: accel 0: %u RDMSRs, those L1 takes answered as L1 does (%u wrong)",
	      n, wrong);
	kn_ok(d0.ok && d0.l1_rdmsr == icpt && d0.delegated == 0,
	      "RDMSR same answers: accel 0: L1 saw %lu of %u RDMSRs (expected %u), delegated %lu (expected 0)",
	      d0.l1_rdmsr, n, icpt, d0.delegated);

	if (!kn_scene_warm(t, "RDMSR same answers"))
		kn_diag("RDMSR same answers: continuing unarmed");
	memcpy(t->j->mref, r0, sizeof(r0));
	t->j->mcheck = 1;
	kn_deleg_l1_run(t, KN_DELEG_L2_MSRS, &d1);
	t->j->mcheck = 0;
	wrong = 0;
	for (unsigned int i = 0; i < n; i++)
		if (r0[i] != t->j->mres[i] && !wrong++)
			kn_diag("RDMSR %#x with accel 1: %#lx, accel 0 gave %#lx", seq[i],
				t->j->mres[i], r0[i]);
	kn_ok(!wrong && !t->j->l2_bad,
	      "RDMSR same answers: accel 1 gives byte for byte what accel 0 gave (L2 found %lu of %u differ, we %u)",
	      t->j->l2_bad, n, wrong);
	kn_ok(d1.ok && d1.delegated == hits,
	      "RDMSR same answers: accel 1: ctx doll delegated %lu, expected %u", d1.delegated, hits);
	kn_ok(d1.ok && d1.l1_rdmsr == icpt - hits && d1.msr == n,
	      "RDMSR same answers: accel 1: L1 saw %lu RDMSRs (expected %u), ctx doll counted %lu MSR exits (expected %u)",
	      d1.l1_rdmsr, icpt - hits, d1.msr, n);
	if (kn_vendor != KN_AMD) {
		kn_skip("VMX: our L1 has no MSR bitmap, it takes every RDMSR and WRMSR");
		return;
	}
	/* In the policy with other values: 0x8b not intercepted, 0xce not for writes. */
	kn_ok(t->j->mres[6] != ~kn_deleg_l1_msrs[g8b].value && t->j->mres[6] == r0[6] &&
	      t->j->mres[5] == kn_deleg_l1_msrs[gce].value,
	      "RDMSR not fully intercepted: 0x8b answered %#lx by L0 for L1 (the policy says %#lx), 0xce %#lx by L1 (the policy says %#lx)",
	      t->j->mres[6], ~kn_deleg_l1_msrs[g8b].value, t->j->mres[5], ~kn_deleg_l1_msrs[gce].value);
}

int main(int argc, char **argv)
{
	struct kn_deleg_l1 *t = kn_scene_begin(argc, argv, 1000, PLAN_SAME + PLAN_MSR_SAME, false);

	same_answers(t);
	msr_same(t);
	kn_scene_end();
}
