// SPDX-License-Identifier: GPL-2.0-only
/* Named envelopes for dolls that do not exist yet. */
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../doll.h"
#include "pending.h"

struct kn_pending {
	struct list_head node;
	char name[KN_NAME_LEN];
	char uuid[KN_UUID_LEN];	/* libvirt domain's, "" when set by name only */
	struct pid *vmm;	/* the process that runs that domain, bound */
	struct kn_env env;
	u32 attached;		/* id of the doll that has it, or 0 */
};

static DEFINE_MUTEX(kn_pending_mutex);
static LIST_HEAD(kn_pending_list);
static unsigned int kn_pending_count;
/* Moves on every change of the list or of an envelope in it. */
static unsigned int kn_pending_gen;

/* Under kn_pending_mutex; read locklessly by a dump that starts. */
static void kn_pending_changed(void)
{
	WRITE_ONCE(kn_pending_gen, kn_pending_gen + 1);
}

static struct kn_pending *kn_pending_find(const char *name)
{
	struct kn_pending *p;

	list_for_each_entry(p, &kn_pending_list, node)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

void kn_env_pending_reserved(const char *skip, u32 *cpu, u64 *mem)
{
	struct kn_pending *p;

	*cpu = 0;
	*mem = 0;
	mutex_lock(&kn_pending_mutex);
	list_for_each_entry(p, &kn_pending_list, node) {
		/* An attached one counts as its doll's envelope. */
		if (p->attached || (skip && !strcmp(p->name, skip)))
			continue;
		*cpu += p->env.cpu_reserve;
		*mem += p->env.mem_reserve;
	}
	mutex_unlock(&kn_pending_mutex);
}

void kn_env_pending_get(const char *name, struct kn_env *env)
{
	struct kn_pending *p;

	memset(env, 0, sizeof(*env));
	mutex_lock(&kn_pending_mutex);
	p = kn_pending_find(name);
	if (p)
		*env = p->env;
	mutex_unlock(&kn_pending_mutex);
}

int kn_env_pending_put(const char *name, const char *uuid,
		       const struct kn_env *env)
{
	struct kn_pending *p;
	int err = 0;

	mutex_lock(&kn_pending_mutex);
	p = kn_pending_find(name);
	if (p && strcmp(p->uuid, uuid)) {
		/* The name went to another domain: its binding goes too. */
		err = -EBUSY;
		if (p->attached)
			goto out;
		err = 0;
		put_pid(p->vmm);
		p->vmm = NULL;
	}
	if (!p) {
		err = -ENOSPC;
		if (kn_pending_count == KN_ENV_MAX_PENDING)
			goto out;
		err = -ENOMEM;
		p = kzalloc(sizeof(*p), GFP_KERNEL);
		if (!p)
			goto out;
		strscpy(p->name, name, sizeof(p->name));
		list_add_tail(&p->node, &kn_pending_list);
		kn_pending_count++;
		err = 0;
	}
	strscpy(p->uuid, uuid, sizeof(p->uuid));
	p->env = *env;
	kn_pending_changed();
out:
	mutex_unlock(&kn_pending_mutex);
	return err;
}

int kn_env_pending_del(const char *name, const char *uuid)
{
	struct kn_pending *p;

	mutex_lock(&kn_pending_mutex);
	p = kn_pending_find(name);
	if (p && uuid[0] && strcmp(p->uuid, uuid))
		p = NULL;
	if (p) {
		list_del(&p->node);
		kn_pending_count--;
		kn_pending_changed();
	}
	mutex_unlock(&kn_pending_mutex);
	if (p)
		put_pid(p->vmm);
	kfree(p);
	return p ? 0 : -ENOENT;
}

int kn_env_pending_bind(const char *name, const char *uuid, struct pid *vmm)
{
	struct kn_pending *p;
	int err = -ENOENT;

	mutex_lock(&kn_pending_mutex);
	p = kn_pending_find(name);
	if (p) {
		err = -ESTALE;
		if (!strcmp(p->uuid, uuid)) {
			put_pid(p->vmm);
			p->vmm = get_pid(vmm);
			err = 0;
		}
	}
	mutex_unlock(&kn_pending_mutex);
	return err;
}

/* Bound to @vmm, or (no domain) named @name. */
static bool kn_pending_for(const struct kn_pending *p, const char *name,
			   struct pid *vmm)
{
	if (p->attached)
		return false;
	if (p->uuid[0])
		return p->vmm && p->vmm == vmm;
	return strcmp(name, "-") && !strcmp(p->name, name);
}

bool kn_env_pending_claim(const char *name, struct pid *vmm, u32 id,
			  struct kn_env *env, char *found, size_t len)
{
	struct kn_pending *p, *hit = NULL;

	mutex_lock(&kn_pending_mutex);
	list_for_each_entry(p, &kn_pending_list, node) {
		if (!kn_pending_for(p, name, vmm))
			continue;
		/* A binding wins over a name. */
		if (!hit || p->uuid[0])
			hit = p;
	}
	if (hit) {
		hit->attached = id;
		kn_pending_changed();
		*env = hit->env;
		strscpy(found, hit->name, len);
	}
	mutex_unlock(&kn_pending_mutex);
	return hit;
}

void kn_env_pending_release(u32 id)
{
	struct kn_pending *p;

	mutex_lock(&kn_pending_mutex);
	list_for_each_entry(p, &kn_pending_list, node)
		if (p->attached == id) {
			p->attached = 0;
			kn_pending_changed();
		}
	mutex_unlock(&kn_pending_mutex);
}

unsigned int kn_env_pending_generation(void)
{
	return READ_ONCE(kn_pending_gen);
}

int kn_env_pending_walk(unsigned long *pos, kn_pending_fn fn, void *arg)
{
	const struct kn_pending *p;
	unsigned long i = 0;
	int err = 0;

	mutex_lock(&kn_pending_mutex);
	list_for_each_entry(p, &kn_pending_list, node) {
		if (i++ < *pos)
			continue;
		err = fn(arg, p->name, p->uuid, &p->env, p->attached);
		if (err)
			break;
		*pos = i;
	}
	mutex_unlock(&kn_pending_mutex);
	return err;
}

/*
 * By now netlink, the hooks and the envelope queue are gone, so nobody
 * should race us; the list is still only touched under its lock, so that
 * a caller left over by a later change finds it locked, not freed.
 */
void kn_env_pending_exit(void)
{
	struct kn_pending *p, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&kn_pending_mutex);
	list_splice_init(&kn_pending_list, &gone);
	kn_pending_count = 0;
	mutex_unlock(&kn_pending_mutex);
	list_for_each_entry_safe(p, tmp, &gone, node) {
		put_pid(p->vmm);
		kfree(p);
	}
}
