// SPDX-License-Identifier: GPL-2.0
/*
 * kn_l2_extras for VMX, on the VMCS kn_vmx.c made current (SDM vol. 3C, ch. 25
 * and appendix A). kn_vmx.c uses no MSR bitmap, so every RDMSR and WRMSR
 * of L2 already exits: intercepting one MSR needs nothing more.
 */
#include "kn_l2_extras.h"
#include "kn_ucall.h"
#include "kn_x86.h"

#define MSR_VMX_BASIC			0x480
#define   VMX_BASIC_TRUE_CTLS		(1UL << 55)
#define MSR_VMX_PROCBASED_CTLS		0x482
#define MSR_VMX_TRUE_PROCBASED_CTLS	0x48e
#define MSR_VMX_PROCBASED_CTLS2		0x48b
#define MSR_VMX_EPT_VPID_CAP		0x48c
#define   EPT_CAP_WALK_4		(1UL << 6)
#define   EPT_CAP_WB			(1UL << 14)

#define PROC_PAUSE_EXITING		(1U << 30)
#define PROC_SECONDARY			(1U << 31)
#define PROC2_EPT			(1U << 1)
#define EPTP_WB_WALK_4			(6 | 3 << 3)

#define CPU_BASED_VM_EXEC_CONTROL	0x4002
#define SECONDARY_VM_EXEC_CONTROL	0x401e
#define EPT_POINTER			0x201a
#define GUEST_PHYSICAL_ADDRESS		0x2400
#define GUEST_INTERRUPTIBILITY_INFO	0x4824
#define   INTR_BLOCKED_BY_STI_OR_MOV_SS	3
#define GUEST_RSP			0x681c
#define GUEST_RIP			0x681e
#define GUEST_RFLAGS			0x6820

#define EXIT_RDMSR			31
#define EXIT_WRMSR			32
#define EXIT_PAUSE			40
#define EXIT_EPT_VIOLATION		48

/* kn_vmx.c checked VMX works; a failure here is a bug, caught by the next entry. */
static uint64_t vmread(uint64_t field)
{
	uint64_t v;

	__asm__ __volatile__("vmread %1, %0" : "=r"(v) : "r"(field) : "cc");
	return v;
}

static void vmwrite(uint64_t field, uint64_t v)
{
	__asm__ __volatile__("vmwrite %1, %0" :: "r"(field), "r"(v) : "cc", "memory");
}

/* May @bits be 1 in the control that capability MSR @msr describes? */
static bool allowed(uint32_t msr, uint32_t bits)
{
	return (kn_rdmsr(msr) >> 32 & bits) == bits;
}

static uint32_t procbased_msr(void)
{
	return kn_rdmsr(MSR_VMX_BASIC) & VMX_BASIC_TRUE_CTLS ?
	       MSR_VMX_TRUE_PROCBASED_CTLS : MSR_VMX_PROCBASED_CTLS;
}

static enum kn_l2_extras_exit vmx_kind(const struct kn_l2 *l2)
{
	switch (l2->exit) {
	case EXIT_RDMSR:
		return KN_X_RDMSR;
	case EXIT_WRMSR:
		return KN_X_WRMSR;
	case EXIT_PAUSE:
		return KN_X_PAUSE;
	case EXIT_EPT_VIOLATION:
		return KN_X_NPF;
	default:
		return KN_X_OTHER;
	}
}

static void vmx_intercept_pause(struct kn_l2 *l2)
{
	(void)l2;
	if (!allowed(procbased_msr(), PROC_PAUSE_EXITING))
		KN_GUEST_FAIL("VMX: no PAUSE exiting", 0, 0);
	vmwrite(CPU_BASED_VM_EXEC_CONTROL,
		vmread(CPU_BASED_VM_EXEC_CONTROL) | PROC_PAUSE_EXITING);
}

static void vmx_intercept_rdmsr(struct kn_l2 *l2, uint32_t msr)
{
	(void)l2;
	(void)msr;
}

static bool vmx_paging(struct kn_l2 *l2, uint64_t root)
{
	uint64_t cap = kn_rdmsr(MSR_VMX_EPT_VPID_CAP);

	(void)l2;
	if (!allowed(procbased_msr(), PROC_SECONDARY) ||
	    !allowed(MSR_VMX_PROCBASED_CTLS2, PROC2_EPT) ||
	    !(cap & EPT_CAP_WALK_4) || !(cap & EPT_CAP_WB))
		return false;
	vmwrite(CPU_BASED_VM_EXEC_CONTROL,
		vmread(CPU_BASED_VM_EXEC_CONTROL) | PROC_SECONDARY);
	vmwrite(SECONDARY_VM_EXEC_CONTROL, PROC2_EPT);
	vmwrite(EPT_POINTER, root | EPTP_WB_WALK_4);
	return true;
}

static uint64_t vmx_fault_gpa(const struct kn_l2 *l2)
{
	(void)l2;
	return vmread(GUEST_PHYSICAL_ADDRESS);
}

static void vmx_state(const struct kn_l2 *l2, struct kn_l2_extras_state *s)
{
	(void)l2;
	s->rip = vmread(GUEST_RIP);
	s->rsp = vmread(GUEST_RSP);
	s->rflags = vmread(GUEST_RFLAGS);
	s->shadow = vmread(GUEST_INTERRUPTIBILITY_INFO) & INTR_BLOCKED_BY_STI_OR_MOV_SS;
}

/* CPUID exits unconditionally in VMX non-root operation. */
static bool vmx_intercept_cpuid(struct kn_l2 *l2, bool on)
{
	(void)l2;
	return on;
}

const struct kn_l2_extras_ops kn_l2_extras_vmx = {
	.kind = vmx_kind,
	.intercept_pause = vmx_intercept_pause,
	.intercept_rdmsr = vmx_intercept_rdmsr,
	.intercept_wrmsr = vmx_intercept_rdmsr,
	.paging = vmx_paging,
	.fault_gpa = vmx_fault_gpa,
	.state = vmx_state,
	.intercept_cpuid = vmx_intercept_cpuid,
	.fmt = &kn_tdp_ept,
};
