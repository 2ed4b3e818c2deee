// SPDX-License-Identifier: GPL-2.0-only
/*
 * A child's report merged into the registry: the dolls its kvm-nest runs,
 * at any depth, kept below its level-1 doll.  Dolls keep their ids from
 * one report to the next; new ones must fit the VM's id budget.
 */
#include <linux/slab.h>

#include "deleg/switch.h"
#include "doll_measure.h"
#include "doll_report.h"
#include "event.h"

static struct kn_doll *kn_reported_find(struct kn_doll *vm, u32 rid)
{
	struct kn_doll *r;

	list_for_each_entry(r, &vm->reported, rep_node)
		if (r->rep.rid == rid)
			return r;
	return NULL;
}

/* Dolls of the report that are new, each of which takes a new id. */
static unsigned int kn_report_new(struct kn_doll *vm,
				  const struct kn_report_entry *e,
				  unsigned int n)
{
	unsigned int i, new = 0;

	for (i = 0; i < n; i++)
		new += !kn_reported_find(vm, e[i].rep.rid);
	return new;
}

/*
 * Under the registry mutex: @d's reported dolls become @e's, taken from
 * @spare where new; those dropped go to @gone, for the caller to free.
 */
static int kn_report_merge(struct kn_doll *d, const struct kn_report_entry *e,
			   unsigned int n, struct list_head *spare,
			   struct list_head *gone)
{
	struct kn_doll *r, *tmp;
	unsigned int i, nr_new;
	LIST_HEAD(fresh);
	int err;

	kn_dolls_assert_locked();
	nr_new = kn_report_new(d, e, n);
	err = kn_id_budget_take(&d->ids, nr_new);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		r = kn_reported_find(d, e[i].rep.rid);
		if (r) {
			list_move_tail(&r->rep_node, &fresh);
			continue;
		}
		r = list_first_entry(spare, struct kn_doll, rep_node);
		if (kn_id_reserve(&r->id, GFP_KERNEL_ACCOUNT)) {
			err = -ENOMEM;
			break;
		}
		strscpy(r->name, "-", sizeof(r->name));
		r->kind = KN_DOLL_REPORTED;
		list_move_tail(&r->rep_node, &fresh);
	}
	if (err) {
		/* Put the old ones back, the new ones back in the spares. */
		list_for_each_entry_safe(r, tmp, &fresh, rep_node) {
			if (r->level) {
				list_move_tail(&r->rep_node, &d->reported);
			} else {
				kn_id_release(r->id);
				list_move(&r->rep_node, spare);
			}
		}
		kn_id_budget_refund(&d->ids, nr_new);
		return err;
	}

	/*
	 * Dolls the child no longer reports.  All events first: an event
	 * reads the doll's path, through parents that may go too.
	 */
	list_for_each_entry(r, &d->reported, rep_node)
		kn_event_doll(r, KN_EVENT_DEL);
	list_for_each_entry(r, &d->reported, rep_node)
		kn_id_release(r->id);
	list_splice_init(&d->reported, gone);
	list_splice(&fresh, &d->reported);

	i = 0;
	list_for_each_entry(r, &d->reported, rep_node) {
		bool new = !r->level;

		/* Parents come first, so the parent is already in place. */
		r->parent = e[i].rparent ? kn_reported_find(d, e[i].rparent) : d;
		r->level = e[i].level + d->level;
		r->pid = e[i].pid;
		strscpy(r->name, e[i].name, sizeof(r->name));
		r->rep = e[i].rep;
		r->env = e[i].env;
		r->use.mem = e[i].usage_mem;
		if (new) {
			kn_id_publish(r->id, r);
			kn_event_doll(r, KN_EVENT_NEW);
		}
		i++;
	}
	/* A switched-off doll may run on other contexts now. */
	kn_deleg_ctl_sync(d);
	kn_doll_ctx_levels(d);
	kn_dolls_changed();
	return 0;
}

/*
 * Builds the new list aside, so that a failed allocation changes nothing.
 * New dolls must fit the VM's id budget, checked before any id is taken:
 * a refused report moves no id cursor either.  A guest may call this 200
 * times a second, and other VMs' calls, VM destruction and netlink wait
 * for the mutex meanwhile: the dolls are allocated before it and the
 * dropped ones freed after it.
 */
int kn_doll_apply_report(struct kvm *vm, const struct kn_report_entry *e,
			 unsigned int n)
{
	struct kn_doll *d, *r, *tmp;
	LIST_HEAD(spare);
	LIST_HEAD(gone);
	unsigned int i;
	int err = 0;

	for (i = 0; i < n; i++) {
		r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
		if (!r) {
			err = -ENOMEM;
			goto out_free;
		}
		list_add(&r->rep_node, &spare);
	}

	kn_dolls_lock();
	d = kn_doll_vm_locked(vm);
	err = d ? kn_report_merge(d, e, n, &spare, &gone) : -ENOENT;
	kn_dolls_unlock();
	/* Readers hold the mutex: nobody sees the dropped dolls any more. */
	list_for_each_entry_safe(r, tmp, &gone, rep_node)
		kfree(r);
out_free:
	list_for_each_entry_safe(r, tmp, &spare, rep_node)
		kfree(r);
	return err;
}
