/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_VM_H
#define KN_KVM_VM_H

#include "hook.h"

struct kn_redirect *kn_vm_hooks(unsigned int *n);

#endif
