// SPDX-License-Identifier: GPL-2.0-only
/*
 * The child's choice: of what KVM answers one of our vCPUs, which CPUID
 * entries and MSRs the kvm-nest parent may answer for it (grant.c sends
 * them).  KVM's facts come from the boundary; the choice is ours.
 */
#include <linux/slab.h>
#include <uapi/linux/kvm.h>
#include <uapi/linux/kvm_nest_channel.h>

#include "../kvm/boundary.h"
#include "grant.h"
#include "store.h"
#include "vcpu.h"

/*
 * The allowlisted MSRs the guest cannot change, as KVM answers the
 * guest's RDMSR (the VMM's filter included); one KVM refuses is left
 * out: the guest would get a fault, or the VMM the exit.  How many.
 */
static u32 kn_deleg_vcpu_msrs(struct kvm_vcpu *vcpu, struct kvm_nest_ch_msr *m)
{
	const struct kn_deleg_msr_range *r;
	u32 i, idx, n = 0;
	u64 v;

	for (i = 0; i < kn_deleg_nr_msr_ranges; i++) {
		r = &kn_deleg_msr_ranges[i];
		for (idx = r->first; !r->guest_writable && idx <= r->last &&
		     n < KVM_NEST_DELEG_MAX_MSR; idx++)
			if (!kn_kvm_vcpu_get_msr(vcpu, idx, &v))
				m[n++] = (struct kvm_nest_ch_msr){
					.index = idx, .value = v,
				};
	}
	return n;
}

void kn_deleg_vcpu_changing(struct kvm_vcpu *vcpu)
{
	kn_grant_revoke(kn_kvm_vcpu_ctx(vcpu));
}

/* Under vcpu->mutex, which the ioctl holds: table and MSRs stay put. */
void kn_deleg_vcpu_changed(struct kvm_vcpu *vcpu)
{
	const struct kvm_cpuid_entry2 *e;
	struct kvm_nest_ch_cpuid *t;
	struct kvm_nest_ch_msr *m;
	u32 i, n;

	e = kn_kvm_vcpu_cpuid(vcpu, &n);
	n = min_t(u32, n, KVM_NEST_DELEG_MAX_CPUID);
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
	kn_grant(kn_kvm_vcpu_ctx(vcpu), t, n, m, kn_deleg_vcpu_msrs(vcpu, m));
out:
	kfree(m);
	kfree(t);
}
