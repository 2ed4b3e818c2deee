// SPDX-License-Identifier: GPL-2.0-only
/*
 * The doll registry, and nothing else: what a VM's coming and going
 * means to envelopes, the channel and delegation is lifecycle.c's, the
 * merging of a child's report doll_report.c's, and what was measured of
 * reported dolls doll_measure.c's.
 *
 * Level-1 dolls are created when KVM creates a VM; those of VMs that
 * predate the module when it attaches, or on their first nested exit.
 * Level-2 dolls are created on the first exit of a nested context.  The
 * exit path only ever reads under RCU and inserts under a spinlock; dolls
 * are freed only when their VM dies, under the registry mutex that readers
 * also hold.  A doll's id is published once the doll is in place and
 * released, under the mutex, before it goes.
 */
#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "doll.h"
#include "doll_totals.h"
#include "event.h"
#include "kvm/ops.h"
#include "vmm.h"

static DEFINE_MUTEX(kn_dolls_mutex);
static DEFINE_SPINLOCK(kn_vms_lock);	/* kn_vms, kn_vm_list */
static DEFINE_HASHTABLE(kn_vms, 6);
static LIST_HEAD(kn_vm_list);
static atomic_t kn_generation = ATOMIC_INIT(0);

/* Level-1 dolls also sit on kn_vm_list, in creation order, for readers. */
struct kn_vm_doll {
	struct kn_doll doll;
	struct list_head list;
	struct work_struct identify;
	struct pid *vmm;	/* held while identify is pending */
};

static struct kn_vm_doll *to_vm_doll(struct kn_doll *d)
{
	return container_of(d, struct kn_vm_doll, doll);
}

static struct kn_doll *kn_vm_find(struct kvm *vm)
{
	struct kn_doll *d;

	hash_for_each_possible_rcu(kn_vms, d, vm_node, (unsigned long)vm)
		if (d->vm == vm)
			return d;
	return NULL;
}

static void kn_doll_init(struct kn_doll *d, u8 level, pid_t pid,
			 const char *name)
{
	d->level = level;
	d->pid = pid;
	strscpy(d->name, name, sizeof(d->name));
}

/* A VM that predates the module gets its name later, in process context. */
static void kn_vm_identify_work(struct work_struct *work)
{
	struct kn_vm_doll *vd = container_of(work, struct kn_vm_doll, identify);
	struct task_struct *task = get_pid_task(vd->vmm, PIDTYPE_TGID);
	char name[KN_NAME_LEN];
	int err = -ESRCH;

	if (task) {
		err = kn_vmm_name(task, name, sizeof(name));
		put_task_struct(task);
	}
	if (err)
		return;
	mutex_lock(&kn_dolls_mutex);
	strscpy(vd->doll.name, name, sizeof(vd->doll.name));
	mutex_unlock(&kn_dolls_mutex);
}

/* Returns the VM's doll, and whether this call created it. */
static struct kn_doll *kn_vm_add(struct kvm *vm, const char *name,
				 struct task_struct *vmm, gfp_t gfp,
				 bool *created)
{
	struct kn_vm_doll *vd;
	struct kn_doll *d, *old;
	unsigned long flags;

	vd = kzalloc(sizeof(*vd), gfp);
	if (!vd)
		return NULL;
	d = &vd->doll;
	if (kn_id_reserve(&d->id, gfp)) {
		kfree(vd);
		return NULL;
	}
	kn_doll_init(d, 1, vmm->tgid, name);
	/* With the pid, who the VMM is: /proc/PID/stat's starttime. */
	d->pid_start = vmm->group_leader->start_boottime;
	d->kind = KN_DOLL_VM;
	d->vm = vm;
	spin_lock_init(&d->lock);
	INIT_LIST_HEAD(&d->children);
	INIT_LIST_HEAD(&d->reported);
	INIT_LIST_HEAD(&d->requests);
	xa_init(&d->deleg);
	xa_init(&d->deleg_ctx_off);
	xa_init(&d->deleg_slot_at);
	xa_init(&d->deleg_slots);
	INIT_WORK(&vd->identify, kn_vm_identify_work);
	kn_doll_totals_born(d);

	spin_lock_irqsave(&kn_vms_lock, flags);
	old = kn_vm_find(vm);
	if (!old) {
		hash_add_rcu(kn_vms, &d->vm_node, (unsigned long)vm);
		list_add_tail_rcu(&vd->list, &kn_vm_list);
		kn_id_publish(d->id, d);
	}
	spin_unlock_irqrestore(&kn_vms_lock, flags);
	*created = !old;
	if (old) {
		kn_id_release(d->id);
		kfree(vd);
		return old;
	}
	atomic_inc(&kn_generation);
	kn_event_doll(d, KN_EVENT_NEW);
	return d;
}

