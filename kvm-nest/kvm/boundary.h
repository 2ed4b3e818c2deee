/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVM boundary: the only part of kvm-nest that touches KVM internals.
 * The rest of the module sees VMs as opaque keys and exits as struct kn_exit.
 */
#ifndef KN_KVM_BOUNDARY_H
#define KN_KVM_BOUNDARY_H

#include <linux/types.h>

struct seq_file;

/* Hook everything or nothing; on failure one line in dmesg says why. */
int kn_kvm_attach(void);
/* Unhook, wait for every hook to finish, unpin the vendor module. */
void kn_kvm_detach(void);

const char *kn_kvm_vendor(void);
const char *kn_kvm_exit_name(u32 code);
void kn_kvm_hooks_show(struct seq_file *m);

/* Callers keep the VM alive, as kn_dolls_for_each() does. */
unsigned int kn_kvm_vm_vcpus(const void *vm);
u64 kn_kvm_vm_mem_bytes(const void *vm);

#endif
