// SPDX-License-Identifier: GPL-2.0-only
/*
 * Delegated exits, the store: which exits of a nested guest its
 * hypervisor (one of our VMs) lets this kernel answer, per context.  The
 * hypervisor's word is checked like any guest input; a policy is
 * immutable once published, so the exit path reads it under RCU alone.
 */
#include <linux/bsearch.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <uapi/linux/kvm.h>
#include <uapi/linux/kvm_nest_channel.h>

#include "../channel/depth.h"
#include "../channel/parent.h"
#include "../doll.h"
#include "../kvm/boundary.h"
#include "grant.h"
#include "slot.h"
#include "store.h"
#include "switch.h"

struct kn_deleg {
	struct rcu_head rcu;
	u32 classes;
	u32 nr_cpuid;
	u32 nr_msr;
	/*
	 * By (function, index); index 0 where it does not count.  Then the
	 * MSRs, by index (kn_deleg_msr()).
	 */
	struct kvm_nest_ch_cpuid cpuid[] __aligned(8);
};

static struct kvm_nest_ch_msr *kn_deleg_msr(const struct kn_deleg *p)
{
	return (struct kvm_nest_ch_msr *)&p->cpuid[p->nr_cpuid];
}

static unsigned int kn_accel_val;

static int kn_accel_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int err = kstrtouint(val, 0, &v);

	if (err)
		return err;
	if (v > 1)
		return -EINVAL;
	if (v)
		static_branch_enable(&kn_kvm_answer);
	else
		static_branch_disable(&kn_kvm_answer);
	kn_accel_val = v;
	return 0;
}

static const struct kernel_param_ops kn_accel_ops = {
	.set = kn_accel_set,
	.get = param_get_uint,
};
module_param_cb(accel, &kn_accel_ops, &kn_accel_val, 0644);
MODULE_PARM_DESC(accel, "1: answer the exits that nested guests' hypervisors delegate (default 0)");

struct kn_deleg_op {
	unsigned long key;
	struct kn_deleg *p;
};

static void kn_deleg_drop(struct xarray *xa, unsigned long key)
{
	struct kn_deleg *old = xa_erase(xa, key);

	if (old)
		kfree_rcu(old, rcu);
}

