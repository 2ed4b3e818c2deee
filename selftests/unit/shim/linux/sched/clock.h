/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: the clock is the test's, so that it can move time at will. */
#ifndef KN_SHIM_LINUX_SCHED_CLOCK_H
#define KN_SHIM_LINUX_SCHED_CLOCK_H

#include <linux/types.h>

u64 local_clock(void);

#endif
