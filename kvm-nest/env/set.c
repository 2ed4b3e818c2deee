// SPDX-License-Identifier: GPL-2.0-only
/*
 * Changing envelopes of this kernel's dolls.  One change at a time: the
 * check, the agent's enforcement and the commit happen under one mutex,
 * so a change is all or nothing and no two admissions race.
 */
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "../doll.h"
#include "../event.h"
#include "admit.h"
#include "agent.h"
#include "pending.h"
#include "set.h"

static DEFINE_MUTEX(kn_env_mutex);
static struct workqueue_struct *kn_env_wq;

/* A VM of this kernel: its pid is the VMM's, not a value a guest reported. */
struct kn_env_target {
	pid_t pid;
	u64 pid_start;
	char name[KN_NAME_LEN];
	struct kn_env env;
};

static int kn_env_target_fill(struct kn_doll *d, void *arg)
{
	struct kn_env_target *t = arg;

	t->pid = d->pid;
	t->pid_start = d->pid_start;
	strscpy(t->name, d->name, sizeof(t->name));
	t->env = d->env;
	return 0;
}

static int kn_env_commit(struct kn_doll *d, void *arg)
{
	kn_dolls_assert_locked();
	d->env = *(struct kn_env *)arg;
	kn_event_doll(d, KN_EVENT_ENV);
	return 0;
}

/*
 * Refusals go on the events group too, whoever asked (netlink, a parent
 * down the channel, a pending envelope attaching): an admin who watches
 * sees what a libvirt hook or another tool was refused.  A dry run
 * changes nothing, so it is not reported; nor is a wait that was killed.
 */
static void kn_env_refused(u32 id, pid_t pid, const char *name,
			   const char *uuid, const struct kn_env *env, bool dry,
			   int err, const char *why)
{
	struct kn_refusal r = {
		.id = id, .pid = pid, .name = name, .uuid = uuid, .env = env,
		.err = err, .why = why,
	};

	if (!dry && why[0])
		kn_event_refused(&r);
}

/* Check, then have the agent enforce, then record: called with the mutex. */
static int kn_env_apply(u32 id, const struct kn_env_target *t,
			const struct kn_env *env, bool dry, char *why,
			size_t len)
{
	struct kn_agent_req req = {
		.id = id, .pid = t->pid, .pid_start = t->pid_start,
		.name = t->name, .env = env,
	};
	int err;

	err = kn_env_admit(id, NULL, env, why, len);
	if (!err && !dry)
		err = kn_agent_apply(&req, why, len);
	if (err) {
		kn_env_refused(id, t->pid, t->name, "", env, dry, err, why);
		return err;
	}
	if (dry)
		return 0;
	/* The doll may have died meanwhile; then there is nothing to keep. */
	kn_doll_with_id(id, KN_KIND_VM, kn_env_commit, (void *)env);
	return 0;
}

int kn_env_set_local(u32 id, const struct kn_env_change *c, bool reset,
		     bool dry, char *why, size_t len)
{
	struct kn_env_target t;
	struct kn_env env;
	int err;

	if (mutex_lock_killable(&kn_env_mutex))
		return -EINTR;
	err = kn_doll_with_id(id, KN_KIND_VM, kn_env_target_fill, &t);
	if (err == -EMEDIUMTYPE) {
		scnprintf(why, len, "doll %u is not a VM of this kernel", id);
		err = -EINVAL;
		goto out;
	}
	if (err) {
		scnprintf(why, len, "no doll %u here", id);
		goto out;
	}
	env = t.env;
	if (reset)
		memset(&env, 0, sizeof(env));
	else
		kn_env_merge(&env, c);
	err = kn_env_apply(id, &t, &env, dry, why, len);
out:
	mutex_unlock(&kn_env_mutex);
	return err;
}

struct kn_env_by_name {
	const char *name;
	u32 id;
};

static int kn_env_find_name(struct kn_doll *d, void *arg)
{
	struct kn_env_by_name *n = arg;

	if (d->kind != KN_DOLL_VM || strcmp(d->name, n->name))
		return 0;
	n->id = d->id;
	return 1;
}

int kn_env_set_pending(const char *name, const char *uuid,
		       const struct kn_env_change *c, bool dry, char *why,
		       size_t len)
{
	struct kn_env_by_name n = { .name = name };
	struct kn_env env;
	int err;

	if (mutex_lock_killable(&kn_env_mutex))
		return -EINTR;
	kn_env_pending_get(name, &env);
	kn_env_merge(&env, c);
	/* A domain's envelope never goes by name: nor does a VM's name refuse it. */
	if (!uuid[0])
		kn_dolls_for_each(kn_env_find_name, &n);
	err = -EEXIST;
	if (n.id) {
		scnprintf(why, len, "doll %u named '%s' runs already; set its envelope by id",
			  n.id, name);
		goto out;
	}
	err = kn_env_admit(0, name, &env, why, len);
	if (err || dry)
		goto out;
	err = kn_env_pending_put(name, uuid, &env);
	if (err == -ENOSPC)
		scnprintf(why, len, "already %u pending envelopes; delete unused ones",
			  KN_ENV_MAX_PENDING);
	else if (err == -EBUSY)
		scnprintf(why, len, "envelope '%s' is another domain's, which runs; stop it first",
			  name);
out:
	if (err)
		kn_env_refused(0, 0, name, uuid, &env, dry, err, why);
	mutex_unlock(&kn_env_mutex);
	return err;
}

