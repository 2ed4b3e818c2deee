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
 * Prints "deep-phase NAME l1_cpuid=X l2_bad=Y" after each burst.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kn_deleg_l1.h"
#include "kn_tap.h"

static const struct kn_deleg_l1_query hits[] = {
	{ 0x0, 0 }, { 0x80000000, 0 }, { 0x80000002, 0 }, { 0x80000008, 0 },
};
#define NHITS (sizeof(hits) / sizeof(hits[0]))

static unsigned int pause_s;

static uint32_t val(uint32_t fn, unsigned int reg)
{
	return (fn * 0x9e3779b1U ^ reg * 0x27d4eb2fU) | 0x80000000U;
}

static void phase(struct kn_deleg_l1 *a, const char *name, unsigned long n)
{
	kn_deleg_l1_burst(a, hits, NHITS, n, NULL);
	printf("deep-phase %s l1_cpuid=%llu l2_bad=%llu\n", name,
	       (unsigned long long)a->j->l1_cpuid, (unsigned long long)a->j->l2_bad);
	printf("deep-step %s\n", name);
	fflush(stdout);
	sleep(pause_s);
}

int main(int argc, char **argv)
{
	static struct kn_deleg_l1 a;
	struct kn_deleg_l1_table t = { 0 }, t2;
	unsigned long n;
	int64_t r;

	if (argc != 3)
		kn_bail("usage: %s N PAUSE", argv[0]);
	n = strtoul(argv[1], NULL, 0);
	pause_s = (unsigned int)strtoul(argv[2], NULL, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (unsigned int i = 0; i < NHITS; i++)
		t.e[t.n++] = (struct kvm_nest_ch_cpuid){ .function = hits[i].leaf,
			.eax = val(hits[i].leaf, 0), .ebx = val(hits[i].leaf, 1),
			.ecx = val(hits[i].leaf, 2), .edx = val(hits[i].leaf, 3) };
	t2 = t;
	for (unsigned int i = 0; i < t2.n; i++)
		t2.e[i].eax ^= 0x5a5a;
	kn_deleg_l1_start(&a, KN_MEM_DEFAULT, &t, &t2);
	a.j->nq = 0;
	kn_deleg_l1_run(&a, KN_DELEG_L2_SEQ, NULL);
	r = kn_deleg_l1_hello(&a);
	r |= kn_deleg_l1_delegate(&a, a.ctx, KVM_NEST_DELEG_CPUID, 0, &t);
	printf("deep-setup hello+delegate=%lld warm=%u\n", (long long)r,
	       kn_deleg_l1_warm(&a, hits, NHITS));
	printf("deep-step pre\n");
	fflush(stdout);
	sleep(pause_s);
	phase(&a, "a", n);
	r = kn_deleg_l1_delegate(&a, a.ctx, 0, 0, NULL);
	a.j->cur = 1;
	printf("deep-revoke %lld\n", (long long)r);
	phase(&a, "b", n);
	r = kn_deleg_l1_delegate(&a, a.ctx, KVM_NEST_DELEG_CPUID, 0, &t2);
	printf("deep-delegate %lld\n", (long long)r);
	phase(&a, "c", n);
	kn_deleg_l1_stop(&a);
	printf("deep-done\n");
	return 0;
}
