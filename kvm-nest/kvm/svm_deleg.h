/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_SVM_DELEG_H
#define KN_KVM_SVM_DELEG_H

#include <linux/kvm_host.h>

#include "ops.h"

/*
 * Answers an L2 exit that L1 delegated to us, as L1 would have: true if
 * it did (L2 resumes past the instruction), false for the stock path.
 */
bool kn_svm_delegate(struct kvm_vcpu *vcpu, void *svm);
/* The vendor's nested_entry: entering vmcb12 @ctx's guest. */
bool kn_svm_nested_entry(struct kvm_vcpu *vcpu, u64 ctx,
			 struct kn_nested_entry *e);
bool kn_svm_nested_reads_msr(const struct kn_nested_entry *e, u32 index);
/* At every L2 exit while MSRs are delegated: L2's WRMSRs end their answers. */
void kn_svm_msr_watch(struct kvm_vcpu *vcpu, void *svm);

#endif