/* Attaching a pending envelope waits for the agent: not in KVM's path. */
struct kn_env_born {
	struct work_struct work;
	u32 id;
	struct pid *vmm;	/* the process that created the VM */
	char name[KN_NAME_LEN];
};

static void kn_env_born_fn(struct work_struct *work)
{
	struct kn_env_born *b = container_of(work, struct kn_env_born, work);
	char why[KN_ENV_WHY_LEN], name[KN_NAME_LEN];
	struct kn_env_target t;
	struct kn_env env;
	int err;

	mutex_lock(&kn_env_mutex);
	/* Still the VM that was born, and no other doll since. */
	if (kn_doll_with_id(b->id, KN_KIND_VM, kn_env_target_fill, &t) ||
	    strcmp(t.name, b->name) ||
	    !kn_env_pending_claim(b->name, b->vmm, b->id, &env, name,
				  sizeof(name)))
		goto out;
	/* It was admitted when it was set, so it fits: only enforce it. */
	err = kn_env_apply(b->id, &t, &env, false, why, sizeof(why));
	/* Unenforced, it still reserves, as the pending envelope it stays. */
	if (err) {
		kn_env_pending_release(b->id);
		pr_warn_ratelimited("kvm_nest: doll %u '%s' runs without its envelope: %s (%d)\n",
				    b->id, name, why, err);
	}
out:
	mutex_unlock(&kn_env_mutex);
	put_pid(b->vmm);
	kfree(b);
}

static void kn_env_born_queue(u32 id, struct pid *vmm, const char *name)
{
	struct kn_env_born *b;

	if (!kn_env_wq)
		return;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return;
	INIT_WORK(&b->work, kn_env_born_fn);
	b->id = id;
	b->vmm = get_pid(vmm);
	strscpy(b->name, name, sizeof(b->name));
	queue_work(kn_env_wq, &b->work);
}

/* Called by the VM's creator: its thread group is the VMM. */
void kn_env_vm_born(u32 id, const char *name)
{
	kn_env_born_queue(id, task_tgid(current), name);
}

struct kn_env_by_vmm {
	pid_t pid;
	u64 start;
	u32 id;
	char name[KN_NAME_LEN];
};

static int kn_env_find_vmm(struct kn_doll *d, void *arg)
{
	struct kn_env_by_vmm *v = arg;

	if (d->kind != KN_DOLL_VM || d->pid != v->pid ||
	    d->pid_start != v->start)
		return 0;
	v->id = d->id;
	strscpy(v->name, d->name, sizeof(v->name));
	return 1;
}

int kn_env_bind(const char *name, const char *uuid, pid_t nr, char *why,
		size_t len)
{
	struct kn_env_by_vmm v = {};
	struct task_struct *task;
	struct pid *vmm;
	int err;

	vmm = find_get_pid(nr);
	task = vmm ? get_pid_task(vmm, PIDTYPE_TGID) : NULL;
	if (!task) {
		put_pid(vmm);
		scnprintf(why, len, "no process %d", nr);
		return -ESRCH;
	}
	/* Dolls record the pid as the initial namespace numbers it. */
	v.pid = pid_nr(vmm);
	v.start = task->group_leader->start_boottime;
	put_task_struct(task);
	if (mutex_lock_killable(&kn_env_mutex)) {
		put_pid(vmm);
		return -EINTR;
	}
	err = kn_env_pending_bind(name, uuid, vmm);
	if (err == -ENOENT)
		scnprintf(why, len, "no pending envelope named '%s'", name);
	else if (err == -ESTALE)
		scnprintf(why, len, "the pending envelope named '%s' is not domain %s's",
			  name, uuid);
	/* Bound late: the VM may be there already. */
	if (!err && kn_dolls_for_each(kn_env_find_vmm, &v) && v.id)
		kn_env_born_queue(v.id, vmm, v.name);
	mutex_unlock(&kn_env_mutex);
	put_pid(vmm);
	return err;
}

void kn_env_vm_gone(u32 id)
{
	kn_env_pending_release(id);
}

int kn_env_init(void)
{
	kn_env_wq = alloc_workqueue("kvm_nest_env", 0, 0);
	return kn_env_wq ? 0 : -ENOMEM;
}

/* After the hooks are gone: no doll is born any more. */
void kn_env_exit(void)
{
	destroy_workqueue(kn_env_wq);
	kn_env_pending_exit();
}
