// SPDX-License-Identifier: GPL-2.0-only
/*
 * Deep delegation, the slots (Documentation/plans/deep-delegation.md).
 * A parent sees a grandchild's exit under the child's vmcb02/vmcs02, which
 * the child runs every nested guest of that vCPU on: it cannot tell whose
 * it is.  The child's kvm-nest says so in a slot per vCPU, in its own
 * memory, written before each entry into the nested guest by the vCPU
 * that enters it; the parent reads it at the exit of that same vCPU.
 *
 * As a parent we keep where each child's slots are; as a child, our slots
 * and the handle under which each VM's policies went to our parent.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/kvm_para.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "../channel/depth.h"
#include "../channel/resend.h"
#include "../doll.h"
#include "../kvm/boundary.h"
#include "check.h"
#include "grant.h"
#include "slot.h"
#include "store.h"
#include "switch.h"

/* Within one cache line, so never across a page. */
#define KN_SLOT_ALIGN	64

struct kn_slot {
	struct kvm_nest_ch_slot s;	/* what the parent reads */
	spinlock_t lock;		/* a clear against the vCPU's write */
	u64 registered;			/* the context our parent has it for */
	unsigned int gen;		/* kn_slot_gen when registered */
	unsigned long retry;		/* jiffies: no new try before */
	struct rcu_head rcu;
};

static_assert(sizeof(struct kvm_nest_ch_slot) <= KN_SLOT_ALIGN);

/* Bumped when our parent forgot every slot: register them again. */
static atomic_t kn_slot_gen = ATOMIC_INIT(0);
/* Handles of our VMs whose policies went to our parent. */
static DEFINE_IDA(kn_inner_ida);

/* ---- as a parent ---- */

struct kn_slot_op {
	u64 ctx, gpa;
};

static int kn_slot_set(struct kn_doll *d, void *arg)
{
	const struct kn_slot_op *op = arg;
	unsigned long key = op->ctx >> KN_DELEG_CTX_SHIFT;
	void *e;

	kn_dolls_assert_locked();
	if (!op->gpa) {
		if (xa_erase(&d->deleg_slot_at, key))
			atomic_dec(&d->deleg_slot_nr);
		return 0;
	}
	if (!xa_load(&d->deleg_slot_at, key) &&
	    atomic_read(&d->deleg_slot_nr) >= KVM_NEST_SLOT_MAX)
		return -KVM_NEST_ENOSPC;
	e = xa_store(&d->deleg_slot_at, key, xa_mk_value(op->gpa),
		     GFP_KERNEL_ACCOUNT);
	if (xa_is_err(e))
		return -KVM_NEST_EBUSY;
	if (!e)
		atomic_inc(&d->deleg_slot_nr);
	return 0;
}

long kn_slot_call(struct kvm *vm, u64 ctx, u64 gpa)
{
	struct kn_slot_op op = { .ctx = ctx, .gpa = gpa };
	int ret;

	if (!ctx || ctx & GENMASK_ULL(KN_DELEG_CTX_SHIFT - 1, 0) ||
	    ctx >> KN_DELEG_INNER_CTX_BITS || gpa & (KN_SLOT_ALIGN - 1) ||
	    gpa >> KN_DELEG_INNER_CTX_BITS)
		return -KVM_NEST_EINVAL;
	ret = kn_doll_with_vm(vm, kn_slot_set, &op);
	return ret == -ENOENT ? -KVM_NEST_EPROTO : ret;
}

u64 kn_slot_of(struct kvm *vm, u64 ctx)
{
	struct kn_doll *d;
	void *e = NULL;

	rcu_read_lock();
	d = kn_doll_vm_rcu(vm);
	if (d && !xa_empty(&d->deleg_slot_at))
		e = xa_load(&d->deleg_slot_at, ctx >> KN_DELEG_CTX_SHIFT);
	rcu_read_unlock();
	return xa_is_value(e) ? xa_to_value(e) : 0;
}

/* ---- as a child ---- */

