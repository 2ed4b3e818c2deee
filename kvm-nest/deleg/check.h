/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_DELEG_CHECK_H
#define KN_DELEG_CHECK_H

#include <linux/types.h>
#include <uapi/linux/kvm_nest_channel.h>

/*
 * Contexts are 4 KiB aligned; their frame number is the key, with an
 * inner policy's inner VM above the frame (ctx below 1 << 52 then).
 */
#define KN_DELEG_CTX_SHIFT	12
#define KN_DELEG_INNER_CTX_BITS	52

static inline unsigned long kn_deleg_key(u64 ctx, u32 inner)
{
	return (unsigned long)inner << (KN_DELEG_INNER_CTX_BITS -
					KN_DELEG_CTX_SHIFT) |
	       ctx >> KN_DELEG_CTX_SHIFT;
}

/* The MSRs a parent may answer (first to last); see check.c. */
struct kn_deleg_msr_range {
	u32 first, last;
	bool guest_writable;	/* WRMSR by the guest changes it */
};

extern const struct kn_deleg_msr_range kn_deleg_msr_ranges[];
extern const unsigned int kn_deleg_nr_msr_ranges;

/* A policy's size, or a DELEGATE buffer's without the header's. */
size_t kn_deleg_size(size_t hdr, u32 nr_cpuid, u32 nr_msr);
/* Order of a policy's CPUID entries and MSRs, for sort() and bsearch(). */
int kn_cpuid_cmp(const void *a, const void *b);
int kn_msr_cmp(const void *a, const void *b);
/* The MSR answers that follow a DELEGATE buffer's CPUID entries. */
struct kvm_nest_ch_msr *kn_deleg_h_msr(struct kvm_nest_ch_delegate *h);
/*
 * Checks a DELEGATE buffer of @len bytes, copied from the guest, and
 * sorts its tables: 0, -KVM_NEST_E2BIG or -KVM_NEST_EINVAL.
 */
int kn_deleg_check(struct kvm_nest_ch_delegate *h, u64 len);
/*
 * Whether a slot's list of MSRs (@n of them at @msr, as the child wrote
 * it) names @index, and is well formed: at most KVM_NEST_SLOT_MSRS,
 * ascending, each on the allowlist.  A malformed list names none.
 */
bool kn_deleg_slot_lists(u32 n, const u32 *msr, u32 index);
/*
 * The entries of a vCPU's CPUID table @in that a parent may answer, in
 * @out (room for @n): KVM answers from the first entry that matches, so a
 * later one with the same key is dropped, and so is every leaf KVM
 * recomputes at run time.  How many there are.
 */
u32 kn_deleg_filter(const struct kvm_nest_ch_cpuid *in, u32 n,
		    struct kvm_nest_ch_cpuid *out);

#endif
