// SPDX-License-Identifier: GPL-2.0-only
/* AMD SVM: where kvm_amd keeps exits and nested state, and its redirects. */
#include <asm/svm.h>

#include "../doll.h"
#include "layout.h"
#include "vendor.h"

#ifdef KN_HAVE_SVM_LAYOUT

/* The headers we build with and the BTF we read must describe one kernel. */
static_assert(sizeof(struct kvm_vcpu) == KN_SVM_VCPU_SIZE);

struct vcpu_svm;

static struct kvm_vcpu *kn_svm_vcpu(struct vcpu_svm *svm)
{
	return &kn_member(svm, KN_SVM_VCPU_OFFSET, struct kvm_vcpu);
}

static void *kn_svm_of(struct kvm_vcpu *vcpu)
{
	return (char *)vcpu - KN_SVM_VCPU_OFFSET;
}

static u32 kn_svm_exit_code(struct kvm_vcpu *vcpu)
{
	struct vmcb *vmcb = kn_member(kn_svm_of(vcpu), KN_SVM_VMCB_OFFSET,
				      struct vmcb *);

	return vmcb->control.exit_code;
}

static u64 kn_svm_nested_ctx(struct kvm_vcpu *vcpu)
{
	return kn_member(kn_svm_of(vcpu), KN_SVM_NESTED_VMCB12_GPA_OFFSET, u64);
}

static void kn_svm_run_ctx(struct kvm_vcpu *vcpu, u64 *self, u64 *nested)
{
	void *svm = kn_svm_of(vcpu);

	*self = kn_member(svm, KN_SVM_VMCB01_PA_OFFSET, u64);
	*nested = kn_member(svm, KN_SVM_NESTED_VMCB02_PA_OFFSET, u64);
}

static const struct kn_exit_name kn_svm_reasons[] = { SVM_EXIT_REASONS };

enum { KN_SVM_EXIT_SPECIAL, KN_SVM_EXIT_HANDLED, KN_SVM_NR_REDIRECTS };

static int (*kn_svm_exit_special_orig)(struct vcpu_svm *svm);
static int (*kn_svm_exit_handled_orig)(struct vcpu_svm *svm);
static struct kn_redirect kn_svm_redirects[KN_SVM_NR_REDIRECTS];

/* L0's first look at an L2 exit: the hook later issues answer exits in. */
static int kn_svm_exit_special(struct vcpu_svm *svm)
{
	int ret;

	kn_hook_enter(kn_svm_redirects[KN_SVM_EXIT_SPECIAL].id);
	ret = kn_svm_exit_special_orig(svm);
	kn_hook_leave();
	return ret;
}

/* Decides whether L1 wants the exit; if so, the vCPU leaves guest mode. */
static int kn_svm_exit_handled(struct vcpu_svm *svm)
{
	struct kvm_vcpu *vcpu = kn_svm_vcpu(svm);
	u64 ctx = kn_svm_nested_ctx(vcpu);
	int ret;

	kn_hook_enter(kn_svm_redirects[KN_SVM_EXIT_HANDLED].id);
	ret = kn_svm_exit_handled_orig(svm);
	if (!kn_guest_mode(vcpu))
		kn_doll_reflected(vcpu->kvm, ctx);
	kn_hook_leave();
	return ret;
}

static struct kn_redirect kn_svm_redirects[] = {
	[KN_SVM_EXIT_SPECIAL] = KN_REDIRECT("kvm_amd:nested_svm_exit_special", "redirect",
				      kn_svm_exit_special, kn_svm_exit_special_orig),
	[KN_SVM_EXIT_HANDLED] = KN_REDIRECT("kvm_amd:nested_svm_exit_handled", "redirect",
				      kn_svm_exit_handled, kn_svm_exit_handled_orig),
};

struct kn_vendor kn_svm = {
	.name = "svm",
	.module = "kvm_amd",
	.layout = true,
	.redirects = kn_svm_redirects,
	.nr_redirects = ARRAY_SIZE(kn_svm_redirects),
	.exit_code = kn_svm_exit_code,
	.nested_ctx = kn_svm_nested_ctx,
	.run_ctx = kn_svm_run_ctx,
	.reasons = kn_svm_reasons,
	.nr_reasons = ARRAY_SIZE(kn_svm_reasons),
};

#else

struct kn_vendor kn_svm = { .name = "svm", .module = "kvm_amd" };

#endif