struct kn_doll *kn_doll_vm_add(struct kvm *vm, const char *name)
{
	struct kn_doll *d;
	bool created;

	d = kn_vm_add(vm, name, current, GFP_KERNEL_ACCOUNT, &created);
	if (!d)
		return ERR_PTR(-ENOMEM);
	return created ? d : ERR_PTR(-EEXIST);
}

/* Named later, in process context, like one found on its first exit. */
static void kn_vm_identify_later(struct kn_doll *d, struct task_struct *vmm)
{
	to_vm_doll(d)->vmm = get_pid(task_tgid(vmm));
	schedule_work(&to_vm_doll(d)->identify);
}

void kn_doll_vm_found(struct kvm *vm, struct task_struct *vmm)
{
	struct kn_doll *d;
	bool created;

	d = kn_vm_add(vm, "-", vmm, GFP_KERNEL_ACCOUNT, &created);
	if (d && created)
		kn_vm_identify_later(d, vmm);
}

static void kn_vm_free_rcu(struct rcu_head *rcu)
{
	struct kn_doll *d = container_of(rcu, struct kn_doll, rcu);
	struct kn_doll *child, *tmp;

	list_for_each_entry_safe(child, tmp, &d->children, child_node)
		kfree(child);
	list_for_each_entry_safe(child, tmp, &d->reported, rep_node)
		kfree(child);
	/* lifecycle.c emptied it; its nodes remain. */
	xa_destroy(&d->deleg);
	xa_destroy(&d->deleg_ctx_off);
	xa_destroy(&d->deleg_slot_at);
	xa_destroy(&d->deleg_slots);
	kfree(to_vm_doll(d));
}

/* Readers hold the mutex, so once it is dropped nobody can see @d. */
static void kn_vm_unlink(struct kn_doll *d)
{
	struct kn_doll *c;
	unsigned long flags;

	lockdep_assert_held(&kn_dolls_mutex);
	spin_lock_irqsave(&kn_vms_lock, flags);
	hash_del_rcu(&d->vm_node);
	list_del_rcu(&to_vm_doll(d)->list);
	kn_id_release(d->id);
	spin_unlock_irqrestore(&kn_vms_lock, flags);
	kn_doll_exit_forget(d);

	spin_lock_irqsave(&d->lock, flags);
	d->dead = true;
	spin_unlock_irqrestore(&d->lock, flags);
	/* Dead: no child joins any more. */
	list_for_each_entry(c, &d->children, child_node)
		kn_id_release(c->id);
	list_for_each_entry(c, &d->reported, rep_node)
		kn_id_release(c->id);
	atomic_inc(&kn_generation);
	kn_event_doll(d, KN_EVENT_DEL);
}

struct kn_doll *kn_doll_vm_unlink(struct kvm *vm)
{
	struct kn_vm_doll *vd;
	struct kn_doll *d;

