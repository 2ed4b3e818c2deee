/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every op of struct kn_kvm_ops, as kvm-x86-ops.h lists KVM's: define
 * KN_KVM_OP(name) and include this where something is done for each.
 * No include guard, on purpose.
 */
#ifndef KN_KVM_OP
#error "define KN_KVM_OP(name) before including ops-list.h"
#endif
KN_KVM_OP(vm_created);
KN_KVM_OP(vm_found);
KN_KVM_OP(vm_destroyed);
KN_KVM_OP(nested_run);
KN_KVM_OP(vcpu_exited);
KN_KVM_OP(exit_reflected);
KN_KVM_OP(exit_answered);
KN_KVM_OP(answer_cpuid);
KN_KVM_OP(answer_rdmsr);
KN_KVM_OP(answer_pause);
KN_KVM_OP(slot_of);
KN_KVM_OP(nested_entered);
KN_KVM_OP(msr_written);
KN_KVM_OP(hypercall);
KN_KVM_OP(nested_reset);
KN_KVM_OP(vcpu_changing);
KN_KVM_OP(vcpu_changed);
#undef KN_KVM_OP
