// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "kn_deleg_scene.h"
#include "kn_tap.h"

struct kn_scene kn_scene;

const struct kn_deleg_l1_query kn_scene_hits[KN_SCENE_NHITS] = {
	{ 0x0, 0 }, { 0x4, 1 }, { 0x80000000, 0 }, { 0x80000002, 0 },
	{ 0x80000008, 7 },
};

#define MSR_ALL		(KN_DELEG_L1_RD | KN_DELEG_L1_WR)

/*
 * L1's MSR policy: what it intercepts both ways, but MSR_KEPT; on SVM
 * also what it does not fully intercept, with values that are not L1's
 * answers, which L0 must never give.
 */
static void msr_policy(struct kn_scene *s)
{
	s->mpol = s->tt.pol;
	for (unsigned int i = 0; i < kn_deleg_l1_nr_msrs; i++) {
		const struct kn_deleg_l1_msr *m = &kn_deleg_l1_msrs[i];
		bool all = m->icpt == MSR_ALL && m->index != KN_SCENE_MSR_KEPT;

		if (!all && (m->icpt == MSR_ALL || kn_vendor != KN_AMD))
			continue;
		s->mpol.m[s->mpol.nm++] = (struct kvm_nest_ch_msr){
			.index = m->index, .value = all ? m->value : ~m->value,
		};
		s->msr_hits += all;
	}
}

struct kn_deleg_l1 *kn_scene_begin(int argc, char **argv, unsigned long n,
				   unsigned int plan, bool irqchip)
{
	struct kn_scene *s = &kn_scene;
	struct kn_deleg_l1 *t = &s->l1;
	int accel0;
	int64_t r;

	s->n = kn_deleg_l1_arg_n(argc, argv, n);
	kn_deleg_l1_tables(&s->tt);
	if (irqchip)
		kn_deleg_l1_start_irqchip(t, KN_MEM_DEFAULT, &s->tt.t, &s->tt.t2);
	else
		kn_deleg_l1_start(t, KN_MEM_DEFAULT, &s->tt.t, &s->tt.t2);
	msr_policy(s);	/* needs the vendor */
	accel0 = kn_deleg_l1_accel_keep();
	kn_plan(2 + plan);
	kn_diag("%s, vmcb12/vmcs12 at %#lx, accel was %d, bursts of %lu",
		kn_vendor == KN_AMD ? "SVM" : "VMX", t->ctx, accel0, s->n);
	/* One round trip: L0 now has our ctx doll. */
	t->j->nq = 0;
	kn_deleg_l1_run(t, KN_DELEG_L2_SEQ, NULL);
	s->early = kn_deleg_l1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &s->tt.pol);
	r = kn_deleg_l1_hello(t);
	kn_ok(!r, "HELLO: %ld", r);
	r = kn_deleg_l1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &s->tt.pol);
	kn_ok(!r, "DELEGATE of L1's table minus the leaves it keeps (%u of %u entries): %ld",
	      s->tt.pol.n, s->tt.t.n, r);
	return t;
}

void kn_scene_end(void)
{
	kn_deleg_l1_stop(&kn_scene.l1);
	kn_finish();
}

void kn_scene_burst(struct kn_deleg_l1 *t, unsigned long n, struct kn_deleg_l1_delta *d)
{
	kn_deleg_l1_burst(t, kn_scene_hits, KN_SCENE_NHITS, n, d);
}

bool kn_scene_warm(struct kn_deleg_l1 *t, const char *what)
{
	unsigned int r = kn_deleg_l1_warm(t, kn_scene_hits, KN_SCENE_NHITS);

	if (r > 1)
		kn_diag("%s: delegation armed after %u warm-up rounds", what, r);
	if (!r)
		kn_diag("%s: L1 still saw CPUIDs after %u warm-up rounds of 10: not armed", what,
			KN_DELEG_L1_WARM_ROUNDS);
	return r;
}

int64_t kn_scene_grant(struct kn_deleg_l1 *t, const struct kn_deleg_l1_table *tab)
{
	t->j->cur = tab == &kn_scene.tt.pol2;
	return kn_deleg_l1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, tab);
}

bool kn_scene_msr_delegable(uint32_t index)
{
	int i = kn_deleg_l1_msr_find(index);

	return i >= 0 && kn_deleg_l1_msrs[i].icpt == MSR_ALL && index != KN_SCENE_MSR_KEPT;
}

bool kn_scene_msr_l1_reads(uint32_t index)
{
	int i = kn_deleg_l1_msr_find(index);

	return kn_vendor != KN_AMD || (i >= 0 && kn_deleg_l1_msrs[i].icpt & KN_DELEG_L1_RD);
}

void kn_scene_msr_queries(struct kn_deleg_l1 *t, const uint32_t *q, unsigned int n)
{
	if (n > KN_DELEG_L1_MAX_Q)
		kn_bail("%u MSR queries", n);
	memcpy(t->j->mq, q, n * sizeof(*q));
	t->j->nmq = n;
}

void kn_scene_msr_grant(struct kn_deleg_l1 *t, const char *what)
{
	int64_t r = kn_deleg_l1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID | KVM_NEST_DELEG_RDMSR,
					 0, &kn_scene.mpol);

	if (r)
		kn_diag("%s: granting CPUID and %u MSRs: %ld", what, kn_scene.mpol.nm, r);
}

void kn_scene_msr_burst(struct kn_deleg_l1 *t, const uint32_t *q, unsigned int nq,
			unsigned long n, struct kn_deleg_l1_delta *d)
{
	kn_scene_msr_queries(t, q, nq);
	t->j->n = (uint32_t)n;
	kn_deleg_l1_run(t, KN_DELEG_L2_MSR_BURST, d);
}
