/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_ROOM_H
#define KN_ENV_ROOM_H

#include "env_types.h"

/*
 * The caps and reservable totals of @room (not its CPU set) for a kernel
 * with @cpu milli-CPUs and @ram bytes whose own envelope is @self; @below:
 * a kvm-nest parent set @self, so only what it reserved may be reserved.
 */
void kn_env_room_of(const struct kn_env *self, u32 cpu, u64 ram, bool below,
		    struct kn_env_room *room);

#endif
