// SPDX-License-Identifier: GPL-2.0
/*
 * Delegated exits, counted exactly (delegation.rst): N CPUIDs, then N RDMSRs of
 * MSRs L1 intercepts both ways, each followed by a VMMCALL, are N
 * delegated exits and one reflected (accel 1), or N + 1 reflected
 * (accel 0), on the ctx doll; L1 sees none (accel 1) or N; our L1 doll
 * counts one VMRUN/VMRESUME (accel 1) or N + 1.
 * kvm-nest's accel parameter switches delegation; L0 arms it only once it
 * has seen an L2 exit reach L1, so each switch to 1 starts with warm-up
 * round trips (not counted). Shared set-up: kn_deleg_scene.h.
 */
#include "kn_deleg_scene.h"
#include "kn_tap.h"

static const uint32_t msr_hits[] = { 0xfe, 0x10a, 0x1a0, 0xc0011029 };

/* What a burst is made of, and where its exits are counted. */
struct op {
	const char *name, *insn;
	bool msr;
};

static const struct op cpuid_op = { "exact counts", "CPUID", false };
static const struct op rdmsr_op = { "RDMSR exact counts", "RDMSR", true };

#define PLAN_COUNTS 7
static void counts(struct kn_deleg_l1 *t, const struct op *op, bool on)
{
	const char *m = on ? "accel 1" : "accel 0", *w = op->name;
	unsigned long n = kn_scene.n, exits, l1_saw;
	struct kn_deleg_l1_delta d;

	if (op->msr)
		kn_scene_msr_grant(t, w);
	if (on)
		kn_scene_warm(t, w);
	else
		kn_accel_set(0);
	if (op->msr)
		kn_scene_msr_burst(t, msr_hits, sizeof(msr_hits) / sizeof(msr_hits[0]), n, &d);
	else
		kn_scene_burst(t, n, &d);
	exits = op->msr ? d.msr : d.cpuid;
	l1_saw = op->msr ? d.l1_rdmsr : d.l1_cpuid;
	kn_ok(d.ok && t->j->l2_bad == 0,
	      "%s: %s: %lu %ss, %lu wrong answers", w, m, n, op->insn, t->j->l2_bad);
	kn_ok(d.ok && d.delegated == (on ? n : 0),
	      "%s: %s: ctx doll delegated %lu, expected %lu", w, m, d.delegated, on ? n : 0);
	kn_ok(d.ok && d.reflected == (on ? 1 : n + 1),
	      "%s: %s: ctx doll reflected %lu, expected %lu", w, m, d.reflected, on ? 1 : n + 1);
	kn_ok(d.ok && exits == n,
	      "%s: %s: ctx doll counted %lu %s exits, expected %lu", w, m, exits, op->insn, n);
	kn_ok(l1_saw == (on ? 0 : n),
	      "%s: %s: L1 saw %lu %s exits, expected %lu", w, m, l1_saw, op->insn, on ? 0 : n);
	kn_ok(d.ok && d.l1doll_cpuid == 0,
	      "%s: %s: L1 doll counted %lu CPUID exits, expected 0 (L1 makes none)",
	      w, m, d.l1doll_cpuid);
	kn_ok(d.ok && d.vmrun == (on ? 1 : n + 1),
	      "%s: %s: L1 doll counted %lu VMRUN/VMRESUME exits (%#x), expected %lu",
	      w, m, d.vmrun, kn_deleg_l1_vmrun_code(), on ? 1 : n + 1);
}

int main(int argc, char **argv)
{
	struct kn_deleg_l1 *t = kn_scene_begin(argc, argv, 1000, 4 * PLAN_COUNTS, false);

	counts(t, &cpuid_op, true);
	counts(t, &cpuid_op, false);
	counts(t, &rdmsr_op, true);
	counts(t, &rdmsr_op, false);
	kn_scene_end();
}
