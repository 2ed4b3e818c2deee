// SPDX-License-Identifier: GPL-2.0-only
/*
 * Doll events.  They happen on the exit path with interrupts off, so they
 * are copied into a bounded queue there and sent from a work item.  A
 * guest can make thousands a second (reports of dolls that come and go),
 * so they go out on a workqueue of their own, yielding the CPU between
 * events: a flood must not hold up the system's per-CPU work items, which
 * RCU and SRCU grace periods (and so VM destruction) wait for.
 */
#include <linux/sched.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "event.h"
#include "netlink.h"

/* Past this many unsent events a listener that cannot keep up loses some. */
#define KN_EVENT_QUEUE_MAX	4096

static DEFINE_SPINLOCK(kn_event_lock);
static LIST_HEAD(kn_event_queue);
static unsigned int kn_event_queued;
static struct workqueue_struct *kn_event_wq;

static void kn_event_work_fn(struct work_struct *work)
{
	struct kn_event *e, *tmp;
	unsigned long flags;
	LIST_HEAD(batch);

	spin_lock_irqsave(&kn_event_lock, flags);
	list_splice_init(&kn_event_queue, &batch);
	kn_event_queued = 0;
	spin_unlock_irqrestore(&kn_event_lock, flags);

	list_for_each_entry_safe(e, tmp, &batch, node) {
		kn_nl_notify(e);
		kfree(e);
		cond_resched();
	}
}

static DECLARE_WORK(kn_event_work, kn_event_work_fn);

static void kn_event_push(struct kn_event *e)
{
	unsigned long flags;
	bool queued = false;

	spin_lock_irqsave(&kn_event_lock, flags);
	if (kn_event_queued < KN_EVENT_QUEUE_MAX) {
		list_add_tail(&e->node, &kn_event_queue);
		kn_event_queued++;
		queued = true;
	}
	spin_unlock_irqrestore(&kn_event_lock, flags);
	if (queued)
		queue_work(kn_event_wq, &kn_event_work);
	else
		kfree(e);
}

/* An event of @type with @extra bytes of reason, or NULL if nobody listens. */
static struct kn_event *kn_event_new(enum kn_event_type type, size_t extra,
				     gfp_t gfp)
{
	struct kn_event *e;

	if (!kn_nl_has_listeners())
		return NULL;
	e = kzalloc(struct_size(e, why, extra), gfp);
	if (e)
		e->type = type;
	return e;
}

void kn_event_doll(const struct kn_doll *d, enum kn_event_type type)
{
	struct kn_event *e = kn_event_new(type, 0, GFP_ATOMIC | __GFP_NOWARN);

	if (!e)
		return;
	e->id = d->id;
	e->parent = d->parent ? d->parent->id : 0;
	e->level = d->level;
	e->pid = d->pid;
	e->env = d->env;
	kn_doll_path(d, e->path, sizeof(e->path));
	strscpy(e->name, d->name, sizeof(e->name));
	kn_event_push(e);
}

void kn_event_level(u32 depth)
{
	struct kn_event *e = kn_event_new(KN_EVENT_LEVEL, 0, GFP_KERNEL);

	if (!e)
		return;
	e->level = depth;
	kn_event_push(e);
}

/* Copied now: @r's strings live on the refusing caller's stack. */
void kn_event_refused(const struct kn_refusal *r)
{
	size_t len = strlen(r->why) + 1;
	struct kn_event *e = kn_event_new(KN_EVENT_REFUSED, len, GFP_KERNEL);

	if (!e)
		return;
	e->id = r->id;
	e->pid = r->pid;
	e->env = *r->env;
	e->err = r->err;
	/* Only this kernel's VMs are judged here: level 1, path = id. */
	if (r->id) {
		e->level = 1;
		snprintf(e->path, sizeof(e->path), "%u", r->id);
	}
	strscpy(e->name, r->name, sizeof(e->name));
	strscpy(e->uuid, r->uuid, sizeof(e->uuid));
	memcpy(e->why, r->why, len);
	kn_event_push(e);
}

void kn_event_progress(u32 id, pid_t pid, const char *name,
		       const struct kn_progress *p)
{
	struct kn_event *e = kn_event_new(KN_EVENT_PROGRESS, 0, GFP_KERNEL);

	if (!e)
		return;
	e->id = id;
	e->level = 1;
	e->pid = pid;
	e->prog = *p;
	snprintf(e->path, sizeof(e->path), "%u", id);
	strscpy(e->name, name, sizeof(e->name));
	kn_event_push(e);
}

int kn_event_init(void)
{
	/* Unbound: off the per-CPU pools that other work items share. */
	kn_event_wq = alloc_workqueue("kvm_nest_events", WQ_UNBOUND, 1);
	return kn_event_wq ? 0 : -ENOMEM;
}

/* Called once nothing can queue any more; what is left goes unsent. */
void kn_event_exit(void)
{
	struct kn_event *e, *tmp;

	cancel_work_sync(&kn_event_work);
	destroy_workqueue(kn_event_wq);
	list_for_each_entry_safe(e, tmp, &kn_event_queue, node)
		kfree(e);
	INIT_LIST_HEAD(&kn_event_queue);
}
