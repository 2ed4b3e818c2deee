// SPDX-License-Identifier: GPL-2.0
/*
 * The exit path counts an exit for the doll its entry stashed on that CPU
 * (kvm-nest/doll_exit.c). Pinned to one CPU, so that every VM here shares
 * one stash:
 *   1. two VMs take turns: each turn's CPUIDs are counted for its own doll,
 *      exactly, however often the stash changes hands;
 *   2. VMs made and destroyed in a row: each gets a new doll, which counts
 *      exactly its own CPUIDs.
 * What 2 cannot force: a stash left naming a destroyed VM's doll matters
 * only once a new VM reuses the old one's address, and KVM vmallocs its VMs,
 * whose addresses come back only after a lazy purge (about 1,500 VMs here,
 * beyond a per-commit test's time). kn_doll_exit_forget() covers that case;
 * doll_exit.c says why.
 */
#include <getopt.h>
#include <sched.h>
#include <unistd.h>

#include "kn_dolls.h"
#include "kn_l2.h"
#include "kn_tap.h"
#include "kn_vm.h"
#include "kn_x86.h"

#define MEM_A	(64UL << 20)
#define MEM_B	(32UL << 20)

static void guest_main(uint64_t n)
{
	for (;;) {
		KN_GUEST_SYNC(0, 0);
		for (uint64_t i = 0; i < n; i++)
			kn_cpuid(0, 0);
	}
}

/* CPUID exits of this process's level-1 doll with @mem bytes; id in *@id. */
static uint64_t cpuids(uint64_t mem, uint64_t *id)
{
	struct kn_dolls ds;
	uint64_t n = 0;

	*id = 0;
	kn_dolls_read(&ds);
	for (unsigned int i = 0; i < ds.nr; i++) {
		const struct kn_doll *d = &ds.d[i];

		if (d->level == 1 && d->pid == (uint64_t)getpid() && d->mem == mem) {
			*id = d->id;
			n = kn_doll_exits(&ds, d->id, kn_exit_code(KN_CPUID_EXIT));
		}
	}
	kn_dolls_free(&ds);
	return n;
}

static void pin(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		kn_bail("sched_setaffinity: cannot pin to CPU 0");
}

/* 1: @turns turns of @n CPUIDs, A then B; how many were miscounted. */
static unsigned long take_turns(unsigned long turns, uint64_t n)
{
	struct kn_vm a, b;
	struct kn_vcpu *va, *vb;
	unsigned long bad = 0;
	uint64_t ida, idb, ca, cb, ca1, cb1;

	kn_vm_create(&a, MEM_A);
	kn_vm_create(&b, MEM_B);
	va = kn_vcpu_add(&a, guest_main, n);
	vb = kn_vcpu_add(&b, guest_main, n);
	kn_vcpu_expect(va, KN_UC_SYNC);
	kn_vcpu_expect(vb, KN_UC_SYNC);
	for (unsigned long t = 0; t < turns; t++) {
		ca = cpuids(MEM_A, &ida);
		cb = cpuids(MEM_B, &idb);
		kn_vcpu_expect(va, KN_UC_SYNC);
		kn_vcpu_expect(vb, KN_UC_SYNC);
		ca1 = cpuids(MEM_A, &ida);
		cb1 = cpuids(MEM_B, &idb);
		if (!ida || !idb || ida == idb || ca1 - ca != n || cb1 - cb != n) {
			if (!bad)
				kn_diag("turn %lu: A (doll %lu) counted %lu, B (doll %lu) %lu, expected %lu each",
					t, ida, ca1 - ca, idb, cb1 - cb, n);
			bad++;
		}
	}
	kn_vm_destroy(&a);
	kn_vm_destroy(&b);
	return bad;
}

/* 2: @rounds VMs in a row; how many were miscounted. */
static unsigned long one_after_another(unsigned long rounds, uint64_t n)
{
	unsigned long bad = 0;
	uint64_t id, prev = 0, c0, c1;

	for (unsigned long r = 0; r < rounds; r++) {
		struct kn_vcpu *v;
		struct kn_vm vm;

		kn_vm_create(&vm, MEM_A);
		v = kn_vcpu_add(&vm, guest_main, n);
		kn_vcpu_expect(v, KN_UC_SYNC);
		c0 = cpuids(MEM_A, &id);
		kn_vcpu_expect(v, KN_UC_SYNC);
		c1 = cpuids(MEM_A, &id);
		if (!id || id == prev || c1 - c0 != n) {
			if (!bad)
				kn_diag("VM %lu: doll %lu (the last one's %lu) counted %lu, expected %lu",
					r, id, prev, c1 - c0, n);
			bad++;
		}
		prev = id;
		kn_vm_destroy(&vm);
	}
	return bad;
}

int main(int argc, char **argv)
{
	unsigned long turns = 20, rounds = 30, bad;
	uint64_t n = 200;
	const char *why;
	struct kn_vm probe;
	int opt;

	while ((opt = getopt(argc, argv, "n:t:r:")) != -1) {
		if (opt == 'n')
			n = kn_arg_ulong(optarg, "-n");
		else if (opt == 't')
			turns = kn_arg_ulong(optarg, "-t");
		else if (opt == 'r')
			rounds = kn_arg_ulong(optarg, "-r");
		else
			kn_bail("usage: %s [-n CPUIDS] [-t TURNS] [-r ROUNDS]", argv[0]);
	}
	kn_vm_create(&probe, MEM_B);	/* skips without KVM */
	kn_vm_destroy(&probe);
	if (!kn_accounting(&why))
		kn_skip_rest("%s", why);
	kn_census_hold();
	pin();
	kn_plan(2);
	bad = take_turns(turns, n);
	kn_ok(!bad, "two VMs on one CPU, %lu turns of %lu CPUIDs each: %lu turns miscounted",
	      turns, (unsigned long)n, bad);
	bad = one_after_another(rounds, n);
	kn_ok(!bad, "%lu VMs one after another on one CPU, %lu CPUIDs each: %lu miscounted",
	      rounds, (unsigned long)n, bad);
	kn_finish();
}
