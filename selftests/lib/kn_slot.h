/* SPDX-License-Identifier: GPL-2.0 */
/* Host side: memslots beyond the VM's first (kn_vm.h). */
#ifndef KN_SLOT_H
#define KN_SLOT_H

#include <stdint.h>

#include "kn_vm.h"

/*
 * Memslot @slot of @size bytes at @gpa, with KVM_MEM_* @flags (e.g.
 * KVM_MEM_READONLY: the guest cannot write it, the host can). Returns the
 * host's view of it; munmap() it once the VM is destroyed.
 */
void *kn_slot_add(struct kn_vm *vm, uint32_t slot, uint64_t gpa, uint64_t size,
		  uint32_t flags);

#endif
