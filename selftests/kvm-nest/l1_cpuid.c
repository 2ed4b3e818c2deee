// SPDX-License-Identifier: GPL-2.0
/*
 * The guest executes exactly N CPUIDs between two ucalls; kvm-nest must
 * count exactly N more CPUID exits for our level-1 doll in between (by
 * code, with the census on), and its total, KVM's count, must grow by at
 * least N.
 */
#include <getopt.h>
#include <unistd.h>

#include "kn_dolls.h"
#include "kn_l2.h"
#include "kn_tap.h"
#include "kn_vm.h"
#include "kn_x86.h"

static void guest_main(uint64_t n)
{
	KN_GUEST_SYNC(0, 0);
	/* The counter stays out of EAX-EDX: CPUID overwrites them. */
	for (uint64_t i = 0; i < n; i++)
		kn_cpuid(0, 0);
	KN_GUEST_SYNC(n, 0);
}

static uint64_t cpuid_exits(const struct kn_dolls *ds, const struct kn_doll *d)
{
	return d ? kn_doll_exits(ds, d->id, kn_exit_code(KN_CPUID_EXIT)) : 0;
}

int main(int argc, char **argv)
{
	unsigned long n = 1000;
	struct kn_dolls before, after;
	const struct kn_doll *d0, *d1;
	struct kn_vcpu *vcpu;
	const char *why;
	struct kn_vm vm;
	int opt;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n')
			kn_bail("usage: %s [-n CPUIDS]", argv[0]);
		n = kn_arg_ulong(optarg, "-n");
	}

	kn_vm_create(&vm, KN_MEM_DEFAULT);
	if (!kn_accounting(&why))
		kn_skip_rest("%s", why);
	kn_census_hold();
	vcpu = kn_vcpu_add(&vm, guest_main, n);
	kn_plan(4);
	kn_vcpu_expect(vcpu, KN_UC_SYNC);
	kn_dolls_read(&before);
	kn_ok(kn_vcpu_expect(vcpu, KN_UC_SYNC) == n, "guest ran %lu CPUIDs", n);
	kn_dolls_read(&after);

	d0 = kn_doll_l1(&before, getpid());
	d1 = kn_doll_l1(&after, getpid());
	kn_ok(d0 && d1 && d0->id == d1->id, "one level-1 doll for pid %d", getpid());
	kn_ok(cpuid_exits(&after, d1) - cpuid_exits(&before, d0) == n,
	      "doll counted %lu CPUID exits (code %#x), expected %lu",
	      cpuid_exits(&after, d1) - cpuid_exits(&before, d0),
	      kn_exit_code(KN_CPUID_EXIT), n);
	kn_ok(d0 && d1 && d1->exits - d0->exits >= n,
	      "doll's exit total grew by %lu, at least the %lu CPUIDs",
	      d0 && d1 ? d1->exits - d0->exits : 0, n);
	kn_vcpu_expect(vcpu, KN_UC_DONE);
	kn_vm_destroy(&vm);
	kn_finish();
}
