/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_VCPU_H
#define KN_KVM_VCPU_H

#include "hook.h"

struct kvm;

struct kn_redirect *kn_vcpu_hooks(unsigned int *n);
/* vcpu_changing for every vCPU of @kvm. */
void kn_vcpu_changing_all(struct kvm *kvm);

#endif
