/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_DELEG_STORE_H
#define KN_DELEG_STORE_H

#include <linux/types.h>
#include <linux/xarray.h>
#include <uapi/linux/kvm_nest_channel.h>

#include "../kvm/ops.h"
#include "check.h"

/*
 * Whether @vm, the hypervisor of the nested guest that runs on @ctx, let
 * this kernel answer CPUID (@fn, @idx) for it, and with what.  With @in,
 * the guest is an inner VM's nested guest (deep delegation, slot.c): the
 * policy @vm forwarded for it counts.
 */
bool kn_deleg_cpuid(struct kvm *vm, u64 ctx, const struct kn_inner *in,
		    u32 fn, u32 idx, struct kn_cpuid_answer *out);
/* The same for RDMSR of MSR @index: its value. */
bool kn_deleg_rdmsr(struct kvm *vm, u64 ctx, const struct kn_inner *in,
		    u32 index, u64 *value);
/*
 * The nested guest on @ctx wrote MSR @index: from now on @vm answers its
 * reads itself.  Before the write exit reaches @vm.  With @in, its inner
 * policy loses the MSR too.
 */
void kn_deleg_msr_written(struct kvm *vm, u64 ctx, const struct kn_inner *in,
			  u32 index);
/*
 * Under RCU: the MSRs (indices, ascending, into @idx: room for
 * KVM_NEST_DELEG_MAX_MSR) of the policy @d gave us for context @ctx.
 */
struct kn_doll;
unsigned int kn_deleg_msrs(struct kn_doll *d, u64 ctx, u32 *idx);

/* The same for PAUSE (no data): the answer_pause op. */
bool kn_deleg_pause(struct kvm *vm, u64 ctx, const struct kn_inner *in);
/* KVM_NEST_CH_DELEGATE from @vm's kvm-nest: 0 or -KVM_NEST_E*. */
long kn_deleg_call(struct kvm *vm, u64 gpa, u64 len);
/* Drops every policy of @vm: its kernel started over. */
void kn_deleg_revoke_all(struct kvm *vm);
/*
 * The classes the policies in @xa (a VM's) give for context @ctx, or for
 * any of its contexts if @ctx is 0; switches do not count.
 */
u32 kn_deleg_classes(struct xarray *xa, u64 ctx);
/*
 * Drops every policy of level-1 doll @vm, which no lookup finds any more:
 * exits that found it before still read them, until a grace period.
 */
void kn_deleg_forget(struct kn_doll *vm);

#endif
