// SPDX-License-Identifier: GPL-2.0-only
/*
 * Delegated exits on SVM: L0 answers an L2 CPUID or RDMSR from the table
 * L1 gave it, or yields for an L2 PAUSE, and moves L2 past the instruction,
 * leaving every register, RIP and the interrupt shadow as L1's own
 * handling and VMRUN would have.
 */
#include <asm/svm.h>
#include <uapi/linux/kvm_nest_channel.h>

#include "answer.h"
#include "boundary.h"
#include "layout.h"
#include "msr_map.h"
#include "svm_deleg.h"
#include "vendor.h"

#ifdef KN_HAVE_SVM_LAYOUT

static_assert(sizeof(u32[MAX_INTERCEPT]) == KN_SVM_NESTED_CTL_INTERCEPTS_SIZE);

#define KN_INSN_MAX		15
#define KN_SVM_CS_L		BIT(9)	/* vmcb segment attrib: 64-bit code */

struct kn_svm_answer {
	struct kn_cpuid_answer cpuid;
	u64 msr;
};

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
 * The two bits (read, write) of @msr in the MSRPM at @pm, 3 for an MSR
 * outside the map's ranges (KVM gives the hypervisor those), or -1 if
 * the map cannot be read; @atomic: without sleeping.
 */
static int kn_msrpm_bits(struct kvm_vcpu *vcpu, u64 pm, u32 msr, bool atomic)
{
	unsigned int shift;
	u32 at, word;
	int err;

	if (!kn_svm_msrpm_bits_at(msr, &at, &shift))
		return 3;
	if (atomic)
		err = kvm_vcpu_read_guest_atomic(vcpu, pm + at, &word,
						 sizeof(word));
	else
		err = kvm_vcpu_read_guest(vcpu, pm + at, &word, sizeof(word));
	return err ? -1 : word >> shift & 3;
}

/*
 * As nested_svm_exit_handled_msr() decides, for a read and for a write
 * of @msr: L1 gets both.  L1's MSRPM is in L1's memory; if it cannot be
 * read, KVM gives L1 the exit, which it then answers itself: not ours.
 */
