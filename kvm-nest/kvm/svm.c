// SPDX-License-Identifier: GPL-2.0-only
/* AMD SVM: where kvm_amd keeps exits and nested state, and its redirects. */
#include <asm/svm.h>

#include "layout.h"
#include "ops.h"
#include "svm_deleg.h"
#include "trace.h"
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

/* After the exit, KVM has saved the guest's RCX in regs[]. */
static u64 kn_svm_exit_detail(struct kvm_vcpu *vcpu, u32 code)
{
	struct vmcb *vmcb = kn_member(kn_svm_of(vcpu), KN_SVM_VMCB_OFFSET,
				      struct vmcb *);

	if (code != SVM_EXIT_MSR)
		return 0;
	return KN_DETAIL(vmcb->control.exit_info_1 ? KN_DETAIL_MSR_WRITE :
						     KN_DETAIL_MSR_READ,
			 vcpu->arch.regs[VCPU_REGS_RCX]);
}

static const struct kn_exit_name kn_svm_reasons[] = { SVM_EXIT_REASONS };

enum {
	KN_SVM_EXIT_SPECIAL, KN_SVM_EXIT_HANDLED, KN_SVM_FREE_NESTED,
	KN_SVM_NR_REDIRECTS
};

/* kvm_amd's prototypes are in no header we can include: the wrappers'. */
static int kn_svm_exit_special(struct vcpu_svm *svm);
static int kn_svm_exit_handled(struct vcpu_svm *svm);
static void kn_svm_free_nested(struct vcpu_svm *svm);
KN_ORIG_DEFINE(nested_svm_exit_special, kn_svm_exit_special);
KN_ORIG_DEFINE(nested_svm_exit_handled, kn_svm_exit_handled);
KN_ORIG_DEFINE(svm_free_nested, kn_svm_free_nested);
static struct kn_redirect kn_svm_redirects[KN_SVM_NR_REDIRECTS];

/*
 * KVM's NESTED_EXIT_* values are private macros, in no header or BTF we
 * can read: learn them from what the two functions return.  CONTINUE is
 * what exit_special returned when svm_handle_exit went on to call
 * exit_handled, for exits that no kernel handles as special (KVM's
 * emulator also calls exit_handled, after a HOST); DONE is what
 * exit_handled returned when the vCPU left guest mode; HOST (interrupts)
 * only has to differ.  Delegation waits until CONTINUE and DONE are
 * known; a contradiction turns it off for good.
 */
enum { KN_SVM_HOST, KN_SVM_DONE, KN_SVM_CONTINUE, KN_SVM_NR_VALS };
static int kn_svm_val[KN_SVM_NR_VALS] = { -1, -1, -1 };
static bool kn_svm_val_bad;
/* What exit_special just returned, for the exit_handled call after it. */
struct kn_svm_special {
	struct kvm_vcpu *vcpu;
	int ret;
};

static DEFINE_PER_CPU(struct kn_svm_special, kn_svm_special);

static void kn_svm_learn(unsigned int which, int val)
{
	int old = READ_ONCE(kn_svm_val[which]);

	if (old == val || (old == -1 && cmpxchg(&kn_svm_val[which], -1, val) == -1))
		return;
	if (!xchg(&kn_svm_val_bad, true))
		pr_warn("kvm_nest: kvm_amd's nested exit values look inconsistent (%d, %d); delegated exits stay off\n",
			old, val);
}

static bool kn_svm_armed(void)
{
	int host = READ_ONCE(kn_svm_val[KN_SVM_HOST]);
	int done = READ_ONCE(kn_svm_val[KN_SVM_DONE]);
	int cont = READ_ONCE(kn_svm_val[KN_SVM_CONTINUE]);

	return !READ_ONCE(kn_svm_val_bad) && done != -1 && cont != -1 &&
	       done != cont && host != done && host != cont;
}

/* With accel on: learn from exit_special's @ret, then maybe answer. */
static int kn_svm_special_accel(struct vcpu_svm *svm, int ret)
{
	struct kvm_vcpu *vcpu = kn_svm_vcpu(svm);
	u32 code = kn_svm_exit_code(vcpu);
	struct kn_svm_special *last;

	if (code == SVM_EXIT_INTR || code == SVM_EXIT_NMI)
		kn_svm_learn(KN_SVM_HOST, ret);
	last = get_cpu_ptr(&kn_svm_special);
	last->vcpu = NULL;
	if (code == SVM_EXIT_CPUID || code == SVM_EXIT_HLT ||
	    code == SVM_EXIT_VMMCALL) {
		last->vcpu = vcpu;
		last->ret = ret;
	}
	put_cpu_ptr(&kn_svm_special);
	if (kn_svm_armed() && ret == READ_ONCE(kn_svm_val[KN_SVM_CONTINUE]) &&
	    kn_svm_delegate(vcpu, svm))
		ret = READ_ONCE(kn_svm_val[KN_SVM_DONE]);
	return ret;
}

