/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_TRACE_H
#define KN_KVM_TRACE_H

#include <linux/types.h>

struct kvm_vcpu;

int kn_trace_attach(void);
void kn_trace_detach(void);
/* From the vendor redirect that sees every exit of a nested guest. */
void kn_nested_exit_report(struct kvm_vcpu *vcpu, u32 code, u64 ctx);

#endif
