// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-nest's level-1 dolls follow VM lifetimes: a VM (2 vCPUs, 64 MiB)
 * appears as one doll of our pid with those numbers, a second VM as a
 * second doll, and each doll goes away when its VM's fds are closed.
 */
#include <unistd.h>

#include "kn_dolls.h"
#include "kn_tap.h"
#include "kn_vm.h"

#define MEM_A (64UL << 20)
#define MEM_B (32UL << 20)
#define POLL_US 10000
#define POLL_MAX 200		/* 2 s for a destroyed VM's doll to go */

static void guest_main(uint64_t arg)
{
	(void)arg;
}

/* A VM whose vCPUs have all run once, so KVM has seen the whole VM. */
static void vm_up(struct kn_vm *vm, uint64_t mem, unsigned int vcpus)
{
	kn_vm_create(vm, mem);
	for (unsigned int i = 0; i < vcpus; i++)
		kn_vcpu_expect(kn_vcpu_add(vm, guest_main, 0), KN_UC_DONE);
}

/* Snapshot with @want level-1 dolls of ours, or the last one after 2 s. */
static unsigned int our_dolls(struct kn_dolls *ds, unsigned int want)
{
	const struct kn_doll *d;
	unsigned int n;

	for (int i = 0;; i++) {
		kn_dolls_read(ds);
		n = kn_dolls_find(ds, 1, KN_ANY, getpid(), &d);
		if (n == want || i == POLL_MAX)
			break;
		kn_dolls_free(ds);
		usleep(POLL_US);
	}
	return n;
}

/* Our only level-1 doll with this shape, or NULL. */
static const struct kn_doll *shaped(const struct kn_dolls *ds, uint64_t vcpus,
				    uint64_t mem)
{
	const struct kn_doll *found = NULL;

	for (unsigned int i = 0; i < ds->nr; i++) {
		const struct kn_doll *d = &ds->d[i];

		if (d->level != 1 || d->pid != (uint64_t)getpid() ||
		    d->vcpus != vcpus || d->mem != mem)
			continue;
		if (found)
			return NULL;
		found = d;
	}
	return found;
}

int main(void)
{
	const struct kn_doll *a, *b;
	struct kn_vm vm_a, vm_b;
	struct kn_dolls ds;
	const char *why;
	uint64_t a_id;
	unsigned int n;

	vm_up(&vm_a, MEM_A, 2);
	if (!kn_accounting(&why))
		kn_skip_rest("%s", why);
	kn_plan(6);

	n = our_dolls(&ds, 1);
	kn_ok(n == 1, "VM A: %u level-1 doll(s) of pid %d, expected 1", n, getpid());
	a = shaped(&ds, 2, MEM_A);
	kn_ok(a && !a->parent && !a->ctx,
	      "VM A's doll has vcpus=2 mem=%lu parent=0 ctx=0x0", MEM_A);
	a_id = a ? a->id : 0;
	kn_dolls_free(&ds);

	vm_up(&vm_b, MEM_B, 1);
	n = our_dolls(&ds, 2);
	kn_ok(n == 2, "VMs A and B: %u level-1 dolls, expected 2", n);
	a = shaped(&ds, 2, MEM_A);
	b = shaped(&ds, 1, MEM_B);
	kn_ok(a && b && a->id == a_id && b->id != a_id,
	      "VM B's doll (vcpus=1 mem=%lu) is new, A's keeps id %lu", MEM_B, a_id);
	kn_dolls_free(&ds);

	kn_vm_destroy(&vm_b);
	n = our_dolls(&ds, 1);
	a = shaped(&ds, 2, MEM_A);
	kn_ok(n == 1 && a && a->id == a_id, "B destroyed: %u doll(s) left, A's expected", n);
	kn_dolls_free(&ds);

	kn_vm_destroy(&vm_a);
	n = our_dolls(&ds, 0);
	kn_ok(n == 0, "A destroyed: %u doll(s) left, expected 0", n);
	kn_dolls_free(&ds);
	kn_finish();
}
