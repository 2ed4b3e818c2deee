// SPDX-License-Identifier: GPL-2.0
/*
 * Consistency after delegated CPUIDs of every form (delegation.rst): CPUID in
 * prefixed, REX, 15-byte and page-crossing forms with canaries in the
 * other GPRs, the last in a MOV SS shadow; at the HLT that follows, L1
 * finds RIP, RSP, RAX..RDX, the canaries and no interrupt shadow, as if
 * it had answered. With accel 0, then 1.
 * kvm-nest's accel parameter switches delegation; L0 arms it only once it
 * has seen an L2 exit reach L1, so each switch to 1 starts with warm-up
 * round trips (not counted). Shared set-up: kn_deleg_scene.h.
 */
#include <string.h>

#include "kn_cpuforms.h"
#include "kn_deleg_scene.h"
#include "kn_tap.h"

/* Consistency after delegated CPUIDs of every form. */
#define PLAN_FORMS 3
static void forms(struct kn_deleg_l1 *t, bool on)
{
	static const struct kn_deleg_l1_query q[KN_FORMS] = {
		{ 0x0, 0 }, { 0x4, 1 }, { 0x4, 3 }, { 0x6, 2 }, { 0x80000002, 1 },
		{ 0x80000008, 0 }, { 0xa, 0 }, { 0x3fffffff, 0 }, { 0x4, 0 },
		{ 0x80000000, 4 }, { 0x50000000, 9 },
	};
	struct kn_form_in *in = *KN_GUEST_VAR(&t->vm, kn_forms_in);
	uint64_t (*res)[4] = *KN_GUEST_VAR(&t->vm, kn_forms_res);
	const char *m = on ? "accel 1" : "accel 0";
	unsigned int wrong = 0, plain = 0;
	struct kn_deleg_l1_delta d;

	for (unsigned int i = 0; i < KN_FORMS; i++) {
		plain += kn_forms_plain[i];
		in[i].rax = 0xdeadbeef00000000UL | q[i].leaf;
		in[i].rcx = 0xfeedface00000000UL | q[i].sub;
	}
	memset(res, 0, sizeof(kn_forms_res));
	if (on)
		kn_scene_warm(t, "consistency");
	else
		kn_accel_set(0);
	kn_deleg_l1_run(t, KN_DELEG_L2_FORMS, &d);
	for (unsigned int i = 0; i < KN_FORMS; i++) {
		struct kn_cpuid e = kn_deleg_l1_answer(&kn_scene.tt.t, q[i].leaf, q[i].sub);
		const uint64_t want[4] = { e.eax, e.ebx, e.ecx, e.edx };

		if (memcmp(want, res[i], sizeof(want))) {
			wrong++;
			kn_diag("%s: form %s: %lx %lx %lx %lx, expected %lx %lx %lx %lx", m,
				kn_forms_name[i], res[i][0], res[i][1], res[i][2], res[i][3],
				want[0], want[1], want[2], want[3]);
		}
	}
	kn_ok(!wrong, "consistency: %s: %u CPUID forms answered, zero-extended (%u wrong)",
	      m, KN_FORMS, wrong);
	kn_ok(t->j->l1_hlt == 1 && !t->j->hlt_bad,
	      "consistency: %s: at the HLT L1 finds rip %#lx (expected %#lx), rsp %#lx (expected %#lx), failed checks %#x (rip 1 rsp 2 rax..rdx 4 canaries 8 shadow 16)",
	      m, t->j->hlt_rip, (uint64_t)kn_forms_hlt, t->j->hlt_rsp,
	      *KN_GUEST_VAR(&t->vm, kn_forms_rsp), t->j->hlt_bad);
	/* Forms past a minimal decoder may go either way, but not both. */
	if (on)
		kn_ok(d.ok && d.delegated >= plain && d.delegated + d.l1_cpuid == KN_FORMS,
		      "consistency: accel 1: delegated %lu (at least %u), L1 saw %lu; together %u",
		      d.delegated, plain, d.l1_cpuid, KN_FORMS);
	else
		kn_ok(d.ok && d.delegated == 0 && d.l1_cpuid == KN_FORMS,
		      "consistency: accel 0: delegated %lu, L1 saw %lu; expected 0 and %u",
		      d.delegated, d.l1_cpuid, KN_FORMS);
	kn_diag("consistency: %s: HLT at %#lx", m, t->j->hlt_rip);
}

int main(int argc, char **argv)
{
	struct kn_deleg_l1 *t = kn_scene_begin(argc, argv, 1000, 2 * PLAN_FORMS, false);

	forms(t, false);
	forms(t, true);
	kn_scene_end();
}