/* Under the registry mutex: the VM and its store stay. */
static int kn_deleg_install(struct kn_doll *d, void *arg)
{
	struct kn_deleg_op *op = arg;
	struct kn_deleg *old, *p;
	unsigned long key;
	unsigned int n = 0;

	kn_dolls_assert_locked();
	if (!xa_load(&d->deleg, op->key)) {
		xa_for_each(&d->deleg, key, p)
			n++;
		if (n >= KVM_NEST_DELEG_MAX_CTX)
			return -KVM_NEST_ENOSPC;
	}
	old = xa_store(&d->deleg, op->key, op->p, GFP_KERNEL_ACCOUNT);
	if (xa_is_err(old))
		return -KVM_NEST_EBUSY;
	op->p = NULL;
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/* Every policy in @xa, or with @inner every one of that inner VM. */
static void kn_deleg_drop_all(struct xarray *xa, u32 inner)
{
	unsigned long key, first = 0, last = ULONG_MAX;
	struct kn_deleg *p;

	if (inner) {
		first = kn_deleg_key(0, inner);
		last = kn_deleg_key(0, inner + 1) - 1;
	}
	xa_for_each_range(xa, key, p, first, last)
		kn_deleg_drop(xa, key);
}

/*
 * Forwarding a VM's policy to our parent, and revoking it there, each
 * with the change here: one at a time, so that the parent never keeps
 * what a revocation here took.  Only kernels with a parent take it.
 */
static DEFINE_MUTEX(kn_deleg_fwd_lock);

/*
 * Drops @vm's policy of @ctx (of @inner), or with @all every one (of
 * @inner, if not 0), under RCU and the store's own lock.  The handle of
 * @vm's policies at our parent, if they were forwarded, or 0.
 */
static u32 kn_deleg_revoke_here(struct kvm *vm, u64 ctx, u32 inner, bool all)
{
	struct kn_doll *d;
	u32 fwd = 0;

	rcu_read_lock();
	d = kn_doll_vm_rcu(vm);
	if (d && all)
		kn_deleg_drop_all(&d->deleg, inner);
	else if (d)
		kn_deleg_drop(&d->deleg, kn_deleg_key(ctx, inner));
	if (d && !inner)
		fwd = READ_ONCE(d->deleg_inner);
	if (d && all && !inner)
		kn_slots_forget(d);
	rcu_read_unlock();
	return fwd;
}

/*
 * Without a parent a revocation waits for no lock that other VMs' calls
 * take.  With one, what @vm's own policies gave it goes there too, before
 * we return.
 */
static void kn_deleg_revoke(struct kvm *vm, u64 ctx, u32 inner, bool all)
{
	u32 fwd;

	if (inner || !kn_depth()) {
		kn_deleg_revoke_here(vm, ctx, inner, all);
		return;
	}
	mutex_lock(&kn_deleg_fwd_lock);
	fwd = kn_deleg_revoke_here(vm, ctx, 0, all);
	if (fwd)
		kn_grant_revoke_inner(fwd, ctx, all);
	mutex_unlock(&kn_deleg_fwd_lock);
}

void kn_deleg_revoke_all(struct kvm *vm)
{
	kn_deleg_revoke(vm, 0, 0, true);
}

/*
 * Past the rate limit.  A refused call must not leave in place a policy
 * it meant to change, so what it names goes (all, if its header cannot
 * be read), at the cost of one fixed-size read; the child sends its
 * grants again later.
 */
static long kn_deleg_refuse(struct kvm *vm, u64 gpa, u64 len)
{
	struct kvm_nest_ch_delegate h;

	/* A header that cannot be read, or an inner VM out of range: all. */
	if (len < sizeof(h) || kn_kvm_read_guest(vm, gpa, &h, sizeof(h)) ||
	    h.inner > KVM_NEST_DELEG_INNER_MAX)
		kn_deleg_revoke(vm, 0, 0, true);
	else
		kn_deleg_revoke(vm, h.ctx, h.inner,
				h.flags & KVM_NEST_DELEG_F_REVOKE_ALL);
	return -KVM_NEST_EBUSY;
}

long kn_deleg_call(struct kvm *vm, u64 gpa, u64 len)
{
	struct kvm_nest_ch_delegate *h;
	struct kn_deleg_op op = {};
	bool fwd;
	long ret;

	/* Every call counts, revocations and malformed ones too. */
	if (kn_ch_admit_vm(vm))
		return kn_deleg_refuse(vm, gpa, len);
	if (len < sizeof(*h))
		return -KVM_NEST_EINVAL;
	h = kn_ch_copy_in(vm, gpa, len, KVM_NEST_CH_DELEGATE_MAX);
	if (IS_ERR(h))
		return PTR_ERR(h);
	ret = kn_deleg_check(h, len);
	if (ret)
		goto out;
	if (!h->classes) {
		kn_deleg_revoke(vm, h->ctx, h->inner,
				h->flags & KVM_NEST_DELEG_F_REVOKE_ALL);
		goto out;
	}
	op.key = kn_deleg_key(h->ctx, h->inner);
	ret = -KVM_NEST_EBUSY;
	op.p = kmalloc(kn_deleg_size(sizeof(*op.p), h->nr_cpuid, h->nr_msr),
		       GFP_KERNEL_ACCOUNT);
	if (!op.p)
		goto out;
	op.p->classes = h->classes;
	op.p->nr_cpuid = h->nr_cpuid;
	op.p->nr_msr = h->nr_msr;
	/*
	 * Watching writes before the policy is visible, and never off:
	 * a value L0 holds never outlives a write it did not see.
	 */
	if (h->nr_msr)
		static_branch_enable(&kn_kvm_wrmsr_watch);
	memcpy(op.p->cpuid, h->cpuid, flex_array_size(h, cpuid, h->nr_cpuid));
	memcpy(kn_deleg_msr(op.p), kn_deleg_h_msr(h),
	       array_size(h->nr_msr, sizeof(struct kvm_nest_ch_msr)));
	fwd = !h->inner && kn_depth();
	if (fwd)
		mutex_lock(&kn_deleg_fwd_lock);
	ret = kn_doll_with_vm(vm, kn_deleg_install, &op);
	if (ret == -ENOENT)
		ret = -KVM_NEST_EPROTO;
	kfree(op.p);	/* unless installed */
	/* Our parent may answer it too, if it can tell the guest (slot.c). */
	if (!ret && fwd && h->classes & KN_DELEG_INNER_CLASSES)
		kn_deleg_forward(vm, h);
	if (fwd)
		mutex_unlock(&kn_deleg_fwd_lock);
out:
	kvfree(h);
	return ret;
}

/* The store key of the inner policy @in names, or 0 for none. */
static unsigned long kn_deleg_inner_key(const struct kn_inner *in)
{
	/* What the slot says is the child's word: checked like it. */
	if (in->vm > KVM_NEST_DELEG_INNER_MAX ||
	    in->ctx & GENMASK_ULL(KN_DELEG_CTX_SHIFT - 1, 0) ||
	    in->ctx >> KN_DELEG_INNER_CTX_BITS)
		return 0;
	return kn_deleg_key(in->ctx, in->vm);
}

/* The store key of the policy for an exit on @ctx, or 0 for none. */
static unsigned long kn_deleg_exit_key(u64 ctx, const struct kn_inner *in,
				       u32 class)
{
	if (ctx & GENMASK_ULL(KN_DELEG_CTX_SHIFT - 1, 0))
		return 0;
	if (!in)
		return kn_deleg_key(ctx, 0);
	return in->classes & class ? kn_deleg_inner_key(in) : 0;
}

/*
 * Under rcu_read_lock(): @vm's policy for an exit on @ctx (of the inner
 * guest @in says, if not NULL) if it has @class, and no switch turned
 * @class off for @ctx.
 */
static const struct kn_deleg *kn_deleg_find(struct kvm *vm, u64 ctx,
					    const struct kn_inner *in,
					    u32 class)
{
	unsigned long key = kn_deleg_exit_key(ctx, in, class);
	const struct kn_deleg *p;
	struct kn_doll *d;

	if (!key)
		return NULL;
	d = kn_doll_vm_rcu(vm);
	p = d ? xa_load(&d->deleg, key) : NULL;
	if (!p || !(p->classes & class) ||
	    kn_deleg_ctl_off(d, ctx >> KN_DELEG_CTX_SHIFT, class))
		return NULL;
	return p;
}

u32 kn_deleg_classes(struct xarray *xa, u64 ctx)
{
	const struct kn_deleg *p;
	unsigned long key;
	u32 classes = 0;

	rcu_read_lock();
	if (ctx) {
		p = xa_load(xa, kn_deleg_key(ctx, 0));
		classes = p ? p->classes : 0;
	} else {
		xa_for_each(xa, key, p)
			classes |= p->classes;
	}
	rcu_read_unlock();
	return classes;
}

bool kn_deleg_pause(struct kvm *vm, u64 ctx, const struct kn_inner *in)
{
	bool yes;

	rcu_read_lock();
	yes = kn_deleg_find(vm, ctx, in, KVM_NEST_DELEG_PAUSE);
	rcu_read_unlock();
	return yes;
}

bool kn_deleg_cpuid(struct kvm *vm, u64 ctx, const struct kn_inner *in,
		    u32 fn, u32 idx, struct kn_cpuid_answer *out)
{
	const struct kvm_nest_ch_cpuid key = { .function = fn, .index = idx };
	const struct kvm_nest_ch_cpuid *e = NULL;
	const struct kn_deleg *p;

	rcu_read_lock();
	p = kn_deleg_find(vm, ctx, in, KVM_NEST_DELEG_CPUID);
	if (p)
		e = bsearch(&key, p->cpuid, p->nr_cpuid, sizeof(*e),
			    kn_cpuid_cmp);
	if (e) {
		out->eax = e->eax;
		out->ebx = e->ebx;
		out->ecx = e->ecx;
		out->edx = e->edx;
	}
	rcu_read_unlock();
	return e;
}

bool kn_deleg_rdmsr(struct kvm *vm, u64 ctx, const struct kn_inner *in,
		    u32 index, u64 *value)
{
	const struct kvm_nest_ch_msr key = { .index = index };
	const struct kvm_nest_ch_msr *e = NULL;
	const struct kn_deleg *p;

	/*
	 * An inner VM's MSR map is out of our sight: the slot lists the
	 * MSRs whose reads it intercepts.
	 */
	if (in && !kn_deleg_slot_lists(in->nr_msr, in->msr, index))
		return false;
	rcu_read_lock();
	p = kn_deleg_find(vm, ctx, in, KVM_NEST_DELEG_RDMSR);
	if (p)
		e = bsearch(&key, kn_deleg_msr(p), p->nr_msr, sizeof(*e),
			    kn_msr_cmp);
	if (e)
		*value = e->value;
	rcu_read_unlock();
	return e;
}

/*
 * @p without MSR @index: a copy, or NULL if none could be had.  Under
 * rcu_read_lock(), which keeps @p.
 */
static struct kn_deleg *kn_deleg_without(const struct kn_deleg *p,
					 const struct kvm_nest_ch_msr *gone)
{
	const struct kvm_nest_ch_msr *m = kn_deleg_msr(p);
	size_t before = gone - m;
	struct kn_deleg *q;

	q = kmalloc(kn_deleg_size(sizeof(*q), p->nr_cpuid, p->nr_msr - 1),
		    GFP_ATOMIC | __GFP_ACCOUNT | __GFP_NOWARN);
	if (!q)
		return NULL;
	q->classes = p->classes;
	q->nr_cpuid = p->nr_cpuid;
	q->nr_msr = p->nr_msr - 1;
	memcpy(q->cpuid, p->cpuid, flex_array_size(p, cpuid, p->nr_cpuid));
	memcpy(kn_deleg_msr(q), m, array_size(before, sizeof(*m)));
	memcpy(kn_deleg_msr(q) + before, gone + 1,
	       array_size(p->nr_msr - 1 - before, sizeof(*m)));
	return q;
}

/* Under RCU: the policy of key @k in @xa no longer holds MSR @index. */
static void kn_deleg_msr_drop(struct xarray *xa, unsigned long k, u32 index)
{
	const struct kvm_nest_ch_msr key = { .index = index };
	const struct kvm_nest_ch_msr *e;
	struct kn_deleg *p, *q, *old;

	/* Raced with a new policy: look again, it may hold the MSR too. */
	for (;;) {
		p = xa_load(xa, k);
		if (!p || !(p->classes & KVM_NEST_DELEG_RDMSR))
			break;
		e = bsearch(&key, kn_deleg_msr(p), p->nr_msr, sizeof(*e),
			    kn_msr_cmp);
		if (!e)
			break;
		/*
		 * Without memory for a copy the whole policy goes: slower,
		 * never stale.  p cannot be freed and reused meanwhile.
		 */
		q = kn_deleg_without(p, e);
		old = xa_cmpxchg(xa, k, p, q, GFP_ATOMIC | __GFP_NOWARN);
		if (xa_is_err(old)) {
			kfree(q);
			q = NULL;
			old = xa_cmpxchg(xa, k, p, NULL, 0);
		}
		if (old == p) {
			kfree_rcu(p, rcu);
			break;
		}
		kfree(q);
	}
}

void kn_deleg_msr_written(struct kvm *vm, u64 ctx, const struct kn_inner *in,
			  u32 index)
{
	unsigned long k = in ? kn_deleg_inner_key(in) : 0;
	struct kn_doll *d;

	if (ctx & GENMASK_ULL(KN_DELEG_CTX_SHIFT - 1, 0))
		return;
	rcu_read_lock();
	d = kn_doll_vm_rcu(vm);
	if (d)
		kn_deleg_msr_drop(&d->deleg, kn_deleg_key(ctx, 0), index);
	/*
	 * Listed or not: the next entry may list it, and the value the
	 * policy holds is no more what the inner VM answers.
	 */
	if (d && k)
		kn_deleg_msr_drop(&d->deleg, k, index);
	rcu_read_unlock();
}

unsigned int kn_deleg_msrs(struct kn_doll *d, u64 ctx, u32 *idx)
{
	const struct kvm_nest_ch_msr *m;
	const struct kn_deleg *p;
	unsigned int i;

	p = xa_load(&d->deleg, kn_deleg_key(ctx, 0));
	if (!p || !(p->classes & KVM_NEST_DELEG_RDMSR))
		return 0;
	m = kn_deleg_msr(p);
	for (i = 0; i < p->nr_msr; i++)
		idx[i] = m[i].index;
	return p->nr_msr;
}

void kn_deleg_forget(struct kn_doll *vm)
{
	kn_deleg_drop_all(&vm->deleg, 0);
	kn_slots_forget(vm);
	/* A probe that found the doll before it was unlinked may add a slot. */
	if (READ_ONCE(vm->deleg_inner))
		synchronize_rcu();
	kn_slots_free(vm);
	kn_deleg_unforward(vm);
}
