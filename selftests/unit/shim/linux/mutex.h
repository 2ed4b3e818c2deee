/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: one thread, so a mutex only records that it is held. */
#ifndef KN_SHIM_LINUX_MUTEX_H
#define KN_SHIM_LINUX_MUTEX_H

#include <assert.h>

struct mutex {
	int held;
};

#define DEFINE_MUTEX(m)		struct mutex m = { 0 }
#define mutex_lock(m)		do { assert(!(m)->held); (m)->held = 1; } while (0)
#define mutex_unlock(m)		do { assert((m)->held); (m)->held = 0; } while (0)
#define lockdep_assert_held(m)	assert((m)->held)

#endif
