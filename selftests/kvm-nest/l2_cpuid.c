// SPDX-License-Identifier: GPL-2.0
/*
 * L1 runs an L2 that executes exactly N CPUIDs and then a hypercall. L1
 * answers each CPUID itself, without executing one, so that:
 *  - L1 must see exactly N CPUID exits from L2;
 *  - kvm-nest must show exactly one level-2 doll under our L1 doll, keyed
 *    by the vmcb12/vmcs12 address L1 used, with exactly N CPUID exits and
 *    at least N reflected exits (the redirected decision functions ran);
 *  - our L1 doll must gain no CPUID exit meanwhile.
 * --no-accounting (e.g. inside an L1 Linux doll) skips the kvm-nest part.
 */
#include <getopt.h>
#include <unistd.h>

#include "kn_dolls.h"
#include "kn_l2.h"
#include "kn_tap.h"
#include "kn_vm.h"
#include "kn_x86.h"

#define MAGIC 0x4b4e4c31	/* "KNL1": proves the answer came from our L1 */

static void l2_main(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		struct kn_cpuid r = kn_cpuid(i, 0);

		/* L2's GPRs must round-trip through L1 intact. */
		KN_GUEST_ASSERT_EQ(r.eax, (uint32_t)~i);
		KN_GUEST_ASSERT_EQ(r.ebx, MAGIC);
		KN_GUEST_ASSERT_EQ(r.ecx, (uint32_t)i);
	}
}

static void l1_main(uint64_t n)
{
	uint64_t seen = 0;
	struct kn_l2 l2;

	kn_l2_init(&l2, l2_main, n);
	KN_GUEST_SYNC(l2.ctx, l2.nrips);
	while (kn_l2_run(&l2) != KN_HYPERCALL_EXIT) {
		if (l2.kind != KN_CPUID_EXIT)
			KN_GUEST_FAIL("unexpected L2 exit (code)", l2.exit, 0);
		/* Answer without executing CPUID: that would be an L1 exit. */
		l2.gprs.rcx = l2.gprs.rax;
		l2.gprs.rax = (uint32_t)~l2.gprs.rax;
		l2.gprs.rbx = MAGIC;
		l2.gprs.rdx = 0;
		seen++;
		kn_l2_skip(&l2);
	}
	KN_GUEST_SYNC(seen, 0);
}

static void check_dolls(const struct kn_dolls *before,
			const struct kn_dolls *after, uint64_t ctx,
			unsigned long n)
{
	uint32_t cpuid = kn_exit_code(KN_CPUID_EXIT);
	const struct kn_doll *l1 = kn_doll_l1(after, getpid()), *l1_0, *d;
	uint64_t l1_delta = 0;
	unsigned int nr = 0;

	l1_0 = kn_doll_l1(before, getpid());
	if (l1 && l1_0)
		l1_delta = kn_doll_exits(after, l1->id, cpuid) -
			   kn_doll_exits(before, l1_0->id, cpuid);
	if (l1)
		nr = kn_dolls_find(after, 2, l1->id, KN_ANY, &d);
	if (!kn_ok(nr == 1, "one level-2 doll under our L1 doll (found %u)", nr))
		d = NULL;
	kn_ok(d && d->ctx == ctx, "its ctx %#lx is L1's vmcb12/vmcs12 %#lx",
	      d ? d->ctx : 0, ctx);
	kn_ok(d && kn_doll_exits(after, d->id, cpuid) == n,
	      "it counted %lu CPUID exits (code %#x), expected %lu",
	      d ? kn_doll_exits(after, d->id, cpuid) : 0, cpuid, n);
	kn_ok(d && d->reflected >= n, "it reflected %lu exits to L1, expected >= %lu",
	      d ? d->reflected : 0, n);
	/* L1 executes no CPUID between the two syncs. */
	kn_ok(l1 && l1_0 && l1_delta == 0,
	      "our L1 doll gained %lu CPUID exits meanwhile, expected 0", l1_delta);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-accounting", no_argument, NULL, 'A' },
		{ 0 }
	};
	bool accounting = true;
	struct kn_dolls before, after;
	unsigned long n = 1000;
	struct kn_vcpu *vcpu;
	const char *why = "--no-accounting";
	uint64_t ctx, seen;
	struct kn_vm vm;
	int opt;

	while ((opt = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		if (opt == 'n')
			n = kn_arg_ulong(optarg, "-n");
		else if (opt == 'A')
			accounting = false;
		else
			kn_bail("usage: %s [-n CPUIDS] [--no-accounting]", argv[0]);
	}

	kn_vm_create(&vm, KN_MEM_DEFAULT);
	kn_vm_require_nested(&vm);
	if (accounting)
		accounting = kn_accounting(&why);
	if (accounting)
		kn_census_hold();
	vcpu = kn_vcpu_add(&vm, l1_main, n);
	kn_plan(6);

	ctx = kn_vcpu_expect(vcpu, KN_UC_SYNC);
	kn_diag("%s, vmcb12/vmcs12 at %#lx, %s", kn_vendor == KN_AMD ? "SVM" : "VMX",
		ctx, kn_vendor != KN_AMD ? "VMX exit instruction length" :
		vcpu->uc.args[1] ? "NRIPS" : "no NRIPS: known instruction lengths");
	if (accounting)
		kn_dolls_read(&before);
	seen = kn_vcpu_expect(vcpu, KN_UC_SYNC);
	if (accounting)
		kn_dolls_read(&after);
	kn_vcpu_expect(vcpu, KN_UC_DONE);

	kn_ok(seen == n, "L1 saw %lu CPUID exits from L2, expected %lu", seen, n);
	if (!accounting)
		kn_skip_rest("kvm-nest accounting: %s", why);
	check_dolls(&before, &after, ctx, n);
	kn_vm_destroy(&vm);
	kn_finish();
}
