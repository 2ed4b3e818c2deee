/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_CHANNEL_PARENT_H
#define KN_CHANNEL_PARENT_H

#include <linux/types.h>

struct kvm;

/* A kvm-nest hypercall from @vm; returns what the guest finds in RAX. */
long kn_ch_call(struct kvm *vm, u64 op, u64 gpa, u64 len);
/* The per-VM rate limit: 0, or -KVM_NEST_EBUSY when over it. */
int kn_ch_admit_vm(struct kvm *vm);
/*
 * A kvmalloc'd copy of @len bytes the child holds at @gpa, at most @max;
 * ERR_PTR() of the channel error (-KVM_NEST_E*) if not.
 */
void *kn_ch_copy_in(struct kvm *vm, u64 gpa, u64 len, u64 max);

#endif
