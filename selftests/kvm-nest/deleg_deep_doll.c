// SPDX-License-Identifier: GPL-2.0
/*
 * The part of deleg_deep.sh that runs in the L1 doll: a test L1 (at L2
 * from the emulated host) delegates its L2's CPUIDs (L3 there) to the
 * doll's kvm-nest, which forwards them down. Phases, each a burst of N
 * CPUIDs, each followed by "deep-step NAME" and a pause in which the
 * host counts:
 *   a: delegated; none may reach the test L1
 *   b: revoked, L1 answers from another table; every one must reach it
 *   c: delegated again (the host turned its own accel off meanwhile)
 *   d: as c (the host turned its accel on, and CPUID off for our L2 with
 *      nestctl on its id there: the doll's kvm-nest holds that switch)
 *   e: as c (the host turned it back on)
 * Then RDMSR: L1 delegates pol2 and its constant MSRs, and L2 reads one N
 * times:
 *   m: none may reach the test L1 (the host answers them)
 *   n: as m (the host turned its accel off: the doll's kvm-nest answers)
 * Prints "deep-phase NAME l1_cpuid=X l2_bad=Y" after each CPUID burst,
 * "deep-phase NAME l1_rdmsr=X l2_bad=Y" after each RDMSR burst.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kn_deleg_scene.h"
#include "kn_tap.h"

static unsigned int pause_s;

static void step(const char *name)
{
	printf("deep-step %s\n", name);
	fflush(stdout);
	sleep(pause_s);
}

static void phase(struct kn_deleg_l1 *a, const char *name, unsigned long n)
{
	kn_deleg_l1_burst(a, kn_scene_hits, KN_SCENE_NHITS, n, NULL);
	printf("deep-phase %s l1_cpuid=%llu l2_bad=%llu\n", name,
	       (unsigned long long)a->j->l1_cpuid, (unsigned long long)a->j->l2_bad);
	step(name);
}

/* A constant MSR that L1 intercepts both ways, and delegates. */
#define MSR_READ	0x10a

static void msr_phase(struct kn_deleg_l1 *a, const char *name, unsigned long n)
{
	const uint32_t q = MSR_READ;

	kn_scene_msr_burst(a, &q, 1, n, NULL);
	printf("deep-phase %s l1_rdmsr=%llu l2_bad=%llu\n", name,
	       (unsigned long long)a->j->l1_rdmsr, (unsigned long long)a->j->l2_bad);
	step(name);
}

/* pol2 and L1's constant MSRs that it intercepts both ways. */
static void msr_policy(struct kn_deleg_l1_table *t)
{
	for (unsigned int i = 0; i < kn_deleg_l1_nr_msrs; i++) {
		const struct kn_deleg_l1_msr *m = &kn_deleg_l1_msrs[i];

		if (m->icpt == (KN_DELEG_L1_RD | KN_DELEG_L1_WR) && m->index != 0x1a0)
			t->m[t->nm++] = (struct kvm_nest_ch_msr){ .index = m->index,
								   .value = m->value };
	}
}

int main(int argc, char **argv)
{
	static struct kn_deleg_l1_tables tt;
	static struct kn_deleg_l1_table mpol;
	static struct kn_deleg_l1 a;
	unsigned long n;
	int64_t r;

	if (argc != 3)
		kn_bail("usage: %s N PAUSE", argv[0]);
	n = strtoul(argv[1], NULL, 0);
	pause_s = (unsigned int)strtoul(argv[2], NULL, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	kn_deleg_l1_tables(&tt);
	kn_deleg_l1_start(&a, KN_MEM_DEFAULT, &tt.t, &tt.t2);
	a.j->nq = 0;
	kn_deleg_l1_run(&a, KN_DELEG_L2_SEQ, NULL);
	r = kn_deleg_l1_hello(&a);
	r |= kn_deleg_l1_delegate(&a, a.ctx, KVM_NEST_DELEG_CPUID, 0, &tt.pol);
	printf("deep-setup hello+delegate=%lld warm=%u\n", (long long)r,
	       kn_deleg_l1_warm(&a, kn_scene_hits, KN_SCENE_NHITS));
	step("pre");
	phase(&a, "a", n);
	r = kn_deleg_l1_delegate(&a, a.ctx, 0, 0, NULL);
	a.j->cur = 1;
	printf("deep-revoke %lld\n", (long long)r);
	phase(&a, "b", n);
	r = kn_deleg_l1_delegate(&a, a.ctx, KVM_NEST_DELEG_CPUID, 0, &tt.pol2);
	printf("deep-delegate %lld\n", (long long)r);
	phase(&a, "c", n);
	phase(&a, "d", n);
	phase(&a, "e", n);
	mpol = tt.pol2;
	msr_policy(&mpol);
	r = kn_deleg_l1_delegate(&a, a.ctx, KVM_NEST_DELEG_CPUID | KVM_NEST_DELEG_RDMSR, 0,
				 &mpol);
	printf("deep-delegate-msr %lld (%u MSRs)\n", (long long)r, mpol.nm);
	msr_phase(&a, "m", n);
	msr_phase(&a, "n", n);
	kn_deleg_l1_stop(&a);
	printf("deep-done\n");
	return 0;
}
