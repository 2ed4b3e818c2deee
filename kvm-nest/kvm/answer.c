// SPDX-License-Identifier: GPL-2.0-only
/* Answering a nested guest's exit for its hypervisor: what both vendors share. */
#include "answer.h"

/* Single-stepping and resume flags stay with KVM's own paths. */
static bool kn_answer_may(struct kvm_vcpu *vcpu)
{
	return !vcpu->guest_debug &&
	       !(kvm_get_rflags(vcpu) & (X86_EFLAGS_TF | X86_EFLAGS_RF));
}

bool kn_answer_cpuid_find(struct kvm_vcpu *vcpu, u64 ctx,
			  struct kn_cpuid_answer *a)
{
	return kn_answer_may(vcpu) &&
	       kn_kvm_report(answer_cpuid)(vcpu->kvm, ctx,
					   vcpu->arch.regs[VCPU_REGS_RAX],
					   vcpu->arch.regs[VCPU_REGS_RCX], a);
}

bool kn_answer_rdmsr_find(struct kvm_vcpu *vcpu, u64 ctx, u64 *value)
{
	return kn_answer_may(vcpu) &&
	       kn_kvm_report(answer_rdmsr)(vcpu->kvm, ctx,
					   vcpu->arch.regs[VCPU_REGS_RCX],
					   value);
}

bool kn_answer_pause_find(struct kvm_vcpu *vcpu, u64 ctx)
{
	return kn_answer_may(vcpu) &&
	       kn_kvm_report(answer_pause)(vcpu->kvm, ctx);
}

/* Past the instruction; the interrupt shadow goes, TF was excluded. */
static void kn_answer_done(struct kvm_vcpu *vcpu, u64 ctx)
{
	kvm_skip_emulated_instruction(vcpu);
	kn_kvm_report(exit_answered)(vcpu->kvm, ctx);
}

/* The PLE window is L2's business in vmcb02/vmcs02: left alone. */
void kn_answer_pause(struct kvm_vcpu *vcpu, u64 ctx, bool in_kernel)
{
	kvm_vcpu_on_spin(vcpu, in_kernel);
	kn_answer_done(vcpu, ctx);
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
	kn_answer_done(vcpu, ctx);
}

/* As kvm_emulate_rdmsr(): EDX:EAX, each zero-extended. */
void kn_answer_rdmsr(struct kvm_vcpu *vcpu, u64 ctx, u64 value)
{
	vcpu->arch.regs[VCPU_REGS_RAX] = lower_32_bits(value);
	vcpu->arch.regs[VCPU_REGS_RDX] = upper_32_bits(value);
	kn_answer_done(vcpu, ctx);
}

void kn_answer_msr_written(struct kvm_vcpu *vcpu, u64 ctx)
{
	kn_kvm_report(msr_written)(vcpu->kvm, ctx,
				   vcpu->arch.regs[VCPU_REGS_RCX]);
}
