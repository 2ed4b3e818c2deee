/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_ANSWER_H
#define KN_KVM_ANSWER_H

#include <linux/kvm_host.h>

#include "ops.h"

/*
 * What both vendors do for a delegated CPUID of the nested guest that
 * runs on @ctx: find the answer (false: the exit goes the stock way),
 * then give it, as L1's handler and VM entry would have.
 */
bool kn_answer_cpuid_find(struct kvm_vcpu *vcpu, u64 ctx,
			  struct kn_cpuid_answer *a);
void kn_answer_cpuid(struct kvm_vcpu *vcpu, u64 ctx,
		     const struct kn_cpuid_answer *a);
/* The same for RDMSR of the MSR in ECX: its value. */
bool kn_answer_rdmsr_find(struct kvm_vcpu *vcpu, u64 ctx, u64 *value);
void kn_answer_rdmsr(struct kvm_vcpu *vcpu, u64 ctx, u64 value);
/*
 * L2 on @ctx writes the MSR in ECX: L0 stops answering its reads before
 * L1 sees the write.
 */
void kn_answer_msr_written(struct kvm_vcpu *vcpu, u64 ctx);
/* The same for PAUSE: yield as KVM would, L2 at CPL 0 or not. */
bool kn_answer_pause_find(struct kvm_vcpu *vcpu, u64 ctx);
void kn_answer_pause(struct kvm_vcpu *vcpu, u64 ctx, bool in_kernel);

#endif
