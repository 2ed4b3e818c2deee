// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU ioctls: where this kernel, as a hypervisor, sees the CPUID table
 * and MSRs its VMM gives each vCPU of a VM, so that its kvm-nest parent
 * may answer that vCPU's CPUIDs and reads of constant MSRs
 * (channel/grant.c).  What the VMM sets is revoked before KVM takes it
 * and granted after.
 */
#include <linux/kvm_host.h>
#include <linux/slab.h>

#include "../channel/grant.h"
#include "../deleg.h"
#include "vcpu.h"
#include "vendor.h"

/*
 * Exported by kvm (x86.c) with this signature in 6.1 and 6.12, but
 * declared only in its private x86.h.
 */
bool kvm_msr_allowed(struct kvm_vcpu *vcpu, u32 index, u32 type);

enum { KN_VCPU_IOCTL, KN_VM_IOCTL, KN_VM_CAP, KN_VCPU_NR_REDIRECTS };

KN_ORIG_DEFINE(kvm_arch_vcpu_ioctl, kvm_arch_vcpu_ioctl);
KN_ORIG_DEFINE(kvm_arch_vm_ioctl, kvm_arch_vm_ioctl);
KN_ORIG_DEFINE(kvm_vm_ioctl_enable_cap, kvm_vm_ioctl_enable_cap);
static struct kn_redirect kn_vcpu_redirects[KN_VCPU_NR_REDIRECTS];

/* The vmcb01/vmcs01 it runs on: the parent's vmcb12/vmcs12 address. */
static u64 kn_vcpu_ctx(struct kvm_vcpu *vcpu)
{
	u64 self, nested;

	kn_vendor->run_ctx(vcpu, &self, &nested);
	return self;
}

/*
 * The allowlisted MSRs the guest cannot change, as KVM answers the
 * guest's RDMSR (the VMM's filter included); one KVM refuses is left
 * out: the guest would get a fault, or the VMM the exit.  How many.
 */
static u32 kn_vcpu_msrs(struct kvm_vcpu *vcpu, struct kvm_nest_ch_msr *m)
{
	const struct kn_deleg_msr_range *r;
	u32 i, idx, n = 0;
	u64 v;

	for (i = 0; i < kn_deleg_nr_msr_ranges; i++) {
		r = &kn_deleg_msr_ranges[i];
		for (idx = r->first; !r->guest_writable && idx <= r->last &&
		     n < KVM_NEST_DELEG_MAX_MSR; idx++)
			if (kvm_msr_allowed(vcpu, idx, KVM_MSR_FILTER_READ) &&
			    !kvm_get_msr(vcpu, idx, &v))
				m[n++] = (struct kvm_nest_ch_msr){
					.index = idx, .value = v,
				};
	}
	return n;
}

/* Under vcpu->mutex, which the ioctl holds: table and MSRs stay put. */
static void kn_vcpu_grant(struct kvm_vcpu *vcpu)
{
	u32 i, n = min(vcpu->arch.cpuid_nent, KVM_NEST_DELEG_MAX_CPUID);
	const struct kvm_cpuid_entry2 *e = vcpu->arch.cpuid_entries;
	struct kvm_nest_ch_cpuid *t;
	struct kvm_nest_ch_msr *m;

	if (!e)
		n = 0;
	t = kcalloc(n, sizeof(*t), GFP_KERNEL);
	m = kcalloc(KVM_NEST_DELEG_MAX_MSR, sizeof(*m), GFP_KERNEL);
	if (!t || !m)
		goto out;
	for (i = 0; i < n; i++)
		t[i] = (struct kvm_nest_ch_cpuid){
			.function = e[i].function, .index = e[i].index,
			.flags = e[i].flags, .eax = e[i].eax, .ebx = e[i].ebx,
			.ecx = e[i].ecx, .edx = e[i].edx,
		};
	kn_grant(kn_vcpu_ctx(vcpu), t, n, m, kn_vcpu_msrs(vcpu, m));
out:
	kfree(m);
	kfree(t);
}

static long kn_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			  unsigned long arg)
{
	struct kvm_vcpu *vcpu = filp->private_data;
	bool set = ioctl == KVM_SET_CPUID2 || ioctl == KVM_SET_CPUID ||
		   ioctl == KVM_SET_MSRS;
	long ret;

	kn_hook_enter(kn_vcpu_redirects[KN_VCPU_IOCTL].id);
	/*
	 * QEMU loads nested state at reset, loadvm and incoming migration:
	 * the kernel that delegated is gone.
	 */
	if (ioctl == KVM_SET_NESTED_STATE)
		kn_deleg_revoke_all(vcpu->kvm);
	if (set)
		kn_grant_revoke(kn_vcpu_ctx(vcpu));
	ret = KN_ORIG(kvm, kvm_arch_vcpu_ioctl)(filp, ioctl, arg);
	/* Failed or not, what KVM holds now is what to grant. */
	if (set)
		kn_vcpu_grant(vcpu);
	kn_hook_leave();
	return ret;
}

void kn_vcpu_revoke_all(struct kvm *kvm)
{
	struct kvm_vcpu *vcpu;
	unsigned long i;

	kvm_for_each_vcpu(i, vcpu, kvm)
		kn_grant_revoke(kn_vcpu_ctx(vcpu));
}

/*
 * VM ioctls that change what KVM answers a guest's RDMSR: every grant of
 * the VM's vCPUs goes, after the change so that none made before it
 * stays; the next KVM_SET_CPUID2 or KVM_SET_MSRS of a vCPU grants again.
 * 6.1 returns long, 6.12 int: the wrapper returns what KVM does.
 */
#define KN_VM_IOCTL_RET	__typeof__(kvm_arch_vm_ioctl(NULL, 0, 0))

static KN_VM_IOCTL_RET kn_vm_ioctl(struct file *filp, unsigned int ioctl,
				   unsigned long arg)
{
	struct kvm *kvm = filp->private_data;
	long ret;

	kn_hook_enter(kn_vcpu_redirects[KN_VM_IOCTL].id);
	ret = KN_ORIG(kvm, kvm_arch_vm_ioctl)(filp, ioctl, arg);
	if (ioctl == KVM_X86_SET_MSR_FILTER)
		kn_vcpu_revoke_all(kvm);
	kn_hook_leave();
	return ret;
}

static_assert(__same_type(&kn_vm_ioctl, &kvm_arch_vm_ioctl));

static int kn_vm_enable_cap(struct kvm *kvm, struct kvm_enable_cap *cap)
{
	int ret;

	kn_hook_enter(kn_vcpu_redirects[KN_VM_CAP].id);
	ret = KN_ORIG(kvm, kvm_vm_ioctl_enable_cap)(kvm, cap);
	if (cap->cap == KVM_CAP_MSR_PLATFORM_INFO)
		kn_vcpu_revoke_all(kvm);
	kn_hook_leave();
	return ret;
}

static struct kn_redirect kn_vcpu_redirects[] = {
	[KN_VCPU_IOCTL] = KN_REDIRECT(kvm, kvm_arch_vcpu_ioctl, "delegation",
				      kn_vcpu_ioctl),
	[KN_VM_IOCTL] = KN_REDIRECT(kvm, kvm_arch_vm_ioctl, "delegation",
				    kn_vm_ioctl),
	[KN_VM_CAP] = KN_REDIRECT(kvm, kvm_vm_ioctl_enable_cap, "delegation",
				  kn_vm_enable_cap),
};

struct kn_redirect *kn_vcpu_hooks(unsigned int *n)
{
	*n = ARRAY_SIZE(kn_vcpu_redirects);
	return kn_vcpu_redirects;
}
