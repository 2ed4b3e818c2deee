// SPDX-License-Identifier: GPL-2.0-only
/*
 * The child side of delegation: grants are best effort (a parent that
 * does not answer is only slower), revocations are sent before the change
 * they guard and cannot fail for want of memory: their buffer is ours
 * from the start.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/kvm_para.h>
#include <linux/io.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "../deleg.h"
#include "child.h"
#include "grant.h"

static DEFINE_MUTEX(kn_grant_lock);
static struct kvm_nest_ch_delegate *kn_grant_buf;	/* kn_grant_lock */

/* The parent's answer; 0 without one.  Under kn_grant_lock. */
static long kn_grant_send(struct kvm_nest_ch_delegate *h)
{
	if (!kn_depth())
		return 0;
	return kvm_hypercall3(KVM_NEST_HC, KVM_NEST_CH_DELEGATE,
			      virt_to_phys(h),
			      struct_size(h, cpuid, h->nr_cpuid) +
			      array_size(h->nr_msr, sizeof(struct kvm_nest_ch_msr)));
}

static void kn_grant_revoke_with(u64 ctx, u32 flags)
{
	long ret;

	mutex_lock(&kn_grant_lock);
	memset(kn_grant_buf, 0, sizeof(*kn_grant_buf));
	kn_grant_buf->ctx = ctx;
	kn_grant_buf->flags = flags;
	ret = kn_grant_send(kn_grant_buf);
	mutex_unlock(&kn_grant_lock);
	if (ret && ret != -KVM_NEST_EPROTO)	/* EPROTO: it forgot us */
		pr_warn_ratelimited("parent refused to revoke delegation of %#llx (%ld)\n",
				    ctx, ret);
}

void kn_grant_revoke(u64 ctx)
{
	kn_grant_revoke_with(ctx, 0);
}

void kn_grant_revoke_all(void)
{
	kn_grant_revoke_with(0, KVM_NEST_DELEG_F_REVOKE_ALL);
}

void kn_grant(u64 ctx, const struct kvm_nest_ch_cpuid *t, u32 n,
	      const struct kvm_nest_ch_msr *m, u32 nm)
{
	struct kvm_nest_ch_delegate *h;
	long ret;

	if (!kn_depth() || !ctx)
		return;
	n = min_t(u32, n, KVM_NEST_DELEG_MAX_CPUID);
	nm = min_t(u32, nm, KVM_NEST_DELEG_MAX_MSR);
	h = kzalloc(struct_size(h, cpuid, n) + array_size(nm, sizeof(*m)),
		    GFP_KERNEL);
	if (!h)
		return;
	h->ctx = ctx;
	h->classes = KVM_NEST_DELEG_CPUID | KVM_NEST_DELEG_PAUSE;
	h->nr_cpuid = kn_deleg_filter(t, n, h->cpuid);
	/* The MSRs follow the entries kept. */
	if (nm) {
		h->classes |= KVM_NEST_DELEG_RDMSR;
		h->nr_msr = nm;
		memcpy(&h->cpuid[h->nr_cpuid], m, array_size(nm, sizeof(*m)));
	}
	mutex_lock(&kn_grant_lock);
	ret = kn_grant_send(h);
	mutex_unlock(&kn_grant_lock);
	if (ret && ret != -KVM_NEST_EBUSY)
		pr_warn_ratelimited("parent refused to take delegation of %#llx (%ld)\n",
				    ctx, ret);
	kfree(h);
}

int kn_grant_init(void)
{
	kn_grant_buf = kmalloc(sizeof(*kn_grant_buf), GFP_KERNEL);
	return kn_grant_buf ? 0 : -ENOMEM;
}

/* Nothing stays delegated once we are gone: nobody would revoke it. */
void kn_grant_exit(void)
{
	kn_grant_revoke_all();
	kfree(kn_grant_buf);
}
