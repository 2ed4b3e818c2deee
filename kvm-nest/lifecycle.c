// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a VM's coming and going means to each part of kvm-nest, in one
 * place, in order.  The registry (doll.c) only keeps dolls.
 */
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "channel/request.h"
#include "deleg/store.h"
#include "doll.h"
#include "env/set.h"
#include "lifecycle.h"
#include "vmm.h"

/* In the VMM's context: its name is the doll's, and its envelope's key. */
void kn_vm_created(struct kvm *vm)
{
	char name[KN_NAME_LEN];
	struct kn_doll *d;

	if (kn_vmm_name(current, name, sizeof(name)))
		strscpy(name, "-", sizeof(name));
	d = kn_doll_vm_add(vm, name);
	if (!IS_ERR(d))
		kn_env_vm_born(d->id, name);
}

/*
 * A VM from before the module: its VMM's name is read later, so it has no
 * envelope to attach by name here; it gets one set by id.
 */
void kn_vm_found(struct kvm *vm, struct task_struct *vmm)
{
	kn_doll_vm_found(vm, vmm);
}

/*
 * Out of the registry and its waiters failed in one hold of the mutex: a
 * waiter that wakes finds neither its doll's id nor its request, which
 * lives on its stack.  What the VM delegated goes before the doll.
 */
static struct kn_doll *kn_vm_take(struct kvm *vm)
{
	struct kn_doll *d;

	kn_dolls_lock();
	d = kn_doll_vm_unlink(vm);
	if (d)
		kn_ch_requests_fail(d);
	kn_dolls_unlock();
	if (d)
		kn_deleg_forget(d);
	return d;
}

void kn_vm_destroyed(struct kvm *vm)
{
	struct kn_doll *d = kn_vm_take(vm);

	if (!d)
		return;
	kn_env_vm_gone(d->id);
	kn_doll_vm_free(d);
}

void kn_vms_exit(void)
{
	struct kn_doll *d;

	while ((d = kn_vm_take(NULL)))
		kn_doll_vm_free(d);
	rcu_barrier();
}