/* What a slot says, but seq; @msr: MSRs listed with KVM_NEST_DELEG_RDMSR. */
struct kn_slot_says {
	u32 inner;
	u64 ctx, inner_ctx;
	u32 classes, nr_msr;
	u32 msr[KVM_NEST_SLOT_MSRS];
};

/* Not a lock: the parent never reads while the vCPU writes (see top). */
static void kn_slot_write(struct kn_slot *sl, const struct kn_slot_says *w)
{
	struct kvm_nest_ch_slot *s = &sl->s;
	u32 seq = s->seq + 1;

	lockdep_assert_held(&sl->lock);
	WRITE_ONCE(s->seq, seq);
	smp_wmb();	/* odd seq before the fields, for a reader of another CPU */
	s->inner = w->inner;
	s->ctx = w->ctx;
	s->inner_ctx = w->inner_ctx;
	s->classes = w->classes;
	s->nr_msr = w->nr_msr;
	memcpy(s->msr, w->msr, sizeof(s->msr));
	smp_wmb();	/* the fields before the even seq that says they are whole */
	WRITE_ONCE(s->seq_end, seq + 1);
	WRITE_ONCE(s->seq, seq + 1);
}

/* Whether our parent knows @sl as the slot of @ctx; if not, tell it. */
static bool kn_slot_register(struct kn_slot *sl, u64 ctx)
{
	unsigned int gen = atomic_read(&kn_slot_gen);
	long ret;

	if (sl->registered == ctx && sl->gen == gen)
		return true;
	if (time_before(jiffies, sl->retry))
		return false;
	ret = kvm_hypercall3(KVM_NEST_HC, KVM_NEST_CH_SLOT, ctx,
			     virt_to_phys(&sl->s));
	if (ret) {
		/* A parent without slots, or too busy: not for a while. */
		sl->registered = 0;
		sl->retry = jiffies + HZ;
		return false;
	}
	sl->registered = ctx;
	sl->gen = gen;
	return true;
}

/* In the probe, preemption off: no sleeping allocation. */
static struct kn_slot *kn_slot_new(struct kn_doll *d, u32 vcpu)
{
	struct kn_slot *sl;

	sl = kzalloc(roundup_pow_of_two(sizeof(*sl)),
		     GFP_ATOMIC | __GFP_ACCOUNT | __GFP_NOWARN);
	if (!sl)
		return NULL;
	spin_lock_init(&sl->lock);
	if (xa_insert(&d->deleg_slots, vcpu, sl, GFP_ATOMIC | __GFP_NOWARN)) {
		kfree(sl);
		return NULL;
	}
	return sl;
}

/* What we let our parent answer: this kernel's switches count too. */
static u32 kn_slot_classes(struct kn_doll *d, const struct kn_nested_entry *e)
{
	unsigned long key = e->ctx >> KN_DELEG_CTX_SHIFT;
	u32 classes = e->classes & KN_DELEG_INNER_CLASSES;

	if (!static_branch_unlikely(&kn_kvm_answer))
		return 0;
	if (kn_deleg_ctl_off(d, key, KVM_NEST_DELEG_CPUID))
		classes &= ~KVM_NEST_DELEG_CPUID;
	if (kn_deleg_ctl_off(d, key, KVM_NEST_DELEG_PAUSE))
		classes &= ~KVM_NEST_DELEG_PAUSE;
	if (kn_deleg_ctl_off(d, key, KVM_NEST_DELEG_RDMSR))
		classes &= ~KVM_NEST_DELEG_RDMSR;
	return classes;
}

/*
 * The MSRs of @d's policy for @e's context whose reads its hypervisor
 * intercepts (in its map now: what KVM checks at each exit), up to what
 * a slot holds; without any, no RDMSR class.  Indices, not positions:
 * @d's policy may be replaced from another vCPU meanwhile.
 */
static void kn_slot_msrs(struct kn_doll *d, const struct kn_nested_entry *e,
			 struct kn_slot_says *w)
{
	u32 idx[KVM_NEST_DELEG_MAX_MSR];
	unsigned int i, n = 0;

