// SPDX-License-Identifier: GPL-2.0-only
/* VM lifetime, and the facts of a VM that the rest of kvm-nest asks for. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>
#include <linux/sched/task.h>

#include "boundary.h"
#include "sym.h"
#include "vcpu.h"
#include "vendor.h"
#include "vm.h"

/*
 * Destroy first: redirects attach in order and detach in reverse, so no VM
 * can get a doll (init) while its destruction would go unseen; such a doll
 * outlived its VM and reading it was a use after free (make stress).
 */
enum { KN_VM_DESTROY, KN_VM_INIT, KN_VM_RESET, KN_VM_NR_REDIRECTS };

/* KVM's own prototypes: the wrappers must keep them exactly. */
KN_ORIG_DEFINE(kvm_arch_init_vm, kvm_arch_init_vm);
KN_ORIG_DEFINE(kvm_arch_destroy_vm, kvm_arch_destroy_vm);
KN_ORIG_DEFINE(kvm_vcpu_reset, kvm_vcpu_reset);
static struct kn_redirect kn_vm_redirects[KN_VM_NR_REDIRECTS];

static int kn_vm_init(struct kvm *kvm, unsigned long type)
{
	int ret;

	kn_hook_enter(kn_vm_redirects[KN_VM_INIT].id);
	ret = KN_ORIG(kvm, kvm_arch_init_vm)(kvm, type);
	if (!ret)
		kn_kvm_report(vm_created)(kvm);
	kn_hook_leave();
	return ret;
}

/*
 * Reported first, while everything of the VM still exists: its vCPUs'
 * answers before their vmcbs are freed, then the VM.
 */
static void kn_vm_destroy(struct kvm *kvm)
{
	kn_hook_enter(kn_vm_redirects[KN_VM_DESTROY].id);
	kn_vcpu_changing_all(kvm);
	kn_kvm_report(vm_destroyed)(kvm);
	KN_ORIG(kvm, kvm_arch_destroy_vm)(kvm);
	kn_hook_leave();
}

/*
 * INIT or RESET of any vCPU: the kernel inside may be starting over (a
 * reboot, or kexec, whose new kernel INITs the APs), and nothing it
 * delegated may outlive it.  A hypervisor that onlines a CPU later has
 * to delegate again.
 */
static void kn_vcpu_reset(struct kvm_vcpu *vcpu, bool init_event)
{
	kn_hook_enter(kn_vm_redirects[KN_VM_RESET].id);
	KN_ORIG(kvm, kvm_vcpu_reset)(vcpu, init_event);
	kn_kvm_report(nested_reset)(vcpu->kvm);
	kn_hook_leave();
}

static struct kn_redirect kn_vm_redirects[] = {
	[KN_VM_INIT] = KN_REDIRECT(kvm, kvm_arch_init_vm, "lifecycle",
				   kn_vm_init),
	[KN_VM_DESTROY] = KN_REDIRECT(kvm, kvm_arch_destroy_vm, "lifecycle",
				      kn_vm_destroy),
	[KN_VM_RESET] = KN_REDIRECT(kvm, kvm_vcpu_reset, "delegation",
				    kn_vcpu_reset),
};

struct kn_redirect *kn_vm_hooks(unsigned int *n)
{
	*n = ARRAY_SIZE(kn_vm_redirects);
	return kn_vm_redirects;
}

unsigned int kn_kvm_vm_vcpus(struct kvm *kvm)
{
	return atomic_read(&kvm->online_vcpus);
}

u64 kn_kvm_vm_mem_bytes(struct kvm *kvm)
{
	struct kvm_memory_slot *slot;
	struct kvm_memslots *slots;
	u64 pages = 0;
	int idx, bkt;

	/* Address space 0 is guest RAM; SMM's copy would count it twice. */
	idx = srcu_read_lock(&kvm->srcu);
	slots = __kvm_memslots(kvm, 0);
	kvm_for_each_memslot(slot, bkt, slots)
		pages += slot->npages;
	srcu_read_unlock(&kvm->srcu, idx);
	return pages << PAGE_SHIFT;
}

void kn_kvm_vm_totals(struct kvm *kvm, u64 *exits, u64 *guest_ns)
{
	struct kvm_vcpu *vcpu;
	struct task_struct *t;
	unsigned long i;

	*exits = 0;
	*guest_ns = 0;
	rcu_read_lock();
	kvm_for_each_vcpu(i, vcpu, kvm) {
		*exits += READ_ONCE(vcpu->stat.exits);
		t = pid_task(rcu_dereference(vcpu->pid), PIDTYPE_PID);
		if (t)
			*guest_ns += READ_ONCE(t->gtime);
	}
	rcu_read_unlock();
}

/*
 * The task that last ran vCPU 0 of @kvm or, before any ran, the thread
 * that made the VM (KVM notes its pid for its uevents) if it still has the
 * VM's memory, referenced; NULL if neither is left.  Either names the VMM.
 */
static struct task_struct *kn_vm_vmm(struct kvm *kvm)
{
	struct kvm_vcpu *vcpu = kvm_get_vcpu(kvm, 0);
	pid_t maker = READ_ONCE(kvm->userspace_pid);
	struct task_struct *t = NULL;

	rcu_read_lock();
	if (vcpu)
		t = pid_task(rcu_dereference(vcpu->pid), PIDTYPE_PID);
	if (!t && maker > 0) {
		t = pid_task(find_pid_ns(maker, &init_pid_ns), PIDTYPE_PID);
		/* The number may be another's now: only the VM's own will do. */
		if (t && READ_ONCE(t->mm) != kvm->mm)
			t = NULL;
	}
	if (t)
		get_task_struct(t);
	rcu_read_unlock();
	return t;
}

static struct mutex *kn_kvm_lock;
static struct list_head *kn_vm_list;

int kn_vms_resolve(void)
{
	kn_kvm_lock = KN_SYM_DATA(kvm, kvm_lock);
	kn_vm_list = KN_SYM_DATA(kvm, vm_list);
	if (kn_kvm_lock && kn_vm_list)
		return 0;
	pr_err("cannot find KVM's kvm_lock/vm_list; this kernel is not supported\n");
	return -ENOENT;
}

/*
 * After the lifecycle redirects are in: a VM made from now on is seen
 * being made, and any VM still on the list, whose destruction has not
 * started (it leaves the list first), will be seen being destroyed.
 */
void kn_vms_find(void)
{
	struct task_struct *vmm;
	struct kvm *kvm;

	mutex_lock(kn_kvm_lock);
	list_for_each_entry(kvm, kn_vm_list, vm_list) {
		vmm = kn_vm_vmm(kvm);
		if (!vmm)
			continue;
		kn_kvm_report(vm_found)(kvm, vmm);
		put_task_struct(vmm);
	}
	mutex_unlock(kn_kvm_lock);
}

unsigned int kn_kvm_vm_ctx(struct kvm *kvm, u64 *self, u64 *nested,
			   unsigned int max)
{
	struct kvm_vcpu *vcpu;
	unsigned int n = 0;
	unsigned long i;

	kvm_for_each_vcpu(i, vcpu, kvm) {
		if (n == max)
			break;
		static_call(kn_vendor_run_ctx)(vcpu, &self[n], &nested[n]);
		n++;
	}
	return n;
}
