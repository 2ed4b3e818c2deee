/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVM boundary: the only part of kvm-nest that touches KVM internals,
 * and a leaf: it includes nothing of the rest of kvm-nest, which it reaches
 * only through the ops it is given (ops.h).  Outside kvm/, a struct kvm or
 * kvm_vcpu is opaque: a key, and what these functions tell of it.
 */
#ifndef KN_KVM_BOUNDARY_H
#define KN_KVM_BOUNDARY_H

#include <linux/types.h>

#include "ops.h"

struct kvm_cpuid_entry2;

/*
 * Hook everything or nothing, reporting to @ops from then on; on failure
 * one line in dmesg says why.
 */
int kn_kvm_attach(const struct kn_kvm_ops *ops);
/* Unhook, wait for every hook to finish, unpin the vendor module. */
void kn_kvm_detach(void);
/*
 * From now on, report every entry into a nested guest (nested_entered):
 * only a kernel that forwards policies needs it.  May sleep.
 */
void kn_kvm_watch_nested_entries(void);
/*
 * In nested_entered: whether the hypervisor of the nested guest that
 * @e enters intercepts its reads of MSR @index.  False when its map
 * cannot be read without sleeping.
 */
bool kn_kvm_nested_reads_msr(const struct kn_nested_entry *e, u32 index);
/*
 * The census: while on, exits of the VMs themselves are reported too
 * (vcpu_exited, level 1), and every exit with its detail.  May sleep.
 */
int kn_kvm_census_set(bool on);
bool kn_kvm_census_get(void);

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

/* Callers keep the VM alive: vm_destroyed has not returned yet. */
unsigned int kn_kvm_vm_vcpus(struct kvm *vm);
u64 kn_kvm_vm_mem_bytes(struct kvm *vm);
/*
 * KVM's own counts for the VM, summed over its vCPUs: exits at every
 * level (stat.exits), and the guest time of the tasks that run them
 * (the scheduler's gtime, tick-sampled).  Any context, RCU inside.
 */
void kn_kvm_vm_totals(struct kvm *vm, u64 *exits, u64 *guest_ns);

/* Guest memory of a VM, for the channel; called from its vCPU's thread. */
int kn_kvm_read_guest(struct kvm *vm, u64 gpa, void *buf, size_t len);
int kn_kvm_write_guest(struct kvm *vm, u64 gpa, const void *buf, size_t len);
/*
 * The addresses of the vmcbs/vmcss a VM's vCPUs run on: self[i] runs the
 * VM, nested[i] its nested guests (0 if none yet).  Returns how many.
 */
unsigned int kn_kvm_vm_ctx(struct kvm *vm, u64 *self, u64 *nested,
			   unsigned int max);

/*
 * A vCPU, as a vcpu_changing/vcpu_changed op sees it.  The address of the
 * vmcb01/vmcs01 it runs on (what a parent sees as its vmcb12/vmcs12).
 */
u64 kn_kvm_vcpu_ctx(struct kvm_vcpu *vcpu);
/* Its CPUID table as KVM holds it, @n entries; under vcpu->mutex. */
const struct kvm_cpuid_entry2 *kn_kvm_vcpu_cpuid(struct kvm_vcpu *vcpu,
						 u32 *n);
/*
 * What KVM answers the guest's RDMSR of @index, the VMM's MSR filter
 * included: 0, or an error if the guest would get a fault or the VMM
 * the exit.
 */
int kn_kvm_vcpu_get_msr(struct kvm_vcpu *vcpu, u32 index, u64 *value);

#endif
