/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: size arithmetic that saturates at SIZE_MAX instead of wrapping. */
#ifndef KN_SHIM_LINUX_OVERFLOW_H
#define KN_SHIM_LINUX_OVERFLOW_H

#include <linux/types.h>

static inline size_t size_add(size_t a, size_t b)
{
	size_t r;

	return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}

static inline size_t array_size(size_t n, size_t size)
{
	size_t r;

	return __builtin_mul_overflow(n, size, &r) ? SIZE_MAX : r;
}

/* The size of *@p with @n elements of its flexible array @member. */
#define struct_size(p, member, n) \
	size_add(sizeof(*(p)), array_size(n, sizeof((p)->member[0])))

#endif
