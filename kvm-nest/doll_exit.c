// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exit path's accounting: which doll an exit is counted for, and how
 * long the guest ran before it.
 *
 * KVM fires kvm_entry and kvm_exit on one CPU with interrupts off, so the
 * exit finds what its entry looked up in a per-CPU stash: the vCPU that
 * entered last, its level-1 doll, the entry time, and the nested context
 * it last exited from with that context's doll.  A vCPU that enters again
 * on the same CPU (the common case) needs no lookup at all.
 *
 * Why a stashed doll cannot be stale: a level-1 doll is unlinked only
 * when none of its vCPUs can enter any more (its VM is being destroyed,
 * or the module is going and the probes are gone), and unlinking clears
 * every stash that names it (kn_doll_exit_forget()) before the doll is
 * freed after a grace period.  Context dolls go only with their VM.
 */
#include <linux/percpu.h>
#include <linux/sched/clock.h>

#include "doll.h"
#include "kvm/ops.h"

struct kn_exit_stash {
	struct kvm *vm;		/* written last; NULL: empty */
	u32 vcpu;
	struct kn_doll *doll;
	u64 entry_ns;		/* 0: not seen entering */
	u64 ctx;
	struct kn_doll *child;	/* of @ctx, or NULL */
};

static DEFINE_PER_CPU(struct kn_exit_stash, kn_exit_stash);

/* With interrupts off. */
static struct kn_exit_stash *kn_stash_of(struct kvm *vm, u32 vcpu)
{
	struct kn_exit_stash *s = this_cpu_ptr(&kn_exit_stash);
	struct kn_doll *d;

	if (likely(READ_ONCE(s->vm) == vm && s->vcpu == vcpu))
		return s;
	d = kn_doll_vm_get_rcu(vm);
	if (!d)
		return NULL;
	WRITE_ONCE(s->vm, NULL);
	s->vcpu = vcpu;
	WRITE_ONCE(s->doll, d);
	s->entry_ns = 0;
	s->child = NULL;
	WRITE_ONCE(s->vm, vm);
	return s;
}

void kn_doll_entered(struct kvm *vm, u32 vcpu)
{
	struct kn_exit_stash *s = kn_stash_of(vm, vcpu);

	if (s)
		s->entry_ns = local_clock();
}

void kn_doll_exited(const struct kn_exit *e)
{
	struct kn_exit_stash *s = kn_stash_of(e->vm, e->vcpu);
	unsigned int level = e->level;
	struct kn_doll *d;
	u64 ns = 0;

	if (!s)
		return;
	if (s->entry_ns) {
		ns = local_clock() - s->entry_ns;
		s->entry_ns = 0;
	}
	d = s->doll;
	if (e->level > 1) {
		if (!s->child || s->ctx != e->ctx) {
			s->child = kn_doll_child_get_rcu(d, e->ctx);
			s->ctx = e->ctx;
		}
		d = s->child;
		if (d)
			level = READ_ONCE(d->exit_level);
	}
	if (!d)
		return;
	kn_acct_exit(&d->acct, level, e->code, ns);
	if (unlikely(e->detail))
		kn_census_add(&d->acct.census, e->code, e->detail);
}

/*
 * Outside the probes, maybe preemptible: this CPU's stash, if it is @vm's.
 * Any vCPU's will do; the doll it names stays for the caller's RCU read
 * section, as the stash is cleared before a doll's grace period starts.
 */
static struct kn_doll *kn_stash_lookup(struct kvm *vm, u64 ctx, bool want_child)
{
	struct kn_exit_stash *s = get_cpu_ptr(&kn_exit_stash);
	struct kn_doll *d = NULL;

	if (READ_ONCE(s->vm) == vm)
		d = !want_child ? s->doll : s->ctx == ctx ? s->child : NULL;
	put_cpu_ptr(&kn_exit_stash);
	return d;
}

struct kn_doll *kn_doll_vm_rcu(struct kvm *vm)
{
	return kn_stash_lookup(vm, 0, false) ?: kn_doll_vm_find_rcu(vm);
}

/* One more of a context's reflected or delegated exits. */
static void kn_ctx_count(struct kvm *vm, u64 ctx, bool delegated)
{
	struct kn_doll *d;

	rcu_read_lock();
	d = kn_stash_lookup(vm, ctx, true);
	if (!d) {
		d = kn_doll_vm_rcu(vm);
		/* Beyond KN_MAX_CHILDREN a context's exits went to the overflow doll. */
		if (d)
			d = kn_doll_child_find_rcu(d, ctx) ?:
			    kn_doll_child_find_rcu(d, KN_CTX_OVERFLOW);
	}
	if (d)
		atomic64_inc(delegated ? &d->acct.delegated :
					 &d->acct.reflected);
	rcu_read_unlock();
}

void kn_doll_reflected(struct kvm *vm, u64 ctx)
{
	kn_ctx_count(vm, ctx, false);
}

void kn_doll_delegated(struct kvm *vm, u64 ctx)
{
	kn_ctx_count(vm, ctx, true);
}

void kn_doll_exit_forget(struct kn_doll *d)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kn_exit_stash *s = per_cpu_ptr(&kn_exit_stash, cpu);

		if (READ_ONCE(s->doll) == d)
			WRITE_ONCE(s->vm, NULL);
	}
}
