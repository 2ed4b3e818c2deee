/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: test_bit on an array of longs, as the kernel lays bitmaps out. */
#ifndef KN_SHIM_LINUX_BITOPS_H
#define KN_SHIM_LINUX_BITOPS_H

#include <limits.h>
#include <stdbool.h>

#define BITS_PER_LONG		((int)(sizeof(long) * CHAR_BIT))
#define BITS_TO_LONGS(n)	(((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

static inline bool test_bit(unsigned int nr, const unsigned long *addr)
{
	return addr[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG) & 1;
}

#endif
