/* SPDX-License-Identifier: GPL-2.0 */
/* Host side: a monotonic clock in nanoseconds. */
#ifndef KN_TIME_H
#define KN_TIME_H

#include <stdint.h>
#include <time.h>

#define KN_NSEC		1000000000UL

static inline uint64_t kn_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * KN_NSEC + (uint64_t)ts.tv_nsec;
}

#endif
