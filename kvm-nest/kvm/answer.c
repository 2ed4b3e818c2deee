// SPDX-License-Identifier: GPL-2.0-only
/* Answering a nested guest's exit for its hypervisor: what both vendors share. */
#include <linux/string.h>
#include <uapi/linux/kvm_nest_channel.h>

#include "answer.h"

/* Single-stepping and resume flags stay with KVM's own paths. */
static bool kn_answer_may(struct kvm_vcpu *vcpu)
{
	return !vcpu->guest_debug &&
	       !(kvm_get_rflags(vcpu) & (X86_EFLAGS_TF | X86_EFLAGS_RF));
}

/*
 * What the slot of @ctx says runs there, if @vcpu's VM keeps one (its
 * kvm-nest runs a nested guest of its own VM there): a copy, checked.
 * The VM's vCPU that writes it is this one, now in guest mode, so no
 * write is under way; seq guards against a VM that tears it anyway.
 */
static const struct kn_inner *kn_answer_inner(struct kvm_vcpu *vcpu, u64 ctx,
					      struct kn_inner *in)
{
	struct kvm_nest_ch_slot s;
	u64 gpa = kn_kvm_report(slot_of)(vcpu->kvm, ctx);

	if (!gpa || kvm_vcpu_read_guest(vcpu, gpa, &s, sizeof(s)))
		return NULL;
	if (s.seq & 1 || s.seq != s.seq_end || s.ctx != ctx || !s.inner)
		return NULL;
	in->vm = s.inner;
	in->ctx = s.inner_ctx;
	in->classes = s.classes;
	/* A child older than the list wrote no RDMSR class: none. */
	in->nr_msr = s.classes & KVM_NEST_DELEG_RDMSR ? s.nr_msr : 0;
	memcpy(in->msr, s.msr, sizeof(in->msr));
	return in;
}

bool kn_answer_cpuid_find(struct kvm_vcpu *vcpu, u64 ctx,
			  struct kn_cpuid_answer *a)
{
	struct kn_inner in;

	return kn_answer_may(vcpu) &&
	       kn_kvm_report(answer_cpuid)(vcpu->kvm, ctx,
					   kn_answer_inner(vcpu, ctx, &in),
					   vcpu->arch.regs[VCPU_REGS_RAX],
					   vcpu->arch.regs[VCPU_REGS_RCX], a);
}

bool kn_answer_rdmsr_find(struct kvm_vcpu *vcpu, u64 ctx, u64 *value)
{
	struct kn_inner in;

	return kn_answer_may(vcpu) &&
	       kn_kvm_report(answer_rdmsr)(vcpu->kvm, ctx,
					   kn_answer_inner(vcpu, ctx, &in),
					   vcpu->arch.regs[VCPU_REGS_RCX],
					   value);
}

bool kn_answer_pause_find(struct kvm_vcpu *vcpu, u64 ctx)
{
	struct kn_inner in;

	return kn_answer_may(vcpu) &&
	       kn_kvm_report(answer_pause)(vcpu->kvm, ctx,
					   kn_answer_inner(vcpu, ctx, &in));
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
	struct kn_inner in;

	kn_kvm_report(msr_written)(vcpu->kvm, ctx,
				   kn_answer_inner(vcpu, ctx, &in),
				   vcpu->arch.regs[VCPU_REGS_RCX]);
}
