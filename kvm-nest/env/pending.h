/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_PENDING_H
#define KN_ENV_PENDING_H

#include "env.h"

struct pid;

/*
 * Envelopes waiting for a doll by name (libvirt's prepare hook sets them
 * before QEMU exists).  They reserve as soon as they are set.  One set
 * without a uuid moves to the level-1 doll whose QEMU -name matches once
 * it appears.  One set for a libvirt domain (its uuid) never goes by
 * name: it waits until it is bound to the process libvirt starts for that
 * domain, and moves to the VM that process creates.
 */
#define KN_ENV_MAX_PENDING	64
/* A uuid as text, 8-4-4-4-12 hex digits, and its NUL. */
#define KN_UUID_LEN		37

/* Sums what pending envelopes not yet attached reserve, except @skip's. */
void kn_env_pending_reserved(const char *skip, u32 *cpu, u64 *mem);
/* Copies the named envelope (all zero if none) into @env. */
void kn_env_pending_get(const char *name, struct kn_env *env);
/*
 * Sets the named envelope, for libvirt domain @uuid ("" none).  -EBUSY if
 * it is attached to a running doll of another domain.
 */
int kn_env_pending_put(const char *name, const char *uuid,
		       const struct kn_env *env);
/* Drops it; with a @uuid (not "") only if it is that domain's. */
int kn_env_pending_del(const char *name, const char *uuid);
/*
 * The envelope of domain @uuid goes to the VM that process @vmm creates.
 * -ENOENT: no such envelope; -ESTALE: it is another domain's.
 */
int kn_env_pending_bind(const char *name, const char *uuid, struct pid *vmm);
/*
 * The pending envelope for a VM that @vmm created and QEMU -name @name
 * (bound to @vmm, else unbound and named so), marked as attached to doll
 * @id; its name in @found.
 */
bool kn_env_pending_claim(const char *name, struct pid *vmm, u32 id,
			  struct kn_env *env, char *found, size_t len);
/* Doll @id is gone: its named envelope reserves again until deleted. */
void kn_env_pending_release(u32 id);
void kn_env_pending_exit(void);

/* One named envelope as a walk sees it; @attached: its doll's id, or 0. */
typedef int (*kn_pending_fn)(void *arg, const char *name, const char *uuid,
			     const struct kn_env *env, u32 attached);
/*
 * Calls @fn on each named envelope from the *@pos-th on, under the list's
 * lock (@fn must not sleep on it), until @fn returns non-zero; *@pos counts
 * those done, for a walk to resume.
 */
int kn_env_pending_walk(unsigned long *pos, kn_pending_fn fn, void *arg);
/* Changes whenever a walk could see something else. */
unsigned int kn_env_pending_generation(void);

#endif
