// SPDX-License-Identifier: GPL-2.0-only
/*
 * Delegated exits on VMX: L1 always gets L2's CPUID exits, and the exit
 * gives the instruction's length, so only CPL, events and, for PAUSE,
 * L1's controls remain to check.
 */
#include <asm/vmx.h>

#include "answer.h"
#include "layout.h"
#include "vendor.h"
#include "vmx_deleg.h"

#ifdef KN_HAVE_VMX_LAYOUT

/* VMREAD from the current VMCS: vmcs02 while KVM handles an L2 exit. */
static bool kn_vmread(unsigned long field, unsigned long *val)
{
	u8 bad;

	asm volatile("vmread %[f], %[v]\n\tsetna %[bad]"
		     : [v] "=rm" (*val), [bad] "=qm" (bad)
		     : [f] "r" (field)
		     : "cc");
	return !bad;
}

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

bool kn_vmx_delegate(struct kvm_vcpu *vcpu, void *vmx, u32 basic, u64 ctx)
{
	struct kn_cpuid_answer a;
	unsigned long idt, ss_ar;
	bool cpl0;

	if (basic != EXIT_REASON_CPUID && basic != EXIT_REASON_PAUSE_INSTRUCTION)
		return false;
	/* An event being delivered stays with KVM. */
	if (!kn_vmread(IDT_VECTORING_INFO_FIELD, &idt) ||
	    idt & VECTORING_INFO_VALID_MASK ||
	    !kn_vmread(GUEST_SS_AR_BYTES, &ss_ar))
		return false;
	cpl0 = !VMX_AR_DPL(ss_ar);
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
