/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_PENDING_H
#define KN_ENV_PENDING_H

#include "env.h"

/*
 * Envelopes waiting for a doll by name (libvirt's prepare hook sets them
 * before QEMU exists).  They reserve as soon as they are set, and move to
 * the level-1 doll whose QEMU -name matches once it appears.
 */
#define KN_ENV_MAX_PENDING	64

/* Sums what pending envelopes not yet attached reserve, except @skip's. */
void kn_env_pending_reserved(const char *skip, u32 *cpu, u64 *mem);
/* Copies the named envelope (all zero if none) into @env. */
void kn_env_pending_get(const char *name, struct kn_env *env);
int kn_env_pending_put(const char *name, const struct kn_env *env);
int kn_env_pending_del(const char *name);
/* The pending envelope of @name, if any, marked as attached to doll @id. */
bool kn_env_pending_claim(const char *name, u32 id, struct kn_env *env);
/* Doll @id is gone: its named envelope reserves again until deleted. */
void kn_env_pending_release(u32 id);
void kn_env_pending_exit(void);

#endif
