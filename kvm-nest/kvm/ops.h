/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the KVM boundary reports and asks, in KVM's terms: one table of ops
 * that the rest of kvm-nest gives kn_kvm_attach(), as KVM reaches its
 * vendors through kvm_x86_ops.  kvm/ calls each op through a static call,
 * which x86 patches into a direct call: the exit path follows no pointer.
 * The ops are kvm-nest's own functions; KVM's are never called through
 * them (they may be IBT-sealed, see sym.h).
 */
#ifndef KN_KVM_OPS_H
#define KN_KVM_OPS_H

#include <linux/jump_label.h>
#include <linux/stddef.h>
#include <linux/static_call.h>
#include <linux/types.h>
#include <uapi/linux/kvm_nest_channel.h>

#include "detail.h"

struct kvm;
struct kvm_vcpu;
struct task_struct;

/*
 * One exit to this kernel: of a nested guest (level 2, on @ctx), or, while
 * the census is on, of a VM itself (level 1).
 */
struct kn_exit {
	struct kvm *vm;
	u32 vcpu;
	u8 level;
	u64 ctx;
	u32 code;
	u64 detail;
};

struct kn_cpuid_answer {
	u32 eax, ebx, ecx, edx;
};

/*
 * What the slot of a context says runs on it (deep delegation): a nested
 * guest of inner VM @vm of our VM's kernel, on that VM's context @ctx,
 * whose hypervisor intercepts @classes (KVM_NEST_DELEG_*) and, with
 * KVM_NEST_DELEG_RDMSR, reads of the MSRs @msr[@nr_msr] (0 without it).
 * The child's word, unchecked.
 */
struct kn_inner {
	u32 vm;
	u32 classes;
	u64 ctx;
	u32 nr_msr;
	u32 msr[KVM_NEST_SLOT_MSRS];
};

/*
 * A vCPU of ours (@vcpu) enters its nested guest: on @run_ctx (our
 * vmcb02/vmcs02), the guest's hypervisor's @ctx (vmcb12/vmcs12), which
 * intercepts @classes (KVM_NEST_DELEG_CPUID, _PAUSE, _RDMSR) as KVM
 * cached them; with _RDMSR, which reads kn_kvm_nested_reads_msr() says.
 */
struct kn_nested_entry {
	struct kvm_vcpu *vcpu;
	u64 run_ctx;
	u64 ctx;
	u64 msr_map;	/* the hypervisor's MSR map, in its memory */
	bool every_msr;	/* it has no map: every MSR access exits */
	u32 classes;
};

/*
 * @ctx is the vmcb12/vmcs12 address a nested guest runs on.  Every op
 * must be set; kn_kvm_attach() refuses a table with a hole.
 */
struct kn_kvm_ops {
	/* KVM made @vm, in its VMM's context. */
	void (*vm_created)(struct kvm *vm);
	/*
	 * At attach, a VM that KVM had before: @vmm runs its vCPU 0.  Under
	 * KVM's VM list lock, so @vm cannot die meanwhile; may sleep.
	 */
	void (*vm_found)(struct kvm *vm, struct task_struct *vmm);
	/* KVM is about to free @vm; everything of it is still there. */
	void (*vm_destroyed)(struct kvm *vm);
	/*
	 * A vCPU of @vm enters its nested guest (preemption off), or leaves
	 * it (maybe preemptible).  Exits of @vm itself are KVM's to count
	 * (kn_kvm_vm_totals()); vcpu_exited sees them only with the census on.
	 */
	void (*nested_run)(struct kvm *vm, u32 vcpu);
	void (*vcpu_exited)(const struct kn_exit *e);
	/* KVM gave @vm the exit of its nested guest on @ctx. */
	void (*exit_reflected)(struct kvm *vm, u64 ctx);
	/* kvm/ answered that exit itself, as an answer_* op allowed. */
	void (*exit_answered)(struct kvm *vm, u64 ctx);
	/*
	 * With kn_kvm_answer on, at an L2 exit @vm would get: may kvm/
	 * answer the CPUID (@fn, @idx), the RDMSR of @index, the PAUSE of
	 * the guest on @ctx, and with what.  @in: what ctx's slot says
	 * runs there, or NULL.  Under no lock; may not sleep.
	 */
	bool (*answer_cpuid)(struct kvm *vm, u64 ctx, const struct kn_inner *in,
			     u32 fn, u32 idx, struct kn_cpuid_answer *out);
	bool (*answer_rdmsr)(struct kvm *vm, u64 ctx, const struct kn_inner *in,
			     u32 index, u64 *value);
	bool (*answer_pause)(struct kvm *vm, u64 ctx, const struct kn_inner *in);
	/* The GPA of the slot @vm keeps for its context @ctx, or 0. */
	u64 (*slot_of)(struct kvm *vm, u64 ctx);
	/* In the vCPU's thread, preemption off: see struct kn_nested_entry. */
	void (*nested_entered)(struct kvm *vm, u32 vcpu,
			       const struct kn_nested_entry *e);
	/*
	 * With kn_kvm_wrmsr_watch on: L2 on @ctx (the inner guest @in says,
	 * if not NULL) writes @index, before @vm sees it.
	 */
	void (*msr_written)(struct kvm *vm, u64 ctx, const struct kn_inner *in,
			    u32 index);
	/*
	 * The kvm-nest hypercall from @vm (not from its nested guest), which
	 * KVM did not know: what the guest finds in RAX.  In the vCPU's
	 * thread, under kvm->srcu, so guest memory can be read.
	 */
	long (*hypercall)(struct kvm *vm, u64 op, u64 gpa, u64 len);
	/*
	 * @vm's nested state starts over: a vCPU reset, EFER.SVME cleared
	 * or VMXOFF, nested state loaded by the VMM, or a vCPU freed.
	 */
	void (*nested_reset)(struct kvm *vm);
	/*
	 * What KVM answers @vcpu's guest for CPUID and RDMSR may change or
	 * go (before KVM_SET_CPUID2/KVM_SET_MSRS; after an MSR filter or
	 * capability change of its VM; before its VM is destroyed), and
	 * changed (after KVM_SET_CPUID2/KVM_SET_MSRS, failed or not, under
	 * vcpu->mutex).
	 */
	void (*vcpu_changing)(struct kvm_vcpu *vcpu);
	void (*vcpu_changed)(struct kvm_vcpu *vcpu);
};

/* The op's type, for its static call. */
#define KN_KVM_OP_TYPE(name)	(*(typeof_member(struct kn_kvm_ops, name))NULL)
#define KN_KVM_OP(name)	DECLARE_STATIC_CALL(kn_kvm_op_##name, KN_KVM_OP_TYPE(name))
#include "ops-list.h"

/* Inside kvm/ only: report or ask, a direct call to the registered op. */
#define kn_kvm_report(name)	static_call(kn_kvm_op_##name)

/* Points every static call at @ops; -EINVAL if one op is missing. */
int kn_kvm_ops_set(const struct kn_kvm_ops *ops);

/*
 * Switches of the exit path, off by default: ask the answer_* ops at L2
 * exits, report L2's WRMSRs (never off once on), and give every exit
 * its census detail (set through kn_kvm_census_set()).
 */
DECLARE_STATIC_KEY_FALSE(kn_kvm_answer);
DECLARE_STATIC_KEY_FALSE(kn_kvm_wrmsr_watch);
DECLARE_STATIC_KEY_FALSE(kn_kvm_census);

#endif
