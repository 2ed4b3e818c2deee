/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_DELEG_VCPU_H
#define KN_DELEG_VCPU_H

struct kvm_vcpu;

/*
 * The vcpu_changing and vcpu_changed ops: what our kvm-nest parent may
 * answer for one of our vCPUs is taken back before KVM changes it, and
 * granted again after.
 */
void kn_deleg_vcpu_changing(struct kvm_vcpu *vcpu);
void kn_deleg_vcpu_changed(struct kvm_vcpu *vcpu);

#endif
