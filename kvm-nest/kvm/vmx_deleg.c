// SPDX-License-Identifier: GPL-2.0-only
/*
 * Delegated exits on VMX: L1 always gets L2's CPUID exits, and the exit
 * gives the instruction's length, so only CPL, events and, for PAUSE and
 * RDMSR, L1's controls and MSR bitmap remain to check.
 */
#include <asm/vmx.h>

#include "answer.h"
#include "layout.h"
#include "vendor.h"
#include "vmx_deleg.h"
#include "vmx_insn.h"

#ifdef KN_HAVE_VMX_LAYOUT

/* As nested_vmx_l1_wants_exit() decides for PAUSE. */
static bool kn_l1_wants_pause(void *vmx)
{
	void *vmcs12 = kn_member(vmx, KN_VMX_NESTED_CACHED_VMCS12_OFFSET,
				 void *);
	u32 ctl, ctl2;

	if (!vmcs12)
		return false;
	ctl = kn_member(vmcs12, KN_VMX_CPU_BASED_VM_EXEC_CONTROL_OFFSET, u32);
	ctl2 = kn_member(vmcs12, KN_VMX_SECONDARY_VM_EXEC_CONTROL_OFFSET, u32);
	return ctl & CPU_BASED_PAUSE_EXITING ||
	       (ctl & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS &&
		ctl2 & SECONDARY_EXEC_PAUSE_LOOP_EXITING);
}

/*
 * As nested_vmx_exit_handled_msr() decides, for a read and for a write of
 * @msr: L1 gets both.  Its bitmap is in L1's memory; if it cannot be
 * read, KVM gives L1 the exit, which it then answers itself: not ours.
 */
static bool kn_l1_wants_msr(struct kvm_vcpu *vcpu, void *vmx, u32 msr)
{
	void *vmcs12 = kn_member(vmx, KN_VMX_NESTED_CACHED_VMCS12_OFFSET,
				 void *);
	u64 bitmap;
	u8 rd, wr;

	if (!vmcs12)
		return false;
	if (!(kn_member(vmcs12, KN_VMX_CPU_BASED_VM_EXEC_CONTROL_OFFSET, u32) &
	      CPU_BASED_USE_MSR_BITMAPS))
		return true;
	/* 1 KiB each: reads of low and high MSRs, then writes of both. */
	bitmap = kn_member(vmcs12, KN_VMX_MSR_BITMAP_OFFSET, u64);
	if (msr >= 0xc0000000) {
		msr -= 0xc0000000;
		bitmap += 1024;
	}
	if (msr >= 1024 * 8)	/* outside the bitmap: always L1's */
		return true;
	bitmap += msr / 8;
	if (kvm_vcpu_read_guest(vcpu, bitmap, &rd, 1) ||
	    kvm_vcpu_read_guest(vcpu, bitmap + 2048, &wr, 1))
		return false;
	return rd & wr & BIT(msr % 8);
}

static bool kn_vmx_rdmsr(struct kvm_vcpu *vcpu, void *vmx, u64 ctx)
{
	u64 v;

	if (!kn_l1_wants_msr(vcpu, vmx, vcpu->arch.regs[VCPU_REGS_RCX]) ||
	    !kn_answer_rdmsr_find(vcpu, ctx, &v))
		return false;
	kn_answer_rdmsr(vcpu, ctx, v);
	return true;
}

void kn_vmx_msr_watch(struct kvm_vcpu *vcpu, u32 basic, u64 ctx)
{
	if (basic == EXIT_REASON_MSR_WRITE)
		kn_answer_msr_written(vcpu, ctx);
}

bool kn_vmx_delegate(struct kvm_vcpu *vcpu, void *vmx, u32 basic, u64 ctx)
{
	struct kn_cpuid_answer a;
	unsigned long idt, ss_ar;
	bool cpl0;

	if (basic != EXIT_REASON_CPUID && basic != EXIT_REASON_MSR_READ &&
	    basic != EXIT_REASON_PAUSE_INSTRUCTION)
		return false;
	/* An event being delivered stays with KVM. */
	if (!kn_vmread(IDT_VECTORING_INFO_FIELD, &idt) ||
	    idt & VECTORING_INFO_VALID_MASK ||
	    !kn_vmread(GUEST_SS_AR_BYTES, &ss_ar))
		return false;
	cpl0 = !VMX_AR_DPL(ss_ar);
	/* RDMSR at CPL > 0 faults before it exits. */
	if (basic == EXIT_REASON_MSR_READ)
		return kn_vmx_rdmsr(vcpu, vmx, ctx);
	if (basic == EXIT_REASON_PAUSE_INSTRUCTION) {
		if (!kn_l1_wants_pause(vmx) || !kn_answer_pause_find(vcpu, ctx))
			return false;
		kn_answer_pause(vcpu, ctx, cpl0);
		return true;
	}
	if (!cpl0 || !kn_answer_cpuid_find(vcpu, ctx, &a))
		return false;
	kn_answer_cpuid(vcpu, ctx, &a);
	return true;
}

#endif
