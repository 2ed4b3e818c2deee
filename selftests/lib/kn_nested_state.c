// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "kn_nested_state.h"
#include "kn_tap.h"

#define IOC(fd, req, arg)						\
	do {								\
		if (ioctl((fd), (req), (arg)) < 0)			\
			kn_die(#req);					\
	} while (0)

void kn_vcpu_complete_io(struct kn_vcpu *vcpu)
{
	/*
	 * The ucall's OUT is only complete (RIP past it) at the next KVM_RUN;
	 * state saved before that would replay it, since a fresh vmcs02 has
	 * no instruction length to skip with (KVM's api.rst: immediate_exit).
	 */
	vcpu->run->immediate_exit = 1;
	if (ioctl(vcpu->fd, KVM_RUN, 0) == 0 || errno != EINTR)
		kn_die("KVM_RUN with immediate_exit did not return EINTR");
	vcpu->run->immediate_exit = 0;
}

bool kn_nested_state_roundtrip(struct kn_vcpu *vcpu, struct kn_nested_state_info *info)
{
	int size = ioctl(vcpu->vm->kvm, KVM_CHECK_EXTENSION, KVM_CAP_NESTED_STATE);
	struct kvm_vcpu_events ev;
	struct kvm_nested_state *ns;
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (size <= 0)
		return false;
	ns = calloc(1, (size_t)size);
	if (!ns)
		kn_die("calloc");
	ns->size = (uint32_t)size;
	kn_vcpu_complete_io(vcpu);
	IOC(vcpu->fd, KVM_GET_REGS, &regs);
	IOC(vcpu->fd, KVM_GET_SREGS, &sregs);
	IOC(vcpu->fd, KVM_GET_VCPU_EVENTS, &ev);
	IOC(vcpu->fd, KVM_GET_NESTED_STATE, ns);
	info->flags = ns->flags;
	info->format = ns->format;
	info->size = ns->size;
	info->ctx = ns->format == KVM_STATE_NESTED_FORMAT_SVM ? ns->hdr.svm.vmcb_pa :
		    ns->hdr.vmx.vmcs12_pa;
	/* Nested state first: it puts the vCPU back in guest mode, then L2's own. */
	IOC(vcpu->fd, KVM_SET_NESTED_STATE, ns);
	IOC(vcpu->fd, KVM_SET_SREGS, &sregs);
	IOC(vcpu->fd, KVM_SET_REGS, &regs);
	IOC(vcpu->fd, KVM_SET_VCPU_EVENTS, &ev);
	free(ns);
	return true;
}

bool kn_vcpu_init_signal(struct kn_vcpu *vcpu)
{
	struct kvm_regs regs, now;
	struct kvm_vcpu_events ev;
	struct kvm_mp_state mp;
	struct kvm_sregs sregs;
	bool reset;

	kn_vcpu_complete_io(vcpu);
	IOC(vcpu->fd, KVM_GET_REGS, &regs);
	IOC(vcpu->fd, KVM_GET_SREGS, &sregs);
	IOC(vcpu->fd, KVM_GET_VCPU_EVENTS, &ev);
	ev.flags |= KVM_VCPUEVENT_VALID_SMM;
	ev.smi.latched_init = 1;
	IOC(vcpu->fd, KVM_SET_VCPU_EVENTS, &ev);
	IOC(vcpu->fd, KVM_GET_MP_STATE, &mp);
	IOC(vcpu->fd, KVM_GET_REGS, &now);
	/* A reset vCPU starts at the reset vector (f000:fff0). */
	reset = now.rip != regs.rip;
	if (reset) {
		if (mp.mp_state != KVM_MP_STATE_RUNNABLE)
			kn_bail("INIT left the BSP in mp_state %u", mp.mp_state);
		IOC(vcpu->fd, KVM_SET_SREGS, &sregs);
		IOC(vcpu->fd, KVM_SET_REGS, &regs);
		return true;
	}
	IOC(vcpu->fd, KVM_GET_VCPU_EVENTS, &ev);
	if (!ev.smi.latched_init)
		kn_bail("INIT neither taken nor latched (RIP %#llx)", now.rip);
	ev.smi.latched_init = 0;
	IOC(vcpu->fd, KVM_SET_VCPU_EVENTS, &ev);
	return false;
}
