/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_SET_H
#define KN_ENV_SET_H

#include "env.h"

/* Change the envelope of level-1 doll @id of this kernel: check, enforce, commit. */
int kn_env_set_local(u32 id, const struct kn_env_change *c, bool reset,
		     bool dry, char *why, size_t len);
/*
 * The same for a doll known only by name, which does not run yet; @uuid
 * (not "") makes it libvirt domain @uuid's, which only kn_env_bind()
 * hands to a VM.
 */
int kn_env_set_pending(const char *name, const char *uuid,
		       const struct kn_env_change *c, bool dry, char *why,
		       size_t len);
/* Domain @uuid's pending envelope @name goes to the VM process @pid creates. */
int kn_env_bind(const char *name, const char *uuid, pid_t pid, char *why,
		size_t len);
/* A level-1 doll appeared: give it its pending envelope, if any. */
void kn_env_vm_born(u32 id, const char *name);
void kn_env_vm_gone(u32 id);
int kn_env_init(void);
void kn_env_exit(void);

#endif
