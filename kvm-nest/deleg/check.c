// SPDX-License-Identifier: GPL-2.0-only
/*
 * Delegated exits, the checks: what a DELEGATE buffer may hold and what
 * a parent may answer from a table.  Pure functions of their arguments,
 * apart from the store, so that selftests/unit can test them without a
 * kernel.
 */
#include <asm/msr-index.h>
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/sort.h>
#include <uapi/linux/kvm.h>

#include "check.h"

#define KN_DELEG_FLAGS		KVM_NEST_DELEG_F_REVOKE_ALL

/*
 * MSRs whose value KVM stores and returns with no side effect and no
 * time in it, and that the guest cannot change or only with a WRMSR L0
 * sees first (guest_writable): a table of them can hold the answer.
 */
const struct kn_deleg_msr_range kn_deleg_msr_ranges[] = {
	{ MSR_IA32_UCODE_REV, MSR_IA32_UCODE_REV, false },
	{ MSR_PLATFORM_INFO, MSR_PLATFORM_INFO, false },
	{ 0xfe, 0xfe, false },			/* MTRRcap */
	{ MSR_IA32_ARCH_CAPABILITIES, MSR_IA32_ARCH_CAPABILITIES, false },
	{ MSR_IA32_MISC_ENABLE, MSR_IA32_MISC_ENABLE, true },
	{ MSR_IA32_PERF_CAPABILITIES, MSR_IA32_PERF_CAPABILITIES, false },
	{ MSR_IA32_VMX_BASIC, MSR_IA32_VMX_VMFUNC, false },
	{ MSR_AMD64_DE_CFG, MSR_AMD64_DE_CFG, false },
};

const unsigned int kn_deleg_nr_msr_ranges = ARRAY_SIZE(kn_deleg_msr_ranges);

static bool kn_deleg_msr_allowed(u32 index)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kn_deleg_msr_ranges); i++)
		if (index >= kn_deleg_msr_ranges[i].first &&
		    index <= kn_deleg_msr_ranges[i].last)
			return true;
	return false;
}

size_t kn_deleg_size(size_t hdr, u32 nr_cpuid, u32 nr_msr)
{
	return size_add(size_add(hdr, array_size(nr_cpuid,
						 sizeof(struct kvm_nest_ch_cpuid))),
			array_size(nr_msr, sizeof(struct kvm_nest_ch_msr)));
}

/* Leaves KVM recomputes as the guest runs: a table cannot hold them. */
static bool kn_deleg_runtime_leaf(u32 fn)
{
	switch (fn) {
	case 0x1: case 0x7: case 0xb: case 0xd: case 0x12: case 0x1f:
	/* 6.12's kvm_cpuid() hides invariant TSC when Hyper-V asks it to */
	case 0x80000007:
		return true;
	}
	return fn >= 0x40000000 && fn <= 0x4fffffff;
}

static bool kn_cpuid_indexed(const struct kvm_nest_ch_cpuid *e)
{
	return e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
}

int kn_cpuid_cmp(const void *a, const void *b)
{
	const struct kvm_nest_ch_cpuid *x = a, *y = b;

	if (x->function != y->function)
		return x->function < y->function ? -1 : 1;
	if (!kn_cpuid_indexed(y) || x->index == y->index)
		return 0;
	return x->index < y->index ? -1 : 1;
}

/*
 * Normalizes and sorts the table, refusing what KVM would not answer
 * from it alone, and keys that are ambiguous: a duplicate, or a function
 * with both an indexed and an unindexed entry.
 */
static int kn_deleg_check_cpuid(struct kvm_nest_ch_cpuid *t, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (t[i].reserved ||
		    t[i].flags & ~KVM_CPUID_FLAG_SIGNIFCANT_INDEX ||
		    kn_deleg_runtime_leaf(t[i].function))
			return -KVM_NEST_EINVAL;
		if (!kn_cpuid_indexed(&t[i]))
			t[i].index = 0;
	}
	sort(t, n, sizeof(*t), kn_cpuid_cmp, NULL);
	for (i = 1; i < n; i++)
		if (t[i].function == t[i - 1].function &&
		    (!kn_cpuid_indexed(&t[i]) || !kn_cpuid_indexed(&t[i - 1]) ||
		     t[i].index == t[i - 1].index))
			return -KVM_NEST_EINVAL;
	return 0;
}

