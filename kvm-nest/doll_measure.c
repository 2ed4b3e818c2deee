// SPDX-License-Identifier: GPL-2.0-only
/*
 * What this kernel measured of the dolls a child reported: the exits and
 * guest time of our own contexts that run them or their guests.  Pure
 * reads of the registry; the caller holds what keeps the dolls.
 */
#include "doll.h"
#include "doll_measure.h"

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

	*ns = 0;
	if (d->kind == KN_DOLL_VM)
		*ns = atomic64_read(&d->acct.guest_ns);
	rcu_read_lock();
	list_for_each_entry_rcu(c, &vm->children, child_node) {
		if (d->kind == KN_DOLL_VM || d == c ||
		    (d->kind == KN_DOLL_REPORTED &&
		     (kn_ctx_listed(c->ctx, d->rep.self, d->rep.nr_self) ||
		      kn_ctx_listed(c->ctx, d->rep.nested, d->rep.nr_nested)))) {
			*ns += atomic64_read(&c->acct.guest_ns);
			seen = true;
		}
	}
	rcu_read_unlock();
	return seen || d->kind == KN_DOLL_VM;
}

void kn_doll_ctx_levels(struct kn_doll *vm)
{
	struct kn_doll *c;
	bool nested;

	kn_dolls_assert_locked();
	rcu_read_lock();
	list_for_each_entry_rcu(c, &vm->children, child_node)
		WRITE_ONCE(c->exit_level,
			   kn_doll_ctx_runs(c, &nested) && nested ? 3 : 2);
	rcu_read_unlock();
}
