// SPDX-License-Identifier: GPL-2.0-only
/*
 * Delegated exits on SVM: L0 answers an L2 CPUID from the table L1 gave
 * it and moves L2 past the instruction, leaving every register, RIP and
 * the interrupt shadow as L1's own handling and VMRUN would have.
 */
#include <asm/svm.h>

#include "answer.h"
#include "layout.h"
#include "svm_deleg.h"
#include "vendor.h"

#ifdef KN_HAVE_SVM_LAYOUT

static_assert(KN_SVM_NESTED_CTL_INTERCEPTS_SIZE == MAX_INTERCEPT * sizeof(u32));

#define KN_INSN_MAX		15
#define KN_SVM_CS_L		BIT(9)	/* vmcb segment attrib: 64-bit code */

/* KVM's struct x86_exception: only ever handed back to KVM. */
struct kn_x86_exception {
	u8 raw[KN_KVM_X86_EXCEPTION_SIZE];
} __aligned(8);

/* What L1 asked for in vmcb12, not what L0 merged into vmcb02. */
static bool kn_l1_intercepts(void *svm, unsigned int bit)
{
	const u32 *words = &kn_member(svm, KN_SVM_NESTED_CTL_INTERCEPTS_OFFSET,
				      u32);

	return words[bit / 32] & BIT(bit % 32);
}

/*
 * Up to @n bytes at L2's linear address @lin, through L2's page tables
 * and L1's NPT, from L1's memory only.  How many it could read.
 */
static unsigned int kn_svm_fetch(struct kvm_vcpu *vcpu, u64 lin, u8 *buf,
				 unsigned int n)
{
	struct kn_x86_exception ex;
	unsigned int done = 0, chunk;
	gpa_t gpa;

	while (done < n) {
		chunk = min_t(u64, n - done,
			      PAGE_SIZE - offset_in_page(lin + done));
		gpa = kvm_mmu_gva_to_gpa_read(vcpu, lin + done,
					      (struct x86_exception *)&ex);
		if (gpa == INVALID_GPA ||
		    kvm_vcpu_read_guest(vcpu, gpa, buf + done, chunk))
			break;
		done += chunk;
	}
	return done;
}

static bool kn_legacy_prefix(u8 b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf2: case 0xf3:
		return true;
	}
	return false;
}

/*
 * The length of the CPUID at L2's RIP, or 0 if the bytes there are not
 * one (L2 changed its code since, or it cannot be read): without NRIPS
 * nobody tells L0 where the instruction ends.
 */
static unsigned int kn_svm_cpuid_len(struct kvm_vcpu *vcpu, struct vmcb *vmcb,
				     bool long64)
{
	u64 rip = vcpu->arch.regs[VCPU_REGS_RIP];
	u8 b[KN_INSN_MAX];
	unsigned int have, i = 0;
	u64 lin;

	lin = long64 ? rip : (u32)(vmcb->save.cs.base + (u32)rip);
	have = kn_svm_fetch(vcpu, lin, b, sizeof(b));
	while (i < have && kn_legacy_prefix(b[i]))
		i++;
	if (long64 && i < have && (b[i] & 0xf0) == 0x40)
		i++;
	if (i + 2 > have || b[i] != 0x0f || b[i + 1] != 0xa2)
		return 0;
	return i + 2;
}

/* What stays with KVM: events in flight, CPL > 0, what L1 does not see. */
static bool kn_svm_may_delegate(void *svm, struct vmcb *vmcb)
{
	return !(vmcb->control.exit_int_info & SVM_EXITINTINFO_VALID) &&
	       vmcb->save.cpl == 0 &&
	       kn_l1_intercepts(svm, INTERCEPT_CPUID);
}

bool kn_svm_delegate(struct kvm_vcpu *vcpu, void *svm)
{
	struct vmcb *vmcb = kn_member(svm, KN_SVM_VMCB_OFFSET, struct vmcb *);
	u64 ctx = kn_member(svm, KN_SVM_NESTED_VMCB12_GPA_OFFSET, u64);
	struct kn_cpuid_answer a;
	unsigned int len;
	bool long64;
	u64 next;

	if (vmcb->control.exit_code != SVM_EXIT_CPUID ||
	    !kn_svm_may_delegate(svm, vmcb) ||
	    !kn_answer_cpuid_find(vcpu, ctx, &a))
		return false;
	long64 = (vmcb->save.efer & EFER_LMA) &&
		 (vmcb->save.cs.attrib & KN_SVM_CS_L);
	len = kn_svm_cpuid_len(vcpu, vmcb, long64);
	if (!len)
		return false;
	next = vcpu->arch.regs[VCPU_REGS_RIP] + len;
	/* KVM's skip moves RIP here rather than run its emulator. */
	kn_member(svm, KN_SVM_NEXT_RIP_OFFSET, u64) = long64 ? next : (u32)next;
	kn_answer_cpuid(vcpu, ctx, &a);
	return true;
}

#endif
