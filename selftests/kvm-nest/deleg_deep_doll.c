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
 * Prints "deep-phase NAME l1_cpuid=X l2_bad=Y" after each burst.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kn_deleg_scene.h"
#include "kn_tap.h"

static unsigned int pause_s;

static void phase(struct kn_deleg_l1 *a, const char *name, unsigned long n)
{
	kn_deleg_l1_burst(a, kn_scene_hits, KN_SCENE_NHITS, n, NULL);
	printf("deep-phase %s l1_cpuid=%llu l2_bad=%llu\n", name,
	       (unsigned long long)a->j->l1_cpuid, (unsigned long long)a->j->l2_bad);
	printf("deep-step %s\n", name);
	fflush(stdout);
	sleep(pause_s);
}

int main(int argc, char **argv)
{
	static struct kn_deleg_l1_tables tt;
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
	printf("deep-step pre\n");
	fflush(stdout);
	sleep(pause_s);
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
	kn_deleg_l1_stop(&a);
	printf("deep-done\n");
	return 0;
}
