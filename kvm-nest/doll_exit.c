// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exit path's accounting: which doll a nested exit is counted for, and
 * how long its guest ran before it.  Exits of a VM itself are KVM's to
 * count (doll_totals.c) and come here only while the census is on.
 *
 * A vCPU's nested exits and entries find what they need in a per-CPU
 * stash: the vCPU seen last, its level-1 doll, the nested context it last
 * exited from with that context's doll, and when it last entered or left
 * its nested guest.  A vCPU that stays on the same CPU (the common case)
 * needs no lookup at all.
 *
 * Why a stashed doll cannot be stale: a level-1 doll is unlinked only
 * when none of its vCPUs can enter any more (its VM is being destroyed,
 * or the module is going and the hooks are gone), and unlinking clears
 * every stash that names it (kn_doll_exit_forget()) before the doll is
 * freed after a grace period.  Context dolls go only with their VM.
 */
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>

#include "doll.h"
#include "doll_totals.h"
#include "kvm/ops.h"

struct kn_exit_stash {
	struct kvm *vm;		/* written last; NULL: empty */
	u32 vcpu;
	struct kn_doll *doll;
	u64 nested_at;		/* last nested entry or exit; 0: not seen */
	u64 ctx;
	struct kn_doll *child;	/* of @ctx, or NULL */
};

static DEFINE_PER_CPU(struct kn_exit_stash, kn_exit_stash);

/* Preemption off, under RCU. */
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
	s->nested_at = 0;
	s->child = NULL;
	WRITE_ONCE(s->vm, vm);
	return s;
}

/*
 * When this task last got the CPU: a vCPU that slept or was preempted
 * since its last nested event ran no guest meanwhile.
 */
static u64 kn_task_arrived(void)
{
#ifdef CONFIG_SCHED_INFO
	return READ_ONCE(current->sched_info.last_arrival);
#else
	return 0;
#endif
}

void kn_doll_nested_run(struct kvm *vm, u32 vcpu)
{
	struct kn_exit_stash *s;

	preempt_disable();
	rcu_read_lock();
	s = kn_stash_of(vm, vcpu);
	if (s)
		s->nested_at = local_clock();
	rcu_read_unlock();
	preempt_enable();
}

/* Guest time of the nested exit just taken, and the stash's new mark. */
static u64 kn_nested_ns(struct kn_exit_stash *s)
{
	u64 now = local_clock();
	u64 from = max(s->nested_at, kn_task_arrived());

	s->nested_at = now;
	return from && now > from ? now - from : 0;
}

static void kn_nested_exited(struct kn_exit_stash *s, const struct kn_exit *e)
{
	u64 ns = kn_nested_ns(s);
	struct kn_doll *d;

	if (!s->child || s->ctx != e->ctx) {
		s->child = kn_doll_child_get_rcu(s->doll, e->ctx);
		s->ctx = e->ctx;
	}
	d = s->child;
	if (!d)
		return;
	kn_acct_exit(&d->acct, READ_ONCE(d->exit_level), e->code, ns);
	kn_doll_totals_nested(s->doll, ns);
	if (unlikely(e->detail))
		kn_census_add(&d->acct.census, e->code, e->detail);
}

void kn_doll_exited(const struct kn_exit *e)
{
	struct kn_exit_stash *s;

	preempt_disable();
	rcu_read_lock();
	s = kn_stash_of(e->vm, e->vcpu);
	if (!s)
		goto out;
	if (e->level > 1) {
		kn_nested_exited(s, e);
	} else {
		/* The census: by code, on top of KVM's count. */
		kn_acct_code(&s->doll->acct, e->code);
		if (e->detail)
			kn_census_add(&s->doll->acct.census, e->code, e->detail);
	}
out:
	rcu_read_unlock();
	preempt_enable();
}

/*
 * Off the exit path, maybe preemptible: this CPU's stash, if it is @vm's.
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
