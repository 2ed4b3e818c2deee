// SPDX-License-Identifier: GPL-2.0-only
/*
 * What this kernel may hand out, from its own envelope and its size:
 * apart from env.c, which reads them, so that selftests/unit can test it.
 */
#include <linux/minmax.h>

#include "room.h"

void kn_env_room_of(const struct kn_env *self, u32 cpu, u64 ram, bool below,
		    struct kn_env_room *room)
{
	room->cpu_cap = self->cpu_limit ? min(self->cpu_limit, cpu) : cpu;
	room->mem_cap = self->mem_limit ? min(self->mem_limit, ram) : ram;
	/* Below a kvm-nest parent we hand out only what it reserved for us. */
	if (below) {
		room->cpu_resv = min(self->cpu_reserve, room->cpu_cap);
		room->mem_resv = min(self->mem_reserve, room->mem_cap);
	} else {
		room->cpu_resv = room->cpu_cap;
		room->mem_resv = room->mem_cap;
	}
}