	lockdep_assert_held(&kn_dolls_mutex);
	rcu_read_lock();
	if (vm) {
		d = kn_vm_find(vm);
	} else {
		vd = list_first_or_null_rcu(&kn_vm_list, struct kn_vm_doll,
					    list);
		d = vd ? &vd->doll : NULL;
	}
	rcu_read_unlock();
	/*
	 * A VM being destroyed is still whole; at unload (@vm NULL) it may
	 * be gone already, unseen by the detached hooks: not read then.
	 */
	if (d && vm)
		kn_doll_totals_depart(d);
	if (d)
		kn_vm_unlink(d);
	return d;
}

/* The identify work takes the mutex, so it is cancelled outside of it. */
void kn_doll_vm_free(struct kn_doll *d)
{
	lockdep_assert_not_held(&kn_dolls_mutex);
	cancel_work_sync(&to_vm_doll(d)->identify);
	put_pid(to_vm_doll(d)->vmm);
	call_rcu(&d->rcu, kn_vm_free_rcu);
}

void kn_dolls_lock(void)
{
	mutex_lock(&kn_dolls_mutex);
}

void kn_dolls_unlock(void)
{
	mutex_unlock(&kn_dolls_mutex);
}

void kn_dolls_assert_locked(void)
{
	lockdep_assert_held(&kn_dolls_mutex);
}

void kn_dolls_changed(void)
{
	lockdep_assert_held(&kn_dolls_mutex);
	atomic_inc(&kn_generation);
}

struct kn_doll *kn_doll_vm_locked(struct kvm *vm)
{
	struct kn_doll *d;

	lockdep_assert_held(&kn_dolls_mutex);
	rcu_read_lock();
	d = kn_vm_find(vm);
	rcu_read_unlock();
	return d;
}

struct kn_doll *kn_doll_vm_get_rcu(struct kvm *vm)
{
	struct kn_doll *d = kn_vm_find(vm);
	bool created;

	if (likely(d))
		return d;
	d = kn_vm_add(vm, "-", current, GFP_ATOMIC | __GFP_NOWARN, &created);
	if (d && created)
		kn_vm_identify_later(d, current);
	return d;
}

struct kn_doll *kn_doll_child_find_rcu(struct kn_doll *vm, u64 ctx)
{
	struct kn_doll *c;

	list_for_each_entry_rcu(c, &vm->children, child_node)
		if (c->ctx == ctx)
			return c;
	return NULL;
}

struct kn_doll *kn_doll_child_get_rcu(struct kn_doll *vm, u64 ctx)
{
	struct kn_doll *c, *found;
	unsigned long flags;

	c = kn_doll_child_find_rcu(vm, ctx);
	if (likely(c))
		return c;
	if (READ_ONCE(vm->nr_children) >= KN_MAX_CHILDREN) {
		ctx = KN_CTX_OVERFLOW;
		c = kn_doll_child_find_rcu(vm, ctx);
		if (c)
			return c;
	}

	c = kzalloc(sizeof(*c), GFP_ATOMIC | __GFP_NOWARN);
	if (!c)
		return NULL;
	if (kn_id_reserve(&c->id, GFP_ATOMIC | __GFP_NOWARN)) {
		kfree(c);
		return NULL;
	}
	kn_doll_init(c, 2, vm->pid, "-");
	c->kind = KN_DOLL_CTX;
	c->parent = vm;
	c->ctx = ctx;
	c->exit_level = 2;

	spin_lock_irqsave(&vm->lock, flags);
	found = kn_doll_child_find_rcu(vm, ctx);
	if (!found && !vm->dead) {
		list_add_tail_rcu(&c->child_node, &vm->children);
		vm->nr_children++;
		kn_id_publish(c->id, c);
		found = c;
		c = NULL;
	}
	spin_unlock_irqrestore(&vm->lock, flags);
	if (!c) {
		atomic_inc(&kn_generation);
		kn_event_doll(found, KN_EVENT_NEW);
		return found;
	}
	kn_id_release(c->id);
	kfree(c);
	return found;
}

struct kn_doll *kn_doll_vm_find_rcu(struct kvm *vm)
{
	return kn_vm_find(vm);
}

