// SPDX-License-Identifier: GPL-2.0-only
/*
 * A level-1 doll's numbers come from KVM, which counts every exit of a VM
 * anyway (stat.exits), and from the scheduler's guest time of the tasks
 * that run its vCPUs: kvm-nest runs no code on a VM's own exits unless the
 * census is on.  What its contexts counted is taken off, so that a VM's
 * own exits and those of its nested guests add up to KVM's count.
 */
#include <linux/atomic.h>
#include <linux/minmax.h>

#include "doll.h"
#include "doll_totals.h"
#include "kvm/boundary.h"

/* Level 1 of the dolls that are gone, since the module loaded. */
static atomic64_t kn_departed_exits = ATOMIC64_INIT(0);
static atomic64_t kn_departed_ns = ATOMIC64_INIT(0);

/* Counters move on, but a vCPU's task may change: never below zero. */
static u64 kn_since(u64 now, u64 then)
{
	return now > then ? now - then : 0;
}

void kn_doll_totals(const struct kn_doll *d, u64 *exits, u64 *guest_ns)
{
	const struct kn_vm_totals *t = &d->totals;
	u64 e, ns;

	if (d->kind != KN_DOLL_VM) {
		*exits = kn_acct_total(&d->acct);
		*guest_ns = atomic64_read(&d->acct.guest_ns);
		return;
	}
	kn_kvm_vm_totals(d->vm, &e, &ns);
	*exits = kn_since(kn_since(e, t->base_exits),
			  atomic64_read(&t->nested_exits));
	*guest_ns = kn_since(kn_since(ns, t->base_ns),
			     atomic64_read(&t->nested_ns));
}

u64 kn_doll_vm_guest_all(const struct kn_doll *d)
{
	u64 e, ns;

	kn_kvm_vm_totals(d->vm, &e, &ns);
	return kn_since(ns, d->totals.born_ns);
}

void kn_doll_totals_born(struct kn_doll *d)
{
	struct kn_vm_totals *t = &d->totals;

	kn_kvm_vm_totals(d->vm, &t->born_exits, &t->born_ns);
	t->base_exits = t->born_exits;
	t->base_ns = t->born_ns;
}

void kn_doll_totals_reset(struct kn_doll *d)
{
	struct kn_vm_totals *t = &d->totals;

	kn_kvm_vm_totals(d->vm, &t->base_exits, &t->base_ns);
	atomic64_set(&t->nested_exits, 0);
	atomic64_set(&t->nested_ns, 0);
}

void kn_doll_totals_nested(struct kn_doll *d, u64 ns)
{
	atomic64_inc(&d->totals.nested_exits);
	atomic64_add(ns, &d->totals.nested_ns);
}

void kn_doll_totals_depart(struct kn_doll *d)
{
	u64 e, ns;

	kn_kvm_vm_totals(d->vm, &e, &ns);
	atomic64_add(kn_since(e, d->totals.born_exits), &kn_departed_exits);
	atomic64_add(kn_since(ns, d->totals.born_ns), &kn_departed_ns);
}

struct kn_level1 {
	u64 exits, ns;
};

static int kn_level1_add(struct kn_doll *d, void *arg)
{
	struct kn_level1 *l = arg;
	u64 e, ns;

	if (d->kind != KN_DOLL_VM)
		return 0;
	kn_kvm_vm_totals(d->vm, &e, &ns);
	l->exits += kn_since(e, d->totals.born_exits);
	l->ns += kn_since(ns, d->totals.born_ns);
	return 0;
}

/*
 * Level 1: every exit and all guest time of the VMs, gone or alive, less
 * what their nested guests counted at the deeper levels.
 */
void kn_levels_sum(unsigned int level, u64 *exits, u64 *guest_ns)
{
	struct kn_level1 all = {
		.exits = atomic64_read(&kn_departed_exits),
		.ns = atomic64_read(&kn_departed_ns),
	};
	unsigned int l;
	u64 e, ns;

	if (level != 1) {
		kn_level_sum(level, exits, guest_ns);
		return;
	}
	kn_dolls_for_each(kn_level1_add, &all);
	for (l = 2; l <= KN_MAX_LEVEL; l++) {
		kn_level_sum(l, &e, &ns);
		all.exits = kn_since(all.exits, e);
		all.ns = kn_since(all.ns, ns);
	}
	*exits = all.exits;
	*guest_ns = all.ns;
}
