/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_OVER_H
#define KN_ENV_OVER_H

#include <linux/types.h>

struct kn_doll;

/*
 * Whether the dolls that @d's own kvm-nest reported directly inside it
 * reserve more CPU or RAM than @d's envelope does.  Under the registry
 * mutex (a kn_dolls_for_each() or kn_doll_with_*() callback).
 */
bool kn_env_overcommitted(struct kn_doll *d);
/*
 * The same for this kernel, below a kvm-nest parent: its dolls reserve
 * more than the envelope the parent last told it.
 */
bool kn_env_overcommitted_self(void);
/* After the parent told us our envelope: log when that state changes. */
void kn_env_over_told(void);

#endif
