/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side: a vCPU's state saved and loaded back into it with KVM's
 * nested state API, as a migration would, while its guest runs a nested
 * guest.
 */
#ifndef KN_NSTATE_H
#define KN_NSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "kn_vm.h"

/* What the saved nested state said. */
struct kn_nstate_info {
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
bool kn_nstate_roundtrip(struct kn_vcpu *vcpu, struct kn_nstate_info *info);

#endif
