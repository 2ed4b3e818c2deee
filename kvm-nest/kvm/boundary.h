/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVM boundary: the only part of kvm-nest that touches KVM internals.
 * The rest of the module sees VMs as opaque keys and exits as struct kn_exit.
 */
#ifndef KN_KVM_BOUNDARY_H
#define KN_KVM_BOUNDARY_H

#include <linux/types.h>

/* Hook everything or nothing; on failure one line in dmesg says why. */
int kn_kvm_attach(void);
/* Unhook, wait for every hook to finish, unpin the vendor module. */
void kn_kvm_detach(void);

const char *kn_kvm_vendor(void);
const char *kn_kvm_exit_name(u32 code);
/* Calls @fn for every installed hook, until @fn returns non-zero. */
int kn_kvm_visit_hooks(int (*fn)(const char *name, const char *kind,
				   u64 calls, void *arg), void *arg);

/* Callers keep the VM alive, as kn_dolls_for_each() does. */
unsigned int kn_kvm_vm_vcpus(const void *vm);
u64 kn_kvm_vm_mem_bytes(const void *vm);

#endif
