/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: one bit; bits @l to @h set, as a u64. */
#ifndef KN_SHIM_LINUX_BITS_H
#define KN_SHIM_LINUX_BITS_H

#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define GENMASK_ULL(h, l)	((~0ULL >> (63 - (h))) & (~0ULL << (l)))

#endif
