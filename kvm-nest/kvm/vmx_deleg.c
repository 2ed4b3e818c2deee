// SPDX-License-Identifier: GPL-2.0-only
/*
 * Delegated exits on VMX: L1 always gets L2's CPUID exits, and the exit
 * gives the instruction's length, so only CPL, events and, for PAUSE and
 * RDMSR, L1's controls and MSR bitmap remain to check.
 */
#include <asm/vmx.h>

#include "answer.h"
#include "layout.h"
#include "msr_map.h"
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
	u32 byte;
	u8 bit, rd, wr;

	if (!vmcs12)
		return false;
	if (!(kn_member(vmcs12, KN_VMX_CPU_BASED_VM_EXEC_CONTROL_OFFSET, u32) &
	      CPU_BASED_USE_MSR_BITMAPS) ||
	    !kn_vmx_msr_bitmap_read_bit(msr, &byte, &bit))
		return true;
	bitmap = kn_member(vmcs12, KN_VMX_MSR_BITMAP_OFFSET, u64) + byte;
	if (kvm_vcpu_read_guest(vcpu, bitmap, &rd, 1) ||
	    kvm_vcpu_read_guest(vcpu, bitmap + KN_VMX_MSR_BITMAP_WRITES, &wr, 1))
		return false;
	return rd & wr & bit;
}

/*
 * From nested_vmx_enter_non_root_mode() (VMLAUNCH/VMRESUME, RSM, nested
 * state loaded), vmcs12 cached: what the nested guest's hypervisor
 * intercepts, as KVM will decide by it.  If the entry then fails its
 * checks, nothing runs on vmcs02 before the next entry writes again.
 */
bool kn_vmx_nested_entry(struct kvm_vcpu *vcpu, u64 ctx,
			 struct kn_nested_entry *e)
{
	void *vmx = kn_vmx_of(vcpu);
	void *vmcs12 = kn_member(vmx, KN_VMX_NESTED_CACHED_VMCS12_OFFSET,
				 void *);
	void *vmcs02 = kn_member(vmx, KN_VMX_NESTED_VMCS02_VMCS_OFFSET,
				 void *);
	u32 ctl;

	if (!vmcs12 || !vmcs02)
		return false;
	ctl = kn_member(vmcs12, KN_VMX_CPU_BASED_VM_EXEC_CONTROL_OFFSET, u32);
	e->vcpu = vcpu;
	e->run_ctx = __pa(vmcs02);	/* what VMPTRLD takes */
	e->ctx = ctx;
	/* CPUID exits unconditionally; without a bitmap every MSR does. */
	e->classes = KVM_NEST_DELEG_CPUID | KVM_NEST_DELEG_RDMSR;
	e->every_msr = !(ctl & CPU_BASED_USE_MSR_BITMAPS);
	e->msr_map = e->every_msr ? 0 :
		     kn_member(vmcs12, KN_VMX_MSR_BITMAP_OFFSET, u64);
	if (kn_l1_wants_pause(vmx))
		e->classes |= KVM_NEST_DELEG_PAUSE;
	return true;
}

/* A page that is not at hand leaves the MSR out. */
bool kn_vmx_nested_reads_msr(const struct kn_nested_entry *e, u32 index)
{
	u32 byte;
	u8 bit, rd;

	if (e->every_msr || !kn_vmx_msr_bitmap_read_bit(index, &byte, &bit))
		return true;
	return !kvm_vcpu_read_guest_atomic(e->vcpu, e->msr_map + byte, &rd,
					   1) && rd & bit;
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
