/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_VCPU_H
#define KN_KVM_VCPU_H

#include "hook.h"

struct kvm;

struct kn_redirect *kn_vcpu_hooks(unsigned int *n);
/* Before KVM frees a VM's vCPUs: nothing of theirs stays delegated. */
void kn_vcpu_revoke_all(struct kvm *kvm);

#endif
