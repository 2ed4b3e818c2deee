// SPDX-License-Identifier: GPL-2.0-only
/*
 * The child side of the channel: find out whether the kernel running us
 * has kvm-nest, and if so report our dolls to it once a second.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/kvm_para.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/netlink.h>
#include <uapi/linux/kvm_nest.h>
#include <uapi/linux/kvm_para.h>

#include "../deleg/grant.h"
#include "../deleg/slot.h"
#include "../deleg/switch.h"
#include "../doll.h"
#include "../doll_totals.h"
#include "../env/fit.h"
#include "../event.h"
#include "../kvm/boundary.h"
#include "child.h"
#include "depth.h"
#include "exec.h"

/* Fetch commands every tick, report the tree every KN_CH_REPORT_TICKS. */
#define KN_CH_TICK		(HZ / 4)
#define KN_CH_REPORT_TICKS	4

static struct sk_buff *kn_child_skb;
static void *kn_child_fetch_buf;
static unsigned int kn_child_tick;

static int kn_child_put_ctx(struct sk_buff *skb, int type, const u64 *a,
			    unsigned int n)
{
	unsigned int i;

	/* 0: that vmcb does not exist yet. */
	for (i = 0; i < n; i++)
		if (a[i] && nla_put_u64_64bit(skb, type, a[i],
					      KVM_NEST_A_DOLL_PAD))
			return -EMSGSIZE;
	return 0;
}

static int kn_child_put_vm(struct sk_buff *skb, const struct kn_doll *d)
{
	u64 self[KVM_NEST_CH_MAX_CTX], nested[KVM_NEST_CH_MAX_CTX];
	unsigned int n;

	n = kn_kvm_vm_ctx(d->vm, self, nested, KVM_NEST_CH_MAX_CTX);
	if (nla_put_u32(skb, KVM_NEST_A_DOLL_VCPUS, kn_kvm_vm_vcpus(d->vm)) ||
	    nla_put_u64_64bit(skb, KVM_NEST_A_DOLL_MEM,
			      kn_kvm_vm_mem_bytes(d->vm), KVM_NEST_A_DOLL_PAD))
		return -EMSGSIZE;
	return kn_child_put_ctx(skb, KVM_NEST_CH_A_CTX_SELF, self, n) ?:
	       kn_child_put_ctx(skb, KVM_NEST_CH_A_CTX_NESTED, nested, n);
}

