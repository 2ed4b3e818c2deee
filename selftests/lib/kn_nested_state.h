/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side: a vCPU's state saved and loaded back into it with KVM's
 * nested state API, as a migration would, while its guest runs a nested
 * guest.
 */
#ifndef KN_NESTED_STATE_H
#define KN_NESTED_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "kn_vm.h"

/* What the saved nested state said. */
struct kn_nested_state_info {
	uint16_t flags;		/* KVM_STATE_NESTED_* */
	uint16_t format;	/* KVM_STATE_NESTED_FORMAT_SVM / _VMX */
	uint64_t ctx;		/* the vmcb12 / vmcs12 address */
	uint32_t size;		/* bytes of nested state */
};

/*
 * Saves the registers, special registers, events and nested state of
 * @vcpu and loads them back. False (nothing done) if KVM has no nested
 * state API; ioctl errors bail out.
 */
bool kn_nested_state_roundtrip(struct kn_vcpu *vcpu, struct kn_nested_state_info *info);

/*
 * Completes the vCPU's pending I/O (the ucall's OUT), so that the state
 * read next is past it.
 */
void kn_vcpu_complete_io(struct kn_vcpu *vcpu);

/*
 * An INIT for @vcpu, latched by the host as QEMU does when it loads a
 * vCPU's events, then taken (KVM_GET_MP_STATE accepts pending events).
 * If the vCPU was reset, its registers and special registers as they
 * were are loaded back and true is returned; if INIT stayed latched
 * (blocked, e.g. in VMX root operation), it is withdrawn and false is
 * returned.
 */
bool kn_vcpu_init_signal(struct kn_vcpu *vcpu);

#endif
