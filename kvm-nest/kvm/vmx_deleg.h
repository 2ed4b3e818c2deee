/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_VMX_DELEG_H
#define KN_KVM_VMX_DELEG_H

#include <linux/kvm_host.h>

#include "layout.h"
#include "ops.h"

#ifdef KN_HAVE_VMX_LAYOUT
/* The struct vcpu_vmx around @vcpu. */
static inline void *kn_vmx_of(struct kvm_vcpu *vcpu)
{
	return (char *)vcpu - KN_VMX_VCPU_OFFSET;
}
#endif

/*
 * Answers an L2 exit of @vmx (basic reason @basic, on vmcs12 @ctx)
 * that L1 delegated to us: true if it did, and L2 resumes past the
 * instruction; false for the stock path.  Before KVM reflects anything.
 */
bool kn_vmx_delegate(struct kvm_vcpu *vcpu, void *vmx, u32 basic, u64 ctx);
/* The vendor's nested_entry: entering vmcs12 @ctx's guest. */
bool kn_vmx_nested_entry(struct kvm_vcpu *vcpu, u64 ctx,
			 struct kn_nested_entry *e);
bool kn_vmx_nested_reads_msr(const struct kn_nested_entry *e, u32 index);
/* At every L2 exit while MSRs are delegated: L2's WRMSRs end their answers. */
void kn_vmx_msr_watch(struct kvm_vcpu *vcpu, u32 basic, u64 ctx);

#endif