static bool kn_l1_wants_msr(struct kvm_vcpu *vcpu, void *svm, u32 msr)
{
	u64 pm = kn_member(svm, KN_SVM_NESTED_CTL_MSRPM_BASE_PA_OFFSET, u64);

	return kn_l1_intercepts(svm, INTERCEPT_MSR_PROT) &&
	       kn_msrpm_bits(vcpu, pm, msr, false) == 3;
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
 * The length of the CPUID (0F A2), RDMSR (0F 32) or PAUSE (F3 90) at L2's
 * RIP, as @code says, or 0 if the bytes there are not one (L2 changed
 * its code since, or they cannot be read): without NRIPS nobody tells L0
 * where it ends.
 */
static unsigned int kn_svm_insn_len(struct kvm_vcpu *vcpu, struct vmcb *vmcb,
				    bool long64, u32 code)
{
	u8 op = code == SVM_EXIT_MSR ? 0x32 : 0xa2;
	u64 rip = vcpu->arch.regs[VCPU_REGS_RIP];
	unsigned int have, i = 0;
	u8 b[KN_INSN_MAX], rex = 0;
	bool rep = false;
	u64 lin;

	lin = long64 ? rip : (u32)(vmcb->save.cs.base + (u32)rip);
	have = kn_svm_fetch(vcpu, lin, b, sizeof(b));
	for (; i < have && kn_legacy_prefix(b[i]); i++)
		rep |= b[i] == 0xf3;
	if (long64 && i < have && (b[i] & 0xf0) == 0x40)
		rex = b[i++];
	if (code == SVM_EXIT_PAUSE)	/* REX.B would make it XCHG r8, rax */
		return i < have && b[i] == 0x90 && rep && !(rex & 1) ? i + 1 : 0;
	return i + 2 <= have && b[i] == 0x0f && b[i + 1] == op ? i + 2 : 0;
}

/* Whether L0 may answer this exit: L1 would get it, and it delegated it. */
static bool kn_svm_may_delegate(struct kvm_vcpu *vcpu, void *svm,
				struct vmcb *vmcb, u64 ctx,
				struct kn_svm_answer *a)
{
	/* An event being delivered stays with KVM. */
	if (vmcb->control.exit_int_info & SVM_EXITINTINFO_VALID)
		return false;
	switch (vmcb->control.exit_code) {
	case SVM_EXIT_CPUID:
		return vmcb->save.cpl == 0 &&
		       kn_l1_intercepts(svm, INTERCEPT_CPUID) &&
		       kn_answer_cpuid_find(vcpu, ctx, &a->cpuid);
	case SVM_EXIT_MSR:
		return vmcb->control.exit_info_1 == 0 &&
		       kn_l1_wants_msr(vcpu, svm,
				       vcpu->arch.regs[VCPU_REGS_RCX]) &&
		       kn_answer_rdmsr_find(vcpu, ctx, &a->msr);
	case SVM_EXIT_PAUSE:
		return kn_l1_intercepts(svm, INTERCEPT_PAUSE) &&
		       kn_answer_pause_find(vcpu, ctx);
	}
	return false;
}

bool kn_svm_delegate(struct kvm_vcpu *vcpu, void *svm)
{
	struct vmcb *vmcb = kn_member(svm, KN_SVM_VMCB_OFFSET, struct vmcb *);
	u64 ctx = kn_member(svm, KN_SVM_NESTED_VMCB12_GPA_OFFSET, u64);
	u32 code = vmcb->control.exit_code;
	struct kn_svm_answer a;
	unsigned int len;
	bool long64;
	u64 next;

	if (!kn_svm_may_delegate(vcpu, svm, vmcb, ctx, &a))
		return false;
	long64 = (vmcb->save.efer & EFER_LMA) &&
		 (vmcb->save.cs.attrib & KN_SVM_CS_L);
	len = kn_svm_insn_len(vcpu, vmcb, long64, code);
	if (!len)
		return false;
	next = vcpu->arch.regs[VCPU_REGS_RIP] + len;
	/* KVM's skip moves RIP here rather than run its emulator. */
	kn_member(svm, KN_SVM_NEXT_RIP_OFFSET, u64) = long64 ? next : (u32)next;
	if (code == SVM_EXIT_PAUSE)
		kn_answer_pause(vcpu, ctx, vmcb->save.cpl == 0);
	else if (code == SVM_EXIT_MSR)
		kn_answer_rdmsr(vcpu, ctx, a.msr);
	else
		kn_answer_cpuid(vcpu, ctx, &a.cpuid);
	return true;
}

/*
 * From enter_svm_guest_mode(), which nested_svm_vmrun() and RSM call
 * once KVM cached vmcb12's controls: what the nested guest's hypervisor
 * intercepts, as KVM will decide by it.
 */
bool kn_svm_nested_entry(struct kvm_vcpu *vcpu, u64 ctx,
			 struct kn_nested_entry *e)
{
	void *svm = vcpu;

	e->vcpu = vcpu;
	e->run_ctx = kn_member(svm, KN_SVM_NESTED_VMCB02_PA_OFFSET, u64);
	e->ctx = ctx;
	e->msr_map = 0;
	e->every_msr = false;
	e->classes = 0;
	if (kn_l1_intercepts(svm, INTERCEPT_CPUID))
		e->classes |= KVM_NEST_DELEG_CPUID;
	if (kn_l1_intercepts(svm, INTERCEPT_PAUSE))
		e->classes |= KVM_NEST_DELEG_PAUSE;
	/* Its MSRPM, by an address in its own memory (L2-physical). */
	if (kn_l1_intercepts(svm, INTERCEPT_MSR_PROT)) {
		e->classes |= KVM_NEST_DELEG_RDMSR;
		e->msr_map = kn_member(svm, KN_SVM_NESTED_CTL_MSRPM_BASE_PA_OFFSET,
				       u64);
	}
	return e->run_ctx;
}

/* A page that is not at hand leaves the MSR out. */
bool kn_svm_nested_reads_msr(const struct kn_nested_entry *e, u32 index)
{
	int bits = kn_msrpm_bits(e->vcpu, e->msr_map, index, true);

	return bits > 0 && bits & 1;
}

void kn_svm_msr_watch(struct kvm_vcpu *vcpu, void *svm)
{
	struct vmcb *vmcb = kn_member(svm, KN_SVM_VMCB_OFFSET, struct vmcb *);
	u64 ctx = kn_member(svm, KN_SVM_NESTED_VMCB12_GPA_OFFSET, u64);

	if (vmcb->control.exit_code == SVM_EXIT_MSR &&
	    vmcb->control.exit_info_1 == 1)
		kn_answer_msr_written(vcpu, ctx);
}

#endif
