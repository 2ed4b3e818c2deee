// SPDX-License-Identifier: GPL-2.0-only
/*
 * What this kernel measured of the dolls a child reported: the exits and
 * guest time of our own contexts that run them or their guests.  Pure
 * reads of the registry; the caller holds what keeps the dolls.
 */
#include <linux/bsearch.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "doll.h"
#include "doll_measure.h"
#include "doll_totals.h"

struct kn_doll *kn_doll_ctx_runs(const struct kn_doll *ctx, bool *nested)
{
	struct kn_doll *r;

	list_for_each_entry(r, &ctx->parent->reported, rep_node) {
		*nested = kn_ctx_listed(ctx->ctx, r->rep.nested, r->rep.nr_nested);
		if (*nested ||
		    kn_ctx_listed(ctx->ctx, r->rep.self, r->rep.nr_self))
			return r;
	}
	return NULL;
}

void kn_doll_measured(const struct kn_doll *rd, u64 *self, u64 *nested)
{
	const struct kn_doll *vm = rd;
	struct kn_doll *c;

	while (vm->kind != KN_DOLL_VM)
		vm = vm->parent;
	*self = 0;
	*nested = 0;
	list_for_each_entry_rcu(c, &vm->children, child_node) {
		if (kn_ctx_listed(c->ctx, rd->rep.self, rd->rep.nr_self))
			*self += kn_acct_total(&c->acct);
		if (kn_ctx_listed(c->ctx, rd->rep.nested, rd->rep.nr_nested))
			*nested += kn_acct_total(&c->acct);
	}
}

bool kn_doll_measured_ns(const struct kn_doll *d, u64 *ns)
{
	const struct kn_doll *vm = kn_doll_vm_of((struct kn_doll *)d);
	struct kn_doll *c;
	bool seen = false;

	/* A VM's guest time holds that of its nested guests. */
	if (d->kind == KN_DOLL_VM) {
		*ns = kn_doll_vm_guest_all(d);
		return true;
	}
	*ns = 0;
	rcu_read_lock();
	list_for_each_entry_rcu(c, &vm->children, child_node) {
		if (d == c ||
		    (d->kind == KN_DOLL_REPORTED &&
		     (kn_ctx_listed(c->ctx, d->rep.self, d->rep.nr_self) ||
		      kn_ctx_listed(c->ctx, d->rep.nested, d->rep.nr_nested)))) {
			*ns += atomic64_read(&c->acct.guest_ns);
			seen = true;
		}
	}
	rcu_read_unlock();
	return seen;
}

struct kn_ctx_level {
	u64 ctx;
	struct kn_doll *c;
	u8 level;
};

static int kn_ctx_level_cmp(const void *a, const void *b)
{
	const struct kn_ctx_level *x = a, *y = b;

	return x->ctx < y->ctx ? -1 : x->ctx > y->ctx;
}

/*
 * Each reported address is looked up among the VM's contexts, sorted
 * once: a guest may send 200 reports a second of 256 dolls with 128
 * addresses each, and this runs under the registry mutex.
 */
void kn_doll_ctx_levels(struct kn_doll *vm)
{
	struct kn_ctx_level *v, key, *hit;
	struct kn_doll *c, *r;
	unsigned int n = 0, i;

	kn_dolls_assert_locked();
	/* The overflow doll is one child more. */
	v = kmalloc_array(KN_MAX_CHILDREN + 1, sizeof(*v), GFP_KERNEL);
	if (!v)
		return;	/* the levels stay as the last report left them */
	rcu_read_lock();
	list_for_each_entry_rcu(c, &vm->children, child_node) {
		if (n > KN_MAX_CHILDREN)
			break;
		v[n++] = (struct kn_ctx_level){ .ctx = c->ctx, .c = c, .level = 2 };
	}
	sort(v, n, sizeof(*v), kn_ctx_level_cmp, NULL);
	list_for_each_entry(r, &vm->reported, rep_node)
		for (i = 0; i < r->rep.nr_nested; i++) {
			key.ctx = r->rep.nested[i];
			hit = bsearch(&key, v, n, sizeof(*v), kn_ctx_level_cmp);
			if (hit)
				hit->level = 3;
		}
	for (i = 0; i < n; i++)
		WRITE_ONCE(v[i].c->exit_level, v[i].level);
	rcu_read_unlock();
	kfree(v);
}
