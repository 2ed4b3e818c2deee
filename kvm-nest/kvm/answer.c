// SPDX-License-Identifier: GPL-2.0-only
/* Answering a nested guest's exit for its hypervisor: what both vendors share. */
#include "../doll.h"
#include "answer.h"

bool kn_answer_cpuid_find(struct kvm_vcpu *vcpu, u64 ctx,
			  struct kn_cpuid_answer *a)
{
	/* Single-stepping and resume flags stay with KVM's own paths. */
	if (vcpu->guest_debug ||
	    kvm_get_rflags(vcpu) & (X86_EFLAGS_TF | X86_EFLAGS_RF))
		return false;
	return kn_deleg_cpuid(vcpu->kvm, ctx, vcpu->arch.regs[VCPU_REGS_RAX],
			      vcpu->arch.regs[VCPU_REGS_RCX], a);
}

void kn_answer_cpuid(struct kvm_vcpu *vcpu, u64 ctx,
		     const struct kn_cpuid_answer *a)
{
	unsigned long *regs = vcpu->arch.regs;

	/* Both vendors load these four from regs[] at every entry. */
	regs[VCPU_REGS_RAX] = a->eax;
	regs[VCPU_REGS_RBX] = a->ebx;
	regs[VCPU_REGS_RCX] = a->ecx;
	regs[VCPU_REGS_RDX] = a->edx;
	/* RIP past it, interrupt shadow cleared; TF is excluded above. */
	kvm_skip_emulated_instruction(vcpu);
	kn_doll_delegated(vcpu->kvm, ctx);
}
