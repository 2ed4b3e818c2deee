// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-nest hypercalls from a guest's kvm-nest (the channel's parent end
 * takes them, see the hypercall op), and the guest memory they point at.
 */
#include <linux/kvm_host.h>
#include <uapi/linux/kvm_nest_channel.h>
#include <uapi/linux/kvm_para.h>

#include "boundary.h"
#include "hypercall.h"
#include "vendor.h"

KN_ORIG_DEFINE(kvm_emulate_hypercall, kvm_emulate_hypercall);
static struct kn_redirect kn_hc_redirects[1];

/*
 * KVM checks CPL and the calling mode and answers -KVM_ENOSYS for numbers
 * it does not know; only then is the call ours.  A call from the guest's
 * own nested guest, which its hypervisor chose not to intercept, is not.
 */
static int kn_hc(struct kvm_vcpu *vcpu)
{
	unsigned long *regs = vcpu->arch.regs;
	unsigned long nr = regs[VCPU_REGS_RAX], op = regs[VCPU_REGS_RBX];
	unsigned long gpa = regs[VCPU_REGS_RCX], len = regs[VCPU_REGS_RDX];
	bool nested = kn_guest_mode(vcpu);
	int ret;

	kn_hook_enter(kn_hc_redirects[0].id);
	ret = KN_ORIG(kvm, kvm_emulate_hypercall)(vcpu);
	if (nr == KVM_NEST_HC && !nested &&
	    regs[VCPU_REGS_RAX] == (unsigned long)-KVM_ENOSYS)
		regs[VCPU_REGS_RAX] =
			kn_kvm_report(hypercall)(vcpu->kvm, op, gpa, len);
	kn_hook_leave();
	return ret;
}

static struct kn_redirect kn_hc_redirects[] = {
	KN_REDIRECT(kvm, kvm_emulate_hypercall, "channel", kn_hc),
};

struct kn_redirect *kn_hc_hooks(unsigned int *n)
{
	*n = ARRAY_SIZE(kn_hc_redirects);
	return kn_hc_redirects;
}

/* The vCPU thread holds kvm->srcu, which these need. */
int kn_kvm_read_guest(struct kvm *vm, u64 gpa, void *buf, size_t len)
{
	return kvm_read_guest(vm, gpa, buf, len);
}

int kn_kvm_write_guest(struct kvm *vm, u64 gpa, const void *buf, size_t len)
{
	return kvm_write_guest(vm, gpa, buf, len);
}
