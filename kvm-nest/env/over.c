// SPDX-License-Identifier: GPL-2.0-only
/*
 * Overcommit: a parent may lower or unset the envelope of its own doll
 * whatever that doll's kvm-nest reports inside it (a child cannot veto
 * its parent), so the reservations inside may no longer fit.  Both sides
 * see it: the parent in the doll's view, the child from the envelope it
 * is told.  See Documentation/security.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/printk.h>

#include "../channel/depth.h"
#include "../doll.h"
#include "admit.h"
#include "over.h"

bool kn_env_overcommitted(struct kn_doll *d)
{
	struct kn_doll *vm, *r;
	u64 cpu = 0, mem = 0;

	kn_dolls_assert_locked();
	if (d->kind == KN_DOLL_CTX)
		return false;
	vm = kn_doll_vm_of(d);
	list_for_each_entry(r, &vm->reported, rep_node) {
		if (r->parent != d)
			continue;
		cpu += r->env.cpu_reserve;
		mem += r->env.mem_reserve;
	}
	return cpu > d->env.cpu_reserve || mem > d->env.mem_reserve;
}

bool kn_env_overcommitted_self(void)
{
	struct kn_env_room room;
	u32 cpu;
	u64 mem;

	if (!kn_depth())
		return false;
	kn_env_room(&room);
	kn_env_reserved(&cpu, &mem);
	return cpu > room.cpu_resv || mem > room.mem_resv;
}

void kn_env_over_told(void)
{
	static bool over;	/* only the child's fetch work calls this */
	bool now = kn_env_overcommitted_self();

	if (now == over)
		return;
	over = now;
	if (now)
		pr_warn("our dolls reserve more than the envelope our parent gives us; lower their reservations (nestctl envelope show)\n");
	else
		pr_info("our dolls' reservations fit our envelope again\n");
}
