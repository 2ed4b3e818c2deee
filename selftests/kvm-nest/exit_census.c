// SPDX-License-Identifier: GPL-2.0
/*
 * The exit census (debugfs "census"): with it off, an MSR exit has no
 * detail; with it on, N RDMSRs and N WRMSRs of IA32_MISC_ENABLE by the
 * guest add exactly N to the census lines of our level-1 doll that name
 * that MSR, read and written, and nothing to the other one.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "kn_dolls.h"
#include "kn_l2.h"
#include "kn_tap.h"
#include "kn_vm.h"
#include "kn_x86.h"

#define MISC_ENABLE	0x1a0

enum phase { READS = 1, WRITES };

static void guest_main(uint64_t n)
{
	uint64_t v = kn_rdmsr(MISC_ENABLE);

	for (int pass = 0; pass < 2; pass++) {
		KN_GUEST_SYNC(0, 0);
		for (uint64_t i = 0; i < n; i++)
			kn_rdmsr(MISC_ENABLE);
		KN_GUEST_SYNC(READS, 0);
		/* The value it holds: KVM takes it without a fault. */
		for (uint64_t i = 0; i < n; i++)
			kn_wrmsr(MISC_ENABLE, v);
		KN_GUEST_SYNC(WRITES, 0);
	}
}

/* The MSR exit codes of this vendor: SVM has one for both. */
static void msr_codes(uint64_t *rd, uint64_t *wr)
{
	bool svm = kn_exit_code(KN_CPUID_EXIT) == 0x72;

	*rd = svm ? 0x7c : 31;
	*wr = svm ? 0x7c : 32;
}

struct counts {
	uint64_t reads, writes;
};

/* Census counts of our doll for MISC_ENABLE, read and written. */
static struct counts census_of(void)
{
	struct counts c = { 0 };
	struct kn_dolls ds;
	const struct kn_doll *d;
	uint64_t rd, wr;

	msr_codes(&rd, &wr);
	kn_dolls_read(&ds);
	d = kn_doll_l1(&ds, getpid());
	if (d) {
		c.reads = kn_doll_census(&ds, d->id, rd, KN_CENSUS_MSR_READ, MISC_ENABLE);
		c.writes = kn_doll_census(&ds, d->id, wr, KN_CENSUS_MSR_WRITE, MISC_ENABLE);
	}
	kn_dolls_free(&ds);
	return c;
}

/* One pass of the guest: the census counts at each of its syncs. */
static void run_pass(struct kn_vcpu *vcpu, struct counts at[3])
{
	kn_vcpu_expect(vcpu, KN_UC_SYNC);
	at[0] = census_of();
	if (kn_vcpu_expect(vcpu, KN_UC_SYNC) != READS)
		kn_bail("the guest is out of step after its reads");
	at[1] = census_of();
	if (kn_vcpu_expect(vcpu, KN_UC_SYNC) != WRITES)
		kn_bail("the guest is out of step after its writes");
	at[2] = census_of();
}

int main(int argc, char **argv)
{
	unsigned long n = 500;
	struct counts off[3], on[3];
	struct kn_vcpu *vcpu;
	const char *why;
	struct kn_vm vm;
	int was, opt;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n')
			kn_bail("usage: %s [-n MSR-ACCESSES]", argv[0]);
		n = kn_arg_ulong(optarg, "-n");
	}
	kn_vm_create(&vm, KN_MEM_DEFAULT);
	if (!kn_accounting(&why))
		kn_skip_rest("%s", why);
	if (access(KN_CENSUS_FILE, W_OK))
		kn_bail("kvm-nest is loaded but has no %s", KN_CENSUS_FILE);
	was = kn_census_get();
	vcpu = kn_vcpu_add(&vm, guest_main, n);
	kn_plan(5);

	kn_census_set(0);
	kn_ok(kn_census_get() == 0, "the census switch reads 0 once off");
	run_pass(vcpu, off);
	kn_ok(off[2].reads == off[0].reads && off[2].writes == off[0].writes,
	      "census off: %lu reads and %lu writes of MSR %#x leave its census lines alone (+%lu, +%lu)",
	      n, n, MISC_ENABLE, off[2].reads - off[0].reads, off[2].writes - off[0].writes);

	kn_census_set(1);
	run_pass(vcpu, on);
	kn_ok(on[1].reads - on[0].reads == n && on[1].writes == on[0].writes,
	      "census on: %lu RDMSRs of %#x counted as msr-read %#x (+%lu), none as written (+%lu)",
	      n, MISC_ENABLE, MISC_ENABLE, on[1].reads - on[0].reads,
	      on[1].writes - on[0].writes);
	kn_ok(on[2].writes - on[1].writes == n && on[2].reads == on[1].reads,
	      "census on: %lu WRMSRs of %#x counted as msr-write %#x (+%lu), none as read (+%lu)",
	      n, MISC_ENABLE, MISC_ENABLE, on[2].writes - on[1].writes,
	      on[2].reads - on[1].reads);
	kn_census_set(was);
	kn_ok(kn_census_get() == was, "the census switch is back to %d", was);
	kn_vcpu_expect(vcpu, KN_UC_DONE);
	kn_vm_destroy(&vm);
	kn_finish();
}
