/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_LIFECYCLE_H
#define KN_LIFECYCLE_H

struct kvm;
struct task_struct;

/*
 * A VM's coming and going, fanned out in one place: the registry, then
 * its envelope; and when it goes, the commands waiting for its kvm-nest
 * and the exits it delegated.  The vm_created, vm_found and vm_destroyed
 * ops.
 */
void kn_vm_created(struct kvm *vm);
void kn_vm_found(struct kvm *vm, struct task_struct *vmm);
void kn_vm_destroyed(struct kvm *vm);
/*
 * At unload, once no hook can run: every doll goes as if its VM died,
 * but envelopes, which go with the module, are not told.
 */
void kn_vms_exit(void);

#endif
