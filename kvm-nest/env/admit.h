/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_ADMIT_H
#define KN_ENV_ADMIT_H

#include "env.h"

/*
 * Whether doll @id of this kernel (0: none yet, the pending envelope of
 * @name) may have @env.  0, or -EINVAL/-ENOSPC with the reason in @why.
 * Callers hold kn_env_mutex, so no other change races with the check.
 */
int kn_env_admit(u32 id, const char *name, const struct kn_env *env,
		 char *why, size_t len);

/* Reservations of the dolls this kernel hosts, pending ones included. */
void kn_env_reserved(u32 *cpu, u64 *mem);

#endif
