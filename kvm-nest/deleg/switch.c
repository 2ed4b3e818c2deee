// SPDX-License-Identifier: GPL-2.0-only
/*
 * Delegated exits, the switches: an administrator turns classes off for a
 * level-1 doll (every context of it) or a level-2 doll (the contexts that
 * run it).  They live apart from the policies, which the hypervisor
 * replaces at will, so that a new grant does not turn a class back on.
 * The exit path reads one word of the level-1 doll, deleg_gate, and the
 * per-context map only when that word says some context has a switch.
 */
#include <linux/rcupdate.h>
#include <linux/xarray.h>

#include "store.h"
#include "switch.h"

bool kn_deleg_ctl_off_slow(struct kn_doll *vm, u32 gate, unsigned long key,
			   u32 class)
{
	void *v;

	if (gate & class)
		return true;
	if (!(gate & KN_DELEG_GATE_CTX))
		return false;
	v = xa_load(&vm->deleg_ctx_off, key);
	return v && xa_to_value(v) & class;
}

/* A context a policy can have: not the overflow doll's stand-in. */
static bool kn_deleg_ctx_ok(u64 ctx)
{
	return ctx && !(ctx & GENMASK_ULL(KN_DELEG_CTX_SHIFT - 1, 0)) &&
	       ctx != KN_CTX_OVERFLOW;
}

/* Whether @r is a level-2 doll reported by @vm's kvm-nest. */
static bool kn_reported_l2(const struct kn_doll *vm, const struct kn_doll *r)
{
	return r->kind == KN_DOLL_REPORTED && r->level == vm->level + 1;
}

/* Classes off for @ctx: the switches of the level-2 dolls it runs. */
static u32 kn_ctx_off_want(struct kn_doll *vm, u64 ctx)
{
	struct kn_doll *c;
	u32 off = 0;

	list_for_each_entry_rcu(c, &vm->children, child_node)
		if (c->ctx == ctx)
			off |= c->deleg_off;
	list_for_each_entry(c, &vm->reported, rep_node)
		if (kn_reported_l2(vm, c) &&
		    kn_ctx_listed(ctx, c->rep.self, c->rep.nr_self))
			off |= c->deleg_off;
	return off;
}

/* Atomic allocation: callers walk the dolls under rcu_read_lock(). */
static int kn_ctx_off_update(struct kn_doll *vm, u64 ctx)
{
	unsigned long key = ctx >> KN_DELEG_CTX_SHIFT;
	u32 off = kn_ctx_off_want(vm, ctx);

	if (!off) {
		xa_erase(&vm->deleg_ctx_off, key);
		return 0;
	}
	return xa_err(xa_store(&vm->deleg_ctx_off, key, xa_mk_value(off),
			       GFP_ATOMIC | __GFP_ACCOUNT | __GFP_NOWARN));
}

int kn_deleg_ctl_sync(struct kn_doll *vm)
{
	struct kn_doll *c;
	unsigned long key;
	unsigned int i;
	void *v;
	int err = 0;

	kn_dolls_assert_locked();
	rcu_read_lock();
	/* Contexts no switch covers any more, or another way now. */
	xa_for_each(&vm->deleg_ctx_off, key, v)
		if (kn_ctx_off_update(vm, (u64)key << KN_DELEG_CTX_SHIFT))
			err = -ENOMEM;
	list_for_each_entry_rcu(c, &vm->children, child_node)
		if (c->deleg_off && kn_deleg_ctx_ok(c->ctx) &&
		    kn_ctx_off_update(vm, c->ctx))
			err = -ENOMEM;
	list_for_each_entry(c, &vm->reported, rep_node) {
		if (!c->deleg_off || !kn_reported_l2(vm, c))
			continue;
		for (i = 0; i < c->rep.nr_self; i++)
			if (kn_deleg_ctx_ok(c->rep.self[i]) &&
			    kn_ctx_off_update(vm, c->rep.self[i]))
				err = -ENOMEM;
	}
	rcu_read_unlock();
	WRITE_ONCE(vm->deleg_gate, vm->deleg_off |
		   (xa_empty(&vm->deleg_ctx_off) ? 0 : KN_DELEG_GATE_CTX));
	return err;
}

int kn_deleg_ctl_set(struct kn_doll *d, u32 classes, bool on, char *why,
		     size_t len)
{
	u32 old = d->deleg_off;
	struct kn_doll *vm;
	int err;

	kn_dolls_assert_locked();
	/* kn_cmd_deleg() sends those down: never a local switch. */
	if (kn_deleg_ctl_remote(d)) {
		scnprintf(why, len, "doll %u's switches are its reporter's",
			  d->id);
		return -EREMOTE;
	}
	if (d->kind == KN_DOLL_CTX && !kn_deleg_ctx_ok(d->ctx)) {
		scnprintf(why, len,
			  "doll %u collects the contexts beyond the %uth of doll %u, which have no policies; switch doll %u instead",
			  d->id, KN_MAX_CHILDREN, d->parent->id, d->parent->id);
		return -EINVAL;
	}
	vm = kn_doll_vm_of(d);
	d->deleg_off = on ? old & ~classes : old | classes;
	err = kn_deleg_ctl_sync(vm);
	if (err) {
		d->deleg_off = old;
		kn_deleg_ctl_sync(vm);
		scnprintf(why, len, "no memory for the switch of doll %u; try again",
			  d->id);
	}
	return err;
}

bool kn_deleg_ctl_state(struct kn_doll *d, u32 *registered, u32 *off)
{
	struct kn_doll *vm = kn_doll_vm_of(d);
	unsigned int i;

	kn_dolls_assert_locked();
	*off = d->deleg_off;
	switch (d->kind) {
	case KN_DOLL_VM:
		*registered = kn_deleg_classes(&d->deleg, 0);
		return true;
	case KN_DOLL_CTX:
		*registered = kn_deleg_ctx_ok(d->ctx) ?
			      kn_deleg_classes(&vm->deleg, d->ctx) : 0;
		return true;
	default:
		if (!kn_reported_l2(vm, d))
			return false;
		*registered = 0;
		for (i = 0; i < d->rep.nr_self; i++)
			if (kn_deleg_ctx_ok(d->rep.self[i]))
				*registered |= kn_deleg_classes(&vm->deleg,
								d->rep.self[i]);
		return true;
	}
}

bool kn_deleg_ctl_off_known(struct kn_doll *d, u32 *off)
{
	u32 registered;

	if (kn_deleg_ctl_state(d, &registered, off))
		return true;
	if (d->kind != KN_DOLL_REPORTED || !d->rep.deleg_known)
		return false;
	*off = d->rep.deleg_off;
	return true;
}
