/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_DELEG_GRANT_H
#define KN_DELEG_GRANT_H

#include <uapi/linux/kvm_nest_channel.h>

/*
 * As the hypervisor of our own VMs: let the kvm-nest parent answer the
 * CPUIDs (from @t, the vCPU's table as KVM holds it), the reads of the
 * @nm MSRs @m, and the PAUSEs of the vCPU that runs on @ctx.  Nothing
 * happens without a parent.
 */
void kn_grant(u64 ctx, const struct kvm_nest_ch_cpuid *t, u32 n,
	      const struct kvm_nest_ch_msr *m, u32 nm);
/* Before anything that could change the answers: synchronous. */
void kn_grant_revoke(u64 ctx);
void kn_grant_revoke_all(void);
/*
 * Deep delegation: forwards the policy @h that the hypervisor of our VM
 * with handle @inner gave us, checked (its MSRs too: slots list them), or
 * revokes it (@all: every policy of @inner), synchronously.
 */
void kn_grant_inner(u32 inner, const struct kvm_nest_ch_delegate *h);
void kn_grant_revoke_inner(u32 inner, u64 ctx, bool all);
/*
 * Sends again the grants the parent was too busy to take, or with
 * @forgotten all of them: it greeted us anew and has none.
 */
void kn_grant_resend(bool forgotten);
int kn_grant_init(void);
void kn_grant_exit(void);

#endif