	w->nr_msr = 0;
	if (w->classes & KVM_NEST_DELEG_RDMSR)
		n = kn_deleg_msrs(d, e->ctx, idx);
	for (i = 0; i < n && w->nr_msr < KVM_NEST_SLOT_MSRS; i++)
		if (kn_kvm_nested_reads_msr(e, idx[i]))
			w->msr[w->nr_msr++] = idx[i];
	if (!w->nr_msr)
		w->classes &= ~KVM_NEST_DELEG_RDMSR;
}

void kn_slot_entered(struct kvm *vm, u32 vcpu, const struct kn_nested_entry *e)
{
	struct kn_slot_says w = {};
	struct kn_slot *sl;
	struct kn_doll *d;
	u32 inner;

	if (!kn_depth() || !e->run_ctx)
		return;
	rcu_read_lock();
	d = kn_doll_vm_rcu(vm);
	inner = d ? READ_ONCE(d->deleg_inner) : 0;
	if (!inner)
		goto out;
	sl = xa_load(&d->deleg_slots, vcpu) ?: kn_slot_new(d, vcpu);
	if (!sl)
		goto out;
	spin_lock(&sl->lock);
	/* If not registered, whatever our parent maps to it says nothing. */
	if (kn_slot_register(sl, e->run_ctx)) {
		w.inner = inner;
		w.ctx = e->run_ctx;
		w.inner_ctx = e->ctx;
		w.classes = kn_slot_classes(d, e);
		kn_slot_msrs(d, e, &w);
	}
	kn_slot_write(sl, &w);
	spin_unlock(&sl->lock);
out:
	rcu_read_unlock();
}

void kn_slots_parent_forgot(void)
{
	atomic_inc(&kn_slot_gen);
}

static int kn_inner_assign(struct kn_doll *d, void *arg)
{
	u32 *inner = arg;
	int id;

	kn_dolls_assert_locked();
	if (!d->deleg_inner) {
		id = ida_alloc_range(&kn_inner_ida, 1, KVM_NEST_DELEG_INNER_MAX,
				     GFP_KERNEL);
		if (id < 0)
			return id;
		WRITE_ONCE(d->deleg_inner, id);
	}
	*inner = d->deleg_inner;
	return 0;
}

void kn_deleg_forward(struct kvm *vm, const struct kvm_nest_ch_delegate *h)
{
	u32 inner;

	if (!kn_depth())
		return;
	/* Without slots our parent could not use it. */
	kn_kvm_watch_nested_entries();
	if (!kn_doll_with_vm(vm, kn_inner_assign, &inner))
		kn_grant_inner(inner, h);
}

/* ---- both ---- */

void kn_slots_forget(struct kn_doll *vm)
{
	static const struct kn_slot_says none;
	struct kn_slot *sl;
	unsigned long key;
	void *e;

	/* Under RCU only: count what we erase, not what we saw. */
	xa_for_each(&vm->deleg_slot_at, key, e)
		if (xa_erase(&vm->deleg_slot_at, key))
			atomic_dec(&vm->deleg_slot_nr);
	xa_for_each(&vm->deleg_slots, key, sl) {
		spin_lock(&sl->lock);
		kn_slot_write(sl, &none);
		spin_unlock(&sl->lock);
	}
	/* Every revocation of all its policies passes here. */
	kn_ch_resend_ask(vm);
}

void kn_slots_free(struct kn_doll *vm)
{
	struct kn_slot *sl;
	unsigned long key;

	xa_for_each(&vm->deleg_slots, key, sl) {
		xa_erase(&vm->deleg_slots, key);
		if (sl->registered && kn_depth() &&
		    sl->gen == atomic_read(&kn_slot_gen))
			kvm_hypercall3(KVM_NEST_HC, KVM_NEST_CH_SLOT,
				       sl->registered, 0);
		kfree_rcu(sl, rcu);
	}
}

void kn_deleg_unforward(struct kn_doll *vm)
{
	u32 inner = vm->deleg_inner;

	if (!inner)
		return;
	kn_grant_revoke_inner(inner, 0, true);
	WRITE_ONCE(vm->deleg_inner, 0);
	ida_free(&kn_inner_ida, inner);
}
