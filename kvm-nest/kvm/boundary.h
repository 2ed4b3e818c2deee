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
struct kn_hook_info {
	const char *name;
	const char *kind;
	u64 calls;
};

/* Calls @fn for every installed hook, until @fn returns non-zero. */
int kn_kvm_visit_hooks(int (*fn)(const struct kn_hook_info *h, void *arg),
		       void *arg);

/* Callers keep the VM alive, as kn_dolls_for_each() does. */
unsigned int kn_kvm_vm_vcpus(const void *vm);
u64 kn_kvm_vm_mem_bytes(const void *vm);

/* Guest memory of a VM, for the channel; called from its vCPU's thread. */
int kn_kvm_read_guest(const void *vm, u64 gpa, void *buf, size_t len);
int kn_kvm_write_guest(const void *vm, u64 gpa, const void *buf, size_t len);
/*
 * The addresses of the vmcbs/vmcss a VM's vCPUs run on: self[i] runs the
 * VM, nested[i] its nested guests (0 if none yet).  Returns how many.
 */
unsigned int kn_kvm_vm_ctx(const void *vm, u64 *self, u64 *nested,
			   unsigned int max);

#endif
