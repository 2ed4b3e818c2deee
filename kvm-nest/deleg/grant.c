// SPDX-License-Identifier: GPL-2.0-only
/*
 * The child side of delegation: grants are best effort (a parent that
 * does not answer is only slower), revocations are sent before the change
 * they guard and cannot fail for want of memory: their buffer is ours
 * from the start.  Every grant is kept until revoked, so that one the
 * parent was too busy for, or forgot by reloading, is sent again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/kvm_para.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "../channel/depth.h"
#include "check.h"
#include "grant.h"

static DEFINE_MUTEX(kn_grant_lock);
static struct kvm_nest_ch_delegate *kn_grant_buf;	/* kn_grant_lock */
/*
 * kn_deleg_key() -> the grant as last sent; marked while the parent
 * lacks it.
 */
static DEFINE_XARRAY(kn_granted);			/* kn_grant_lock */
#define KN_GRANT_UNSENT		XA_MARK_0

/* The parent's answer; 0 without one.  Under kn_grant_lock. */
static long kn_grant_send(struct kvm_nest_ch_delegate *h)
{
	lockdep_assert_held(&kn_grant_lock);
	if (!kn_depth())
		return 0;
	return kvm_hypercall3(KVM_NEST_HC, KVM_NEST_CH_DELEGATE,
			      virt_to_phys(h),
			      struct_size(h, cpuid, h->nr_cpuid) +
			      array_size(h->nr_msr, sizeof(struct kvm_nest_ch_msr)));
}

/*
 * A parent that takes none of our MSRs (one older than RDMSR at depth, or
 * with a shorter allowlist) refuses the whole grant: send it again without
 * them, so that the CPUIDs and PAUSEs are still answered there.  @h keeps
 * its MSRs, for a parent that comes back newer.
 */
static long kn_grant_send_some(struct kvm_nest_ch_delegate *h)
{
	u32 classes = h->classes & ~KVM_NEST_DELEG_RDMSR, nr_msr = h->nr_msr;
	long ret = kn_grant_send(h);

	/* Without CPUID and PAUSE nothing is left; classes 0 would revoke. */
	if (ret != -KVM_NEST_EINVAL || !nr_msr || !classes)
		return ret;
	swap(h->classes, classes);
	h->nr_msr = 0;
	ret = kn_grant_send(h);
	swap(h->classes, classes);
	h->nr_msr = nr_msr;
	if (!ret)
		pr_notice_once("parent takes no MSR reads of ours; they stay at this level\n");
	return ret;
}

/*
 * Under kn_grant_lock: forgets what was granted for @ctx (of @inner), or
 * with @all everything (of @inner, if not 0).
 */
static void kn_grant_forget(u64 ctx, u32 inner, bool all)
{
	unsigned long key, first = 0, last = ULONG_MAX;
	struct kvm_nest_ch_delegate *h;

	lockdep_assert_held(&kn_grant_lock);
	if (!all) {
		kfree(xa_erase(&kn_granted, kn_deleg_key(ctx, inner)));
		return;
	}
	if (inner) {
		first = kn_deleg_key(0, inner);
		last = kn_deleg_key(0, inner + 1) - 1;
	}
	xa_for_each_range(&kn_granted, key, h, first, last)
		kfree(xa_erase(&kn_granted, key));
}

static void kn_grant_revoke_with(u64 ctx, u32 inner, u32 flags)
{
	long ret;

	mutex_lock(&kn_grant_lock);
	kn_grant_forget(ctx, inner, flags & KVM_NEST_DELEG_F_REVOKE_ALL);
	memset(kn_grant_buf, 0, sizeof(*kn_grant_buf));
	kn_grant_buf->ctx = ctx;
	kn_grant_buf->inner = inner;
	kn_grant_buf->flags = flags;
	ret = kn_grant_send(kn_grant_buf);
	mutex_unlock(&kn_grant_lock);
	/* EPROTO: it forgot us; EBUSY: refused, but it revoked all the same. */
	if (ret && ret != -KVM_NEST_EPROTO && ret != -KVM_NEST_EBUSY)
		pr_warn_ratelimited("parent refused to revoke delegation of %#llx (%ld)\n",
				    ctx, ret);
}

void kn_grant_revoke(u64 ctx)
{
	kn_grant_revoke_with(ctx, 0, 0);
}

void kn_grant_revoke_all(void)
{
	kn_grant_revoke_with(0, 0, KVM_NEST_DELEG_F_REVOKE_ALL);
}

void kn_grant_revoke_inner(u32 inner, u64 ctx, bool all)
{
	kn_grant_revoke_with(all ? 0 : ctx, inner,
			     all ? KVM_NEST_DELEG_F_REVOKE_ALL : 0);
}

/* Takes @h, which the parent answered with @ret. */
static void kn_grant_keep(struct kvm_nest_ch_delegate *h, long ret)
{
	unsigned long key = kn_deleg_key(h->ctx, h->inner);
	void *old;

	lockdep_assert_held(&kn_grant_lock);
	if (ret && ret != -KVM_NEST_EBUSY) {
		/* Refused for good: sending it again would not help. */
		pr_warn_ratelimited("parent refused to take delegation of %#llx (%ld)\n",
				    h->ctx, ret);
		kfree(xa_erase(&kn_granted, key));
		kfree(h);
		return;
	}
	old = xa_store(&kn_granted, key, h, GFP_KERNEL);
	if (xa_is_err(old)) {
		kfree(h);
		return;
	}
	kfree(old);
	if (ret)
		xa_set_mark(&kn_granted, key, KN_GRANT_UNSENT);
	else
		xa_clear_mark(&kn_granted, key, KN_GRANT_UNSENT);
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
	ret = kn_grant_send_some(h);
	kn_grant_keep(h, ret);
	mutex_unlock(&kn_grant_lock);
}

void kn_grant_inner(u32 inner, const struct kvm_nest_ch_delegate *in)
{
	struct kvm_nest_ch_delegate *h;
	long ret;

	if (!kn_depth())
		return;
	h = kmemdup(in, kn_deleg_size(sizeof(*in), in->nr_cpuid, in->nr_msr),
		    GFP_KERNEL);
	if (!h)
		return;
	h->inner = inner;
	mutex_lock(&kn_grant_lock);
	ret = kn_grant_send_some(h);
	kn_grant_keep(h, ret);
	mutex_unlock(&kn_grant_lock);
}

void kn_grant_resend(bool forgotten)
{
	struct kvm_nest_ch_delegate *h;
	unsigned long key;
	long ret;

	if (!kn_depth())	/* the parent is away: kept for its return */
		return;
	mutex_lock(&kn_grant_lock);
	if (forgotten)
		xa_for_each(&kn_granted, key, h)
			xa_set_mark(&kn_granted, key, KN_GRANT_UNSENT);
	xa_for_each_marked(&kn_granted, key, h, KN_GRANT_UNSENT) {
		ret = kn_grant_send_some(h);
		if (ret == -KVM_NEST_EBUSY)
			break;	/* the next tick goes on */
		xa_clear_mark(&kn_granted, key, KN_GRANT_UNSENT);
		if (ret)
			pr_warn_ratelimited("parent refused to take delegation of %#llx again (%ld)\n",
					    h->ctx, ret);
	}
	mutex_unlock(&kn_grant_lock);
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
