// SPDX-License-Identifier: GPL-2.0-only
/* Intel VMX: where kvm_intel keeps exits and nested state, and its redirect. */
#include <asm/vmx.h>

#include "layout.h"
#include "ops.h"
#include "trace.h"
#include "vendor.h"
#include "vmx_deleg.h"
#include "vmx_insn.h"

#ifdef KN_HAVE_VMX_LAYOUT

/* The headers we build with and the BTF we read must describe one kernel. */
static_assert(sizeof(struct kvm_vcpu) == KN_VMX_VCPU_SIZE);

static u32 kn_vmx_exit_code(struct kvm_vcpu *vcpu)
{
	u32 full = kn_member(kn_vmx_of(vcpu), KN_VMX_EXIT_REASON_OFFSET, u32);

	return (full >> KN_VMX_EXIT_REASON_BASIC_BIT_OFFSET) &
	       GENMASK(KN_VMX_EXIT_REASON_BASIC_BIT_SIZE - 1, 0);
}

static u64 kn_vmx_nested_ctx(struct kvm_vcpu *vcpu)
{
	return kn_member(kn_vmx_of(vcpu), KN_VMX_NESTED_CURRENT_VMPTR_OFFSET,
			 u64);
}

/* VMPTRLD takes the VMCS region's physical address. */
static void kn_vmx_run_ctx(struct kvm_vcpu *vcpu, u64 *self, u64 *nested)
{
	void *vmx = kn_vmx_of(vcpu);
	void *v01 = kn_member(vmx, KN_VMX_VMCS01_VMCS_OFFSET, void *);
	void *v02 = kn_member(vmx, KN_VMX_NESTED_VMCS02_VMCS_OFFSET, void *);

	*self = v01 ? __pa(v01) : 0;
	*nested = v02 ? __pa(v02) : 0;
}

/* The register VMREAD or VMWRITE names the field in (SDM Vol. 3, 28.2.5). */
static u32 kn_vmx_insn_field(struct kvm_vcpu *vcpu)
{
	unsigned long info, rsp;
	unsigned int reg;

	if (!kn_vmread(VMX_INSTRUCTION_INFO, &info))
		return U32_MAX;
	reg = (info >> 28) & 0xf;
	/* KVM reads the guest's RSP from the VMCS lazily. */
	if (reg == VCPU_REGS_RSP)
		return kn_vmread(GUEST_RSP, &rsp) ? rsp : U32_MAX;
	return vcpu->arch.regs[reg];
}

/* After the exit, KVM has saved the guest's GPRs but RSP in regs[]. */
static u64 kn_vmx_exit_detail(struct kvm_vcpu *vcpu, u32 code)
{
	switch (code) {
	case EXIT_REASON_MSR_READ:
		return KN_DETAIL(KN_DETAIL_MSR_READ, vcpu->arch.regs[VCPU_REGS_RCX]);
	case EXIT_REASON_MSR_WRITE:
		return KN_DETAIL(KN_DETAIL_MSR_WRITE, vcpu->arch.regs[VCPU_REGS_RCX]);
	case EXIT_REASON_VMREAD:
	case EXIT_REASON_VMWRITE:
		return KN_DETAIL(KN_DETAIL_VMCS_FIELD, kn_vmx_insn_field(vcpu));
	default:
		return 0;
	}
}

static const struct kn_exit_name kn_vmx_reasons[] = { VMX_EXIT_REASONS };

/* kvm_intel's prototype is in no header we can include: the wrapper's. */
static bool kn_vmx_reflect(struct kvm_vcpu *vcpu);
static void kn_vmx_free_nested(struct kvm_vcpu *vcpu);
KN_ORIG_DEFINE(nested_vmx_reflect_vmexit, kn_vmx_reflect);
KN_ORIG_DEFINE(free_nested, kn_vmx_free_nested);

enum { KN_VMX_REFLECT, KN_VMX_FREE_NESTED, KN_VMX_NR_REDIRECTS };
static struct kn_redirect kn_vmx_redirects[KN_VMX_NR_REDIRECTS];

/*
 * Decides whether L1 wants the exit; if so, the vCPU leaves guest mode.
 * KVM asks for every L2 exit, so it is also where they are counted.
 * A delegated exit is answered first: "true" without the original keeps
 * the vCPU in guest mode and makes KVM resume L2.
 */
static bool kn_vmx_reflect(struct kvm_vcpu *vcpu)
{
	u64 ctx = kn_vmx_nested_ctx(vcpu);
	bool ret = true;

	kn_hook_enter(kn_vmx_redirects[KN_VMX_REFLECT].id);
	kn_nested_exit_report(vcpu, kn_vmx_exit_code(vcpu), ctx);
	if (static_branch_unlikely(&kn_kvm_wrmsr_watch))
		kn_vmx_msr_watch(vcpu, kn_vmx_exit_code(vcpu), ctx);
	if (static_branch_unlikely(&kn_kvm_answer) &&
	    kn_vmx_delegate(vcpu, kn_vmx_of(vcpu), kn_vmx_exit_code(vcpu),
			    ctx))
		goto out;
	ret = KN_ORIG(kvm_intel, nested_vmx_reflect_vmexit)(vcpu);
	if (!kn_guest_mode(vcpu))
		kn_kvm_report(exit_reflected)(vcpu->kvm, ctx);
out:
	kn_hook_leave();
	return ret;
}

/*
 * L1 left VMX operation (VMXOFF, reset), or its vCPU goes: what it
 * delegated dies, before its vmcs02 does (a slot must not name a freed
 * one).
 */
static void kn_vmx_free_nested(struct kvm_vcpu *vcpu)
{
	kn_hook_enter(kn_vmx_redirects[KN_VMX_FREE_NESTED].id);
	kn_kvm_report(nested_reset)(vcpu->kvm);
	KN_ORIG(kvm_intel, free_nested)(vcpu);
	kn_hook_leave();
}

static struct kn_redirect kn_vmx_redirects[] = {
	[KN_VMX_REFLECT] = KN_REDIRECT(kvm_intel, nested_vmx_reflect_vmexit,
				       "redirect", kn_vmx_reflect),
	[KN_VMX_FREE_NESTED] = KN_REDIRECT(kvm_intel, free_nested,
					   "delegation", kn_vmx_free_nested),
};

struct kn_vendor kn_vmx = {
	.name = "vmx",
	.module = "kvm_intel",
	.layout = true,
	.redirects = kn_vmx_redirects,
	.nr_redirects = ARRAY_SIZE(kn_vmx_redirects),
	.exit_code = kn_vmx_exit_code,
	.nested_ctx = kn_vmx_nested_ctx,
	.run_ctx = kn_vmx_run_ctx,
	.exit_detail = kn_vmx_exit_detail,
	.nested_entry = kn_vmx_nested_entry,
	.nested_reads_msr = kn_vmx_nested_reads_msr,
	.reasons = kn_vmx_reasons,
	.nr_reasons = ARRAY_SIZE(kn_vmx_reasons),
};

#else

struct kn_vendor kn_vmx = { .name = "vmx", .module = "kvm_intel" };

#endif
