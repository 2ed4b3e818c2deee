/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_VM_H
#define KN_KVM_VM_H

#include "hook.h"

struct kn_redirect *kn_vm_hooks(unsigned int *n);
/* KVM's list of VMs: looked up before attaching, walked once attached. */
int kn_vms_resolve(void);
void kn_vms_find(void);

#endif
