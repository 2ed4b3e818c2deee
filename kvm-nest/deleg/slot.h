/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_DELEG_SLOT_H
#define KN_DELEG_SLOT_H

#include <linux/types.h>
#include <uapi/linux/kvm_nest_channel.h>

#include "../kvm/ops.h"

struct kn_doll;

/* The classes a forwarded (inner) policy may hold. */
#define KN_DELEG_INNER_CLASSES	KVM_NEST_DELEG_ALL

/* As a parent.  KVM_NEST_CH_SLOT from @vm: 0 or -KVM_NEST_E*. */
long kn_slot_call(struct kvm *vm, u64 ctx, u64 gpa);
/* The slot_of op: where @vm's slot for its context @ctx is, or 0. */
u64 kn_slot_of(struct kvm *vm, u64 ctx);

/*
 * As a child.  The nested_entered op: write the vCPU's slot (registering
 * it with our parent first) if @vm's policies were forwarded.
 */
void kn_slot_entered(struct kvm *vm, u32 vcpu, const struct kn_nested_entry *e);
/* Our parent greeted us anew: it knows none of our slots. */
void kn_slots_parent_forgot(void);
/*
 * Forwards @vm's new policy @h to our parent as an inner one, giving @vm
 * a handle there first.
 */
void kn_deleg_forward(struct kvm *vm, const struct kvm_nest_ch_delegate *h);

/*
 * Both sides, for doll @vm: its nested state started over.  Drop the
 * slots it registered with us; empty ours of its vCPUs.
 */
void kn_slots_forget(struct kn_doll *vm);
/* It is going: take our slots back from our parent and free them. */
void kn_slots_free(struct kn_doll *vm);
/* And revoke at our parent what we forwarded for it, then its handle. */
void kn_deleg_unforward(struct kn_doll *vm);

#endif
