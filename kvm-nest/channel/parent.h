/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_CHANNEL_PARENT_H
#define KN_CHANNEL_PARENT_H

#include <linux/types.h>

/* A kvm-nest hypercall from @vm; returns what the guest finds in RAX. */
long kn_ch_call(const void *vm, u64 op, u64 gpa, u64 len);

#endif
