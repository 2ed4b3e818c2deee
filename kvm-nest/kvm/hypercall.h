/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_HYPERCALL_H
#define KN_KVM_HYPERCALL_H

#include "hook.h"

struct kn_redirect *kn_hc_hooks(unsigned int *n);

#endif