/* What exit_special returned before exit_handled was asked: CONTINUE. */
static void kn_svm_learn_continue(struct kvm_vcpu *vcpu)
{
	struct kn_svm_special *last = get_cpu_ptr(&kn_svm_special);
	bool mine = last->vcpu == vcpu;
	int ret = last->ret;

	if (mine)
		last->vcpu = NULL;
	put_cpu_ptr(&kn_svm_special);
	if (mine)
		kn_svm_learn(KN_SVM_CONTINUE, ret);
}

/*
 * L0's first look at an L2 exit, which KVM takes for every one: where it
 * is counted, delegated ones are answered, and L2's WRMSRs seen before
 * L1 does.  With accel off (the default) and no MSR ever delegated,
 * counting is all it does.
 */
static int kn_svm_exit_special(struct vcpu_svm *svm)
{
	struct kvm_vcpu *vcpu = kn_svm_vcpu(svm);
	int ret;

	kn_hook_enter(kn_svm_redirects[KN_SVM_EXIT_SPECIAL].id);
	kn_nested_exit_report(vcpu, kn_svm_exit_code(vcpu),
			      kn_svm_nested_ctx(vcpu));
	ret = KN_ORIG(kvm_amd, nested_svm_exit_special)(svm);
	if (static_branch_unlikely(&kn_kvm_wrmsr_watch))
		kn_svm_msr_watch(vcpu, svm);
	if (static_branch_unlikely(&kn_kvm_answer))
		ret = kn_svm_special_accel(svm, ret);
	kn_hook_leave();
	return ret;
}

/* Decides whether L1 wants the exit; if so, the vCPU leaves guest mode. */
static int kn_svm_exit_handled(struct vcpu_svm *svm)
{
	struct kvm_vcpu *vcpu = kn_svm_vcpu(svm);
	u64 ctx = kn_svm_nested_ctx(vcpu);
	bool accel = static_branch_unlikely(&kn_kvm_answer);
	int ret;

	kn_hook_enter(kn_svm_redirects[KN_SVM_EXIT_HANDLED].id);
	if (accel)
		kn_svm_learn_continue(vcpu);
	ret = KN_ORIG(kvm_amd, nested_svm_exit_handled)(svm);
	if (!kn_guest_mode(vcpu)) {
		if (accel)
			kn_svm_learn(KN_SVM_DONE, ret);
		kn_kvm_report(exit_reflected)(vcpu->kvm, ctx);
	}
	kn_hook_leave();
	return ret;
}

/*
 * L1 cleared EFER.SVME, or its vCPU goes: what it delegated dies, before
 * its vmcb02 does (a slot must not name a freed one).
 */
static void kn_svm_free_nested(struct vcpu_svm *svm)
{
	kn_hook_enter(kn_svm_redirects[KN_SVM_FREE_NESTED].id);
	kn_kvm_report(nested_reset)(kn_svm_vcpu(svm)->kvm);
	KN_ORIG(kvm_amd, svm_free_nested)(svm);
	kn_hook_leave();
}

static struct kn_redirect kn_svm_redirects[] = {
	[KN_SVM_EXIT_SPECIAL] = KN_REDIRECT(kvm_amd, nested_svm_exit_special,
					    "redirect", kn_svm_exit_special),
	[KN_SVM_EXIT_HANDLED] = KN_REDIRECT(kvm_amd, nested_svm_exit_handled,
					    "redirect", kn_svm_exit_handled),
	[KN_SVM_FREE_NESTED] = KN_REDIRECT(kvm_amd, svm_free_nested,
					   "delegation", kn_svm_free_nested),
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
	.exit_detail = kn_svm_exit_detail,
	.nested_entry = kn_svm_nested_entry,
	.nested_reads_msr = kn_svm_nested_reads_msr,
	.reasons = kn_svm_reasons,
	.nr_reasons = ARRAY_SIZE(kn_svm_reasons),
};

#else

struct kn_vendor kn_svm = { .name = "svm", .module = "kvm_amd" };

#endif
