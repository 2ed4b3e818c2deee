// SPDX-License-Identifier: GPL-2.0-only
/* The static calls through which kvm/ reports to the rest of kvm-nest. */
#include <linux/bug.h>

#include "ops.h"

#define KN_KVM_OP(name)	DEFINE_STATIC_CALL_NULL(kn_kvm_op_##name, KN_KVM_OP_TYPE(name))
#include "ops-list.h"

/* Every op has a line in ops-list.h, so a static call. */
struct kn_kvm_op_count {
#define KN_KVM_OP(name)	char name
#include "ops-list.h"
};

static_assert(sizeof(struct kn_kvm_op_count) ==
	      sizeof(struct kn_kvm_ops) / sizeof(void (*)(void)));

DEFINE_STATIC_KEY_FALSE(kn_kvm_answer);
DEFINE_STATIC_KEY_FALSE(kn_kvm_wrmsr_watch);
DEFINE_STATIC_KEY_FALSE(kn_kvm_census);

/* Before any hook is attached: nothing calls an op meanwhile. */
int kn_kvm_ops_set(const struct kn_kvm_ops *o)
{
	bool missing = false;

	static_call_update(kn_kvm_op_vm_created, o->vm_created);
	static_call_update(kn_kvm_op_vm_found, o->vm_found);
	static_call_update(kn_kvm_op_vm_destroyed, o->vm_destroyed);
	static_call_update(kn_kvm_op_nested_run, o->nested_run);
	static_call_update(kn_kvm_op_vcpu_exited, o->vcpu_exited);
	static_call_update(kn_kvm_op_exit_reflected, o->exit_reflected);
	static_call_update(kn_kvm_op_exit_answered, o->exit_answered);
	static_call_update(kn_kvm_op_answer_cpuid, o->answer_cpuid);
	static_call_update(kn_kvm_op_answer_rdmsr, o->answer_rdmsr);
	static_call_update(kn_kvm_op_answer_pause, o->answer_pause);
	static_call_update(kn_kvm_op_slot_of, o->slot_of);
	static_call_update(kn_kvm_op_nested_entered, o->nested_entered);
	static_call_update(kn_kvm_op_msr_written, o->msr_written);
	static_call_update(kn_kvm_op_hypercall, o->hypercall);
	static_call_update(kn_kvm_op_nested_reset, o->nested_reset);
	static_call_update(kn_kvm_op_vcpu_changing, o->vcpu_changing);
	static_call_update(kn_kvm_op_vcpu_changed, o->vcpu_changed);
	/* A hole in @o, or an op forgotten above, refuses the attach. */
#define KN_KVM_OP(name)	(missing |= !static_call_query(kn_kvm_op_##name))
#include "ops-list.h"
	return WARN_ON_ONCE(missing) ? -EINVAL : 0;
}
