// SPDX-License-Identifier: GPL-2.0
/*
 * An L2 WRMSR of a delegated MSR (delegation.rst): L1 intercepts both reads and
 * writes of the MSRs it delegates, so the write reaches L1 (L0 sees it
 * first and drops the MSR from the policy); L2 then reads the new value
 * from L1, while the other MSRs stay delegated.
 * kvm-nest's accel parameter switches delegation; L0 arms it only once it
 * has seen an L2 exit reach L1, so each switch to 1 starts with warm-up
 * round trips (not counted). Shared set-up: kn_deleg_scene.h.
 */
#include "kn_deleg_scene.h"
#include "kn_tap.h"

#define PLAN_MSR_WRITE 4
static void msr_write(struct kn_deleg_l1 *t)
{
	static const uint32_t others[] = { 0xfe, 0x10a, 0xc0011029 };
	static const uint32_t written[] = { KN_SCENE_MSR_WRITTEN };
	int k = kn_deleg_l1_msr_find(KN_SCENE_MSR_WRITTEN);
	uint64_t v = 0x4b4e000077770001UL;
	struct kn_deleg_l1_delta d;

	kn_scene_msr_grant(t, "RDMSR after WRMSR");
	kn_scene_warm(t, "RDMSR after WRMSR");
	kn_scene_msr_burst(t, written, 1, 10, &d);
	if (d.delegated != 10)
		kn_diag("RDMSR after WRMSR: before the write %lu of 10 delegated", d.delegated);
	t->j->wr_msr = KN_SCENE_MSR_WRITTEN;
	t->j->wr_val = v;
	kn_deleg_l1_run(t, KN_DELEG_L2_MSR_WRITE, &d);
	kn_ok(d.ok && d.l1_wrmsr == 1 && t->j->mval[k] == v && d.l1_rdmsr == 1 &&
	      t->j->mres[0] == v,
	      "RDMSR after WRMSR: L1 saw %lu WRMSR (now %#lx) and %lu RDMSR, L2 read %#lx (expected %#lx)",
	      d.l1_wrmsr, t->j->mval[k], d.l1_rdmsr, t->j->mres[0], v);
	kn_ok(d.ok && d.delegated == 0 && d.reflected == 3,
	      "RDMSR after WRMSR: delegated %lu (expected 0), reflected %lu (expected 3: WRMSR, RDMSR, VMMCALL)",
	      d.delegated, d.reflected);
	kn_scene_msr_burst(t, written, 1, 50, &d);
	kn_ok(d.ok && d.delegated == 0 && d.l1_rdmsr == 50 && !t->j->l2_bad,
	      "RDMSR after WRMSR: %#x stays with L1: delegated %lu, L1 saw %lu of 50, %lu wrong",
	      KN_SCENE_MSR_WRITTEN, d.delegated, d.l1_rdmsr, t->j->l2_bad);
	kn_scene_msr_burst(t, others, sizeof(others) / sizeof(others[0]), 50, &d);
	kn_ok(d.ok && d.delegated == 50 && d.l1_rdmsr == 0 && !t->j->l2_bad,
	      "RDMSR after WRMSR: the other MSRs stay delegated: %lu of 50, L1 saw %lu, %lu wrong",
	      d.delegated, d.l1_rdmsr, t->j->l2_bad);
	t->j->mval[k] = kn_deleg_l1_msrs[k].value;
}

int main(int argc, char **argv)
{
	struct kn_deleg_l1 *t = kn_scene_begin(argc, argv, 1000, PLAN_MSR_WRITE, false);

	msr_write(t);
	kn_scene_end();
}
