/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: bits @l to @h set, as a u64. */
#ifndef KN_SHIM_LINUX_BITS_H
#define KN_SHIM_LINUX_BITS_H

#define GENMASK_ULL(h, l)	((~0ULL >> (63 - (h))) & (~0ULL << (l)))

#endif
