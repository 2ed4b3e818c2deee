// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU and VM ioctls: where this kernel, as a hypervisor, sees the CPUID
 * table and MSRs its VMM gives each vCPU, and the VM-wide settings that
 * change what KVM answers a guest's RDMSR.  Reported before KVM takes a
 * change (vcpu_changing) and after (vcpu_changed), with the facts the
 * ops may ask for: the vCPU's context, CPUID table and MSRs.
 */
#include <linux/kvm_host.h>

#include "boundary.h"
#include "ops.h"
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

u64 kn_kvm_vcpu_ctx(struct kvm_vcpu *vcpu)
{
	u64 self, nested;

	static_call(kn_vendor_run_ctx)(vcpu, &self, &nested);
	return self;
}

const struct kvm_cpuid_entry2 *kn_kvm_vcpu_cpuid(struct kvm_vcpu *vcpu,
						 u32 *n)
{
	*n = vcpu->arch.cpuid_entries ? vcpu->arch.cpuid_nent : 0;
	return vcpu->arch.cpuid_entries;
}

/* As KVM answers the guest's RDMSR: one KVM refuses is an error. */
int kn_kvm_vcpu_get_msr(struct kvm_vcpu *vcpu, u32 index, u64 *value)
{
	if (!kvm_msr_allowed(vcpu, index, KVM_MSR_FILTER_READ))
		return -EPERM;
	return kvm_get_msr(vcpu, index, value) ? -EIO : 0;
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
		kn_kvm_report(nested_reset)(vcpu->kvm);
	if (set)
		kn_kvm_report(vcpu_changing)(vcpu);
	ret = KN_ORIG(kvm, kvm_arch_vcpu_ioctl)(filp, ioctl, arg);
	/* Failed or not, what KVM holds now is what counts. */
	if (set)
		kn_kvm_report(vcpu_changed)(vcpu);
	kn_hook_leave();
	return ret;
}

void kn_vcpu_changing_all(struct kvm *kvm)
{
	struct kvm_vcpu *vcpu;
	unsigned long i;

	kvm_for_each_vcpu(i, vcpu, kvm)
		kn_kvm_report(vcpu_changing)(vcpu);
}

/*
 * VM ioctls that change what KVM answers a guest's RDMSR: reported for
 * every vCPU after the change, so that nothing taken before it stays;
 * the next KVM_SET_CPUID2 or KVM_SET_MSRS of a vCPU reports it changed.
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
		kn_vcpu_changing_all(kvm);
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
		kn_vcpu_changing_all(kvm);
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