int kn_msr_cmp(const void *a, const void *b)
{
	const struct kvm_nest_ch_msr *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return 0;
}

/* Sorts the MSRs, refusing any off the allowlist and any twice. */
static int kn_deleg_check_msr(struct kvm_nest_ch_msr *t, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (t[i].reserved || !kn_deleg_msr_allowed(t[i].index))
			return -KVM_NEST_EINVAL;
	sort(t, n, sizeof(*t), kn_msr_cmp, NULL);
	for (i = 1; i < n; i++)
		if (t[i].index == t[i - 1].index)
			return -KVM_NEST_EINVAL;
	return 0;
}

struct kvm_nest_ch_msr *kn_deleg_h_msr(struct kvm_nest_ch_delegate *h)
{
	return (struct kvm_nest_ch_msr *)&h->cpuid[h->nr_cpuid];
}

int kn_deleg_check(struct kvm_nest_ch_delegate *h, u64 len)
{
	int ret;

	if (h->nr_cpuid > KVM_NEST_DELEG_MAX_CPUID ||
	    h->nr_msr > KVM_NEST_DELEG_MAX_MSR)
		return -KVM_NEST_E2BIG;
	if (len != kn_deleg_size(sizeof(*h), h->nr_cpuid, h->nr_msr) ||
	    h->reserved || h->inner > KVM_NEST_DELEG_INNER_MAX ||
	    h->classes & ~KVM_NEST_DELEG_ALL || h->flags & ~KN_DELEG_FLAGS)
		return -KVM_NEST_EINVAL;
	if (h->flags & KVM_NEST_DELEG_F_REVOKE_ALL)
		return h->ctx || h->classes || h->nr_cpuid || h->nr_msr ?
		       -KVM_NEST_EINVAL : 0;
	/* An inner policy's key holds the inner VM above the ctx frame. */
	if (h->inner && h->ctx >> KN_DELEG_INNER_CTX_BITS)
		return -KVM_NEST_EINVAL;
	if (!h->ctx || h->ctx & GENMASK_ULL(KN_DELEG_CTX_SHIFT - 1, 0) ||
	    (h->nr_cpuid && !(h->classes & KVM_NEST_DELEG_CPUID)) ||
	    (h->nr_msr && !(h->classes & KVM_NEST_DELEG_RDMSR)))
		return -KVM_NEST_EINVAL;
	ret = kn_deleg_check_cpuid(h->cpuid, h->nr_cpuid);
	return ret ?: kn_deleg_check_msr(kn_deleg_h_msr(h), h->nr_msr);
}

bool kn_deleg_slot_lists(u32 n, const u32 *msr, u32 index)
{
	bool found = false;
	u32 i;

	if (n > KVM_NEST_SLOT_MSRS)
		return false;
	for (i = 0; i < n; i++) {
		if ((i && msr[i] <= msr[i - 1]) ||
		    !kn_deleg_msr_allowed(msr[i]))
			return false;
		found |= msr[i] == index;
	}
	return found;
}

/* Whether KVM would answer CPUID @e from @first, when it comes first. */
static bool kn_cpuid_shadows(const struct kvm_nest_ch_cpuid *first,
			     const struct kvm_nest_ch_cpuid *e)
{
	return first->function == e->function &&
	       (!kn_cpuid_indexed(first) || !kn_cpuid_indexed(e) ||
		first->index == e->index);
}

u32 kn_deleg_filter(const struct kvm_nest_ch_cpuid *in, u32 n,
		    struct kvm_nest_ch_cpuid *out)
{
	u32 i, j, k = 0;

	for (i = 0; i < n; i++) {
		if (in[i].flags & ~KVM_CPUID_FLAG_SIGNIFCANT_INDEX ||
		    kn_deleg_runtime_leaf(in[i].function))
			continue;
		for (j = 0; j < i; j++)
			if (kn_cpuid_shadows(&in[j], &in[i]))
				break;
		if (j < i)
			continue;
		out[k] = in[i];
		out[k].reserved = 0;
		if (!kn_cpuid_indexed(&out[k]))
			out[k].index = 0;
		k++;
	}
	return k;
}
