// SPDX-License-Identifier: GPL-2.0-only
/*
 * Delegated exits on VMX: L1 always gets L2's CPUID exits, and the exit
 * gives the instruction's length, so only CPL and events remain to check.
 */
#include <asm/vmx.h>

#include "answer.h"
#include "vmx_deleg.h"

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

bool kn_vmx_delegate(struct kvm_vcpu *vcpu, u32 basic, u64 ctx)
{
	struct kn_cpuid_answer a;
	unsigned long idt, ss_ar;

	if (basic != EXIT_REASON_CPUID ||
	    !kn_vmread(IDT_VECTORING_INFO_FIELD, &idt) ||
	    idt & VECTORING_INFO_VALID_MASK ||
	    !kn_vmread(GUEST_SS_AR_BYTES, &ss_ar) || VMX_AR_DPL(ss_ar) ||
	    !kn_answer_cpuid_find(vcpu, ctx, &a))
		return false;
	kn_answer_cpuid(vcpu, ctx, &a);
	return true;
}
