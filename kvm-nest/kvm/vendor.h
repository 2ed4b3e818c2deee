/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_VENDOR_H
#define KN_KVM_VENDOR_H

#include <linux/kvm_host.h>
#include <linux/static_call.h>

#include "hook.h"
#include "ops.h"

/*
 * What differs between SVM and VMX: which module holds the nested code,
 * where the vendor structures keep the exit code and the nested context,
 * and which decision functions are redirected.
 */
struct kn_exit_name {
	u32 code;
	const char *name;
};

struct kn_vendor {
	const char *name;
	const char *module;
	bool layout;		/* the build found this vendor's BTF */
	struct kn_redirect *redirects;
	unsigned int nr_redirects;
	u32 (*exit_code)(struct kvm_vcpu *vcpu);
	u64 (*nested_ctx)(struct kvm_vcpu *vcpu);
	/* Physical addresses of the vCPU's vmcb01/vmcs01 and vmcb02/vmcs02. */
	void (*run_ctx)(struct kvm_vcpu *vcpu, u64 *self, u64 *nested);
	/* The census detail of the exit with @code (KN_DETAIL(), or 0). */
	u64 (*exit_detail)(struct kvm_vcpu *vcpu, u32 code);
	/*
	 * The vCPU enters the nested guest of vmcb12/vmcs12 @ctx: fills @e;
	 * false if this vendor does not tell (no slot is written).
	 */
	bool (*nested_entry)(struct kvm_vcpu *vcpu, u64 ctx,
			     struct kn_nested_entry *e);
	/* kn_kvm_nested_reads_msr(), for an entry nested_entry filled. */
	bool (*nested_reads_msr)(const struct kn_nested_entry *e, u32 index);
	const struct kn_exit_name *reasons;	/* KVM's names for exit codes */
	unsigned int nr_reasons;
};

extern struct kn_vendor *kn_vendor;
extern struct kn_vendor kn_svm;
extern struct kn_vendor kn_vmx;

/*
 * The chosen vendor's functions of vendor-calls.h, as static calls set
 * at attach: the exit path calls them directly, not through kn_vendor.
 * Our own functions, so IBT does not mind either way.
 */
#define KN_VENDOR_FN(name)	(*(typeof_member(struct kn_vendor, name))NULL)
#define KN_VENDOR_CALL(name) \
	DECLARE_STATIC_CALL(kn_vendor_##name, KN_VENDOR_FN(name))
#include "vendor-calls.h"

/* KVM's is_guest_mode(), which lives in a header the build cannot see. */
static inline bool kn_guest_mode(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.hflags & HF_GUEST_MASK;
}

/* Read a member of a private KVM structure at a BTF-derived offset. */
#define kn_member(base, offset, type) \
	(*(type *)((char *)(base) + (offset)))

#endif