int kn_dolls_for_each(kn_doll_fn fn, void *arg)
{
	struct kn_vm_doll *vd;
	struct kn_doll *c;
	int ret = 0;

	mutex_lock(&kn_dolls_mutex);
	rcu_read_lock();
	list_for_each_entry_rcu(vd, &kn_vm_list, list) {
		ret = fn(&vd->doll, arg);
		if (ret)
			goto out;
		list_for_each_entry_rcu(c, &vd->doll.children, child_node) {
			ret = fn(c, arg);
			if (ret)
				goto out;
		}
		list_for_each_entry(c, &vd->doll.reported, rep_node) {
			ret = fn(c, arg);
			if (ret)
				goto out;
		}
	}
out:
	rcu_read_unlock();
	mutex_unlock(&kn_dolls_mutex);
	return ret;
}

int kn_doll_with_id(u32 id, unsigned int kinds, kn_doll_fn fn, void *arg)
{
	struct kn_doll *d;
	int ret = -ENOENT;

	mutex_lock(&kn_dolls_mutex);
	rcu_read_lock();
	d = kn_id_find(id);
	if (d)
		ret = kinds & BIT(d->kind) ? fn(d, arg) : -EMEDIUMTYPE;
	rcu_read_unlock();
	mutex_unlock(&kn_dolls_mutex);
	return ret;
}

int kn_doll_with_vm(struct kvm *vm, kn_doll_fn fn, void *arg)
{
	struct kn_doll *d;
	int ret = -ENOENT;

	mutex_lock(&kn_dolls_mutex);
	rcu_read_lock();
	d = kn_vm_find(vm);
	rcu_read_unlock();
	if (d)
		ret = fn(d, arg);
	mutex_unlock(&kn_dolls_mutex);
	return ret;
}

unsigned int kn_dolls_generation(void)
{
	return atomic_read(&kn_generation);
}

void kn_doll_path(const struct kn_doll *d, char *buf, size_t len)
{
	int n;

	if (!d->parent) {
		snprintf(buf, len, "%u", d->id);
		return;
	}
	kn_doll_path(d->parent, buf, len);
	n = strlen(buf);
	snprintf(buf + n, len - n, "/%u", d->id);
}

static int kn_doll_count(struct kn_doll *d, void *arg)
{
	unsigned int *dolls = arg;
	unsigned int level = d->kind == KN_DOLL_CTX ? d->exit_level : d->level;

	/* Reported dolls go deeper than the levels this kernel counts. */
	if (level <= KN_MAX_LEVEL)
		dolls[level - 1]++;
	return 0;
}

void kn_dolls_count(unsigned int dolls[KN_MAX_LEVEL])
{
	memset(dolls, 0, sizeof(*dolls) * KN_MAX_LEVEL);
	kn_dolls_for_each(kn_doll_count, dolls);
}

void kn_doll_reset(struct kn_doll *d)
{
	unsigned int i;

	for (i = 0; i < KN_NR_CODES; i++)
		atomic64_set(&d->acct.exits[i], 0);
	atomic64_set(&d->acct.guest_ns, 0);
	atomic64_set(&d->acct.reflected, 0);
	if (d->kind == KN_DOLL_VM)
		kn_doll_totals_reset(d);
}

struct kn_doll *kn_doll_vm_of(struct kn_doll *d)
{
	while (d->kind != KN_DOLL_VM)
		d = d->parent;
	return d;
}

int kn_doll_channel(struct kvm *vm, int (*fn)(struct kn_channel *ch, void *arg),
		    void *arg)
{
	unsigned long flags;
	struct kn_doll *d;
	int ret = -ENOENT;

	rcu_read_lock();
	d = kn_vm_find(vm);
	if (d) {
		spin_lock_irqsave(&d->lock, flags);
		ret = fn(&d->ch, arg);
		spin_unlock_irqrestore(&d->lock, flags);
	}
	rcu_read_unlock();
	return ret;
}