/* One doll as the parent's policy wants it; see kvm_nest_channel.h. */
static int kn_child_put_doll(struct kn_doll *d, void *arg)
{
	struct sk_buff *skb = arg;
	const struct kn_reported *r = &d->rep;
	bool rep = d->kind == KN_DOLL_REPORTED;
	u64 exits, guest_ns;
	struct nlattr *nest;
	u32 off;

	if (d->level > KVM_NEST_CH_MAX_LEVEL)
		return 0;
	if (rep) {
		exits = r->exits;
		guest_ns = r->guest_ns;
	} else {
		kn_doll_totals(d, &exits, &guest_ns);
	}
	nest = nla_nest_start(skb, KVM_NEST_CH_A_DOLL);
	if (!nest ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_ID, d->id) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_PARENT,
			d->parent ? d->parent->id : 0) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_LEVEL, d->level) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_PID, d->pid) ||
	    nla_put_string(skb, KVM_NEST_A_DOLL_NAME, d->name) ||
	    nla_put_u64_64bit(skb, KVM_NEST_A_DOLL_EXITS, exits,
			      KVM_NEST_A_DOLL_PAD) ||
	    nla_put_u64_64bit(skb, KVM_NEST_A_DOLL_GUEST_NS, guest_ns,
			      KVM_NEST_A_DOLL_PAD) ||
	    nla_put_u64_64bit(skb, KVM_NEST_A_DOLL_REFLECTED,
			      rep ? r->reflected :
				    atomic64_read(&d->acct.reflected),
			      KVM_NEST_A_DOLL_PAD) ||
	    (d->kind != KN_DOLL_CTX &&
	     (kn_env_put(skb, KVM_NEST_A_DOLL_ENV, &d->env) ||
	      nla_put_u32(skb, KVM_NEST_A_DOLL_USAGE_CPU, d->use.cpu) ||
	      nla_put_u64_64bit(skb, KVM_NEST_A_DOLL_USAGE_MEM, d->use.mem,
				KVM_NEST_A_DOLL_PAD))) ||
	    (kn_deleg_ctl_off_known(d, &off) &&
	     nla_put_u32(skb, KVM_NEST_A_DOLL_DELEG_OFF, off)) ||
	    (d->kind == KN_DOLL_VM && kn_child_put_vm(skb, d)) ||
	    skb->len + nla_total_size(0) > KVM_NEST_CH_REPORT_MAX) {
		if (nest)
			nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static long kn_child_hello(void);
static void kn_child_report(struct work_struct *work);
static DECLARE_DELAYED_WORK(kn_child_work, kn_child_report);

static void kn_child_fetch(void)
{
	long ret;

	ret = kvm_hypercall3(KVM_NEST_HC, KVM_NEST_CH_FETCH,
			     virt_to_phys(kn_child_fetch_buf),
			     KVM_NEST_CH_FETCH_MAX);
	if (ret > 0 && ret <= KVM_NEST_CH_FETCH_MAX)
		kn_exec_fetched(kn_child_fetch_buf, ret);
}

static void kn_child_report(struct work_struct *work)
{
	struct sk_buff *skb = kn_child_skb;
	long ret;

	if (kn_child_tick++ % KN_CH_REPORT_TICKS) {
		if (kn_depth())
			kn_child_fetch();
		goto again;
	}
	skb_trim(skb, 0);
	/* A tree too big for one report is cut; the parent shows what fits. */
	kn_dolls_for_each(kn_child_put_doll, skb);
	ret = kvm_hypercall3(KVM_NEST_HC, KVM_NEST_CH_REPORT,
			     virt_to_phys(skb->data), skb->len);
	/*
	 * A parent that unloaded answers -KVM_ENOSYS; one that reloaded has
	 * forgotten us.  Greet it again until it is back.
	 */
	if (ret == -KVM_ENOSYS || ret == -KVM_NEST_EPROTO) {
		/* Back, it has forgotten what we delegated too. */
		if (!kn_child_hello()) {
			kn_slots_parent_forgot();
			kn_grant_resend(true);
		}
		goto again;
	}
	if (ret > 0)
		kn_child_fetch();
	else if (ret && ret != -KVM_NEST_EBUSY)
		pr_warn_ratelimited("parent refused our report (%ld)\n", ret);
	kn_grant_resend(false);
again:
	schedule_delayed_work(&kn_child_work, KN_CH_TICK);
}

static void kn_child_set_depth(u32 depth)
{
	if (depth == kn_depth())
		return;
	kn_depth_set(depth);
	kn_event_level(depth);
}

static long kn_child_hello(void)
{
	struct kvm_nest_ch_hello *h;
	long ret;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->version = KVM_NEST_CH_VERSION;
	ret = kvm_hypercall3(KVM_NEST_HC, KVM_NEST_CH_HELLO, virt_to_phys(h),
			     sizeof(*h));
	/* A parent without kvm-nest sets no envelope on us either. */
	if (ret || !h->depth || h->depth > KVM_NEST_CH_MAX_LEVEL) {
		struct kn_env none = {};

		if (kn_env_self_set(&none, 0, 0))
			kn_fit_update();
		kn_child_set_depth(0);
	} else {
		kn_child_set_depth(h->depth);
	}
	kfree(h);
	return ret;
}

void kn_child_init(void)
{
	long ret;

	/* A hypercall outside KVM would fault: ask CPUID first. */
	if (!kvm_para_available())
		return;
	ret = kn_child_hello();
	if (ret) {
		pr_info("no kvm-nest in the hypervisor (%ld); working alone\n",
			ret);
		return;
	}
	kn_child_skb = alloc_skb(KVM_NEST_CH_REPORT_MAX, GFP_KERNEL);
	kn_child_fetch_buf = kmalloc(KVM_NEST_CH_FETCH_MAX, GFP_KERNEL);
	if (!kn_child_skb || !kn_child_fetch_buf) {
		kn_depth_set(0);
		return;
	}
	pr_info("reporting to kvm-nest in the hypervisor, at depth %u\n",
		kn_depth());
	schedule_delayed_work(&kn_child_work, 0);
}

void kn_child_exit(void)
{
	cancel_delayed_work_sync(&kn_child_work);
	kfree_skb(kn_child_skb);
	kfree(kn_child_fetch_buf);
}
