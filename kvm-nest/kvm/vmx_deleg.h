/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_VMX_DELEG_H
#define KN_KVM_VMX_DELEG_H

#include <linux/kvm_host.h>

/*
 * Answers an L2 exit of @vmx (basic reason @basic, on vmcs12 @ctx)
 * that L1 delegated to us: true if it did, and L2 resumes past the
 * instruction; false for the stock path.  Before KVM reflects anything.
 */
bool kn_vmx_delegate(struct kvm_vcpu *vcpu, void *vmx, u32 basic, u64 ctx);
/* At every L2 exit while MSRs are delegated: L2's WRMSRs end their answers. */
void kn_vmx_msr_watch(struct kvm_vcpu *vcpu, u32 basic, u64 ctx);

#endif
