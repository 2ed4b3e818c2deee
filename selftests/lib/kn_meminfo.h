/* SPDX-License-Identifier: GPL-2.0 */
/* Host side: the kernel's memory counters of /proc/meminfo, in bytes. */
#ifndef KN_MEMINFO_H
#define KN_MEMINFO_H

#include <stdint.h>

struct kn_meminfo {
	int64_t available, slab, unreclaimable, vmalloc, percpu;
};

/* Bails if /proc/meminfo cannot be read or lacks a field. */
void kn_meminfo_read(struct kn_meminfo *m);

#endif
