// SPDX-License-Identifier: GPL-2.0-only
/*
 * A child's policies and slots are dropped here when its nested state
 * starts over (KVM_SET_NESTED_STATE at loadvm, an INIT, SVM or VMX turned
 * off), without its kernel knowing: its delegation would stay off until
 * it greets us again.  So we tell it, with a command down its channel, to
 * send them again.  A guest that loops on resets gets at most one such
 * command in flight and one a second: the rest fold into the next one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <uapi/linux/kvm_nest_channel.h>

#include "../doll.h"
#include "request.h"
#include "resend.h"

/* The least time between two commands to one child. */
#define KN_CH_RESEND_GAP	HZ

struct kn_ch_resend {
	struct work_struct work;
	u32 vm_id;
};

static struct workqueue_struct *kn_ch_resend_wq;

static int kn_ch_caller_add(struct kn_channel *ch, void *arg)
{
	struct kn_ch_caller *c = arg;

	hlist_add_head(&c->node, &ch->callers);
	return 0;
}

void kn_ch_caller_enter(struct kvm *vm, struct kn_ch_caller *c)
{
	INIT_HLIST_NODE(&c->node);
	c->task = current;
	kn_doll_channel(vm, kn_ch_caller_add, c);
}

static int kn_ch_caller_del(struct kn_channel *ch, void *arg)
{
	struct kn_ch_caller *c = arg;

	hlist_del_init(&c->node);
	return 0;
}

void kn_ch_caller_leave(struct kvm *vm, struct kn_ch_caller *c)
{
	/* The VM cannot go while one of its vCPUs is in a call. */
	if (!hlist_unhashed(&c->node))
		kn_doll_channel(vm, kn_ch_caller_del, c);
}

/* Under the doll's lock: whether its kernel revokes, in a call of its own. */
static bool kn_ch_caller_is_self(struct kn_channel *ch)
{
	struct kn_ch_caller *c;

	hlist_for_each_entry(c, &ch->callers, node)
		if (c->task == current)
			return true;
	return false;
}

/*
 * Under the doll's lock, after a command went: true, with the time to
 * wait first, if another reset came meanwhile; else the doll is free of
 * us.
 */
static int kn_ch_resend_next(struct kn_doll *vm, void *arg)
{
	long *wait = arg;
	int again;

	spin_lock_irq(&vm->lock);
	again = vm->ch.resend_again && !vm->dead && vm->ch.version;
	vm->ch.resend_again = false;
	if (again)
		*wait = (long)(vm->ch.resend_at + KN_CH_RESEND_GAP - jiffies);
	else
		vm->ch.resend_busy = false;
	spin_unlock_irq(&vm->lock);
	return again;
}

static int kn_ch_resend_sent(struct kn_doll *vm, void *arg)
{
	spin_lock_irq(&vm->lock);
	vm->ch.resend_at = jiffies;
	spin_unlock_irq(&vm->lock);
	return 0;
}

static void kn_ch_resend_fn(struct work_struct *work)
{
	struct kn_ch_resend *x = container_of(work, struct kn_ch_resend, work);
	struct kn_cmd cmd = { .cmd = KVM_NEST_CH_OP_DELEG_RESEND };
	struct kn_cmd_result res = {};
	long wait;
	int err;

	do {
		if (kn_doll_with_id(x->vm_id, KN_KIND_VM, kn_ch_resend_sent,
				    NULL))
			break;
		/* Bounded: the child answers, dies, or times out. */
		err = kn_ch_request(x->vm_id, &cmd, &res);
		if (err)
			pr_debug("doll %u did not take the resend command (%d): %s\n",
				 x->vm_id, err, res.why);
		wait = 0;
		if (kn_doll_with_id(x->vm_id, KN_KIND_VM, kn_ch_resend_next,
				    &wait) != 1)
			break;
		if (wait > 0)
			msleep(jiffies_to_msecs(wait));
	} while (true);
	kfree(x);
}

static bool kn_ch_resend_start(struct kn_doll *vm)
{
	unsigned long flags;
	bool start = false;

	spin_lock_irqsave(&vm->lock, flags);
	if (vm->dead || !vm->ch.version || kn_ch_caller_is_self(&vm->ch))
		goto out;
	start = !vm->ch.resend_busy;
	if (start)
		vm->ch.resend_busy = true;
	else
		vm->ch.resend_again = true;
out:
	spin_unlock_irqrestore(&vm->lock, flags);
	return start;
}

void kn_ch_resend_ask(struct kn_doll *vm)
{
	struct kn_ch_resend *x;
	unsigned long flags;

	if (!kn_ch_resend_start(vm))
		return;
	x = kmalloc(sizeof(*x), GFP_ATOMIC | __GFP_NOWARN);
	if (!x) {
		/* It stays off until the child greets us again, as before. */
		spin_lock_irqsave(&vm->lock, flags);
		vm->ch.resend_busy = false;
		spin_unlock_irqrestore(&vm->lock, flags);
		return;
	}
	INIT_WORK(&x->work, kn_ch_resend_fn);
	x->vm_id = vm->id;
	queue_work(kn_ch_resend_wq, &x->work);
}

int kn_ch_resend_init(void)
{
	/* Unbound: each may wait for its child's answer for a while. */
	kn_ch_resend_wq = alloc_workqueue("kvm_nest_resend", WQ_UNBOUND, 0);
	return kn_ch_resend_wq ? 0 : -ENOMEM;
}

/* After the dolls failed what waits on them: each ends within a second. */
void kn_ch_resend_exit(void)
{
	destroy_workqueue(kn_ch_resend_wq);
}
