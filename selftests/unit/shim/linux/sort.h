/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: sort() by qsort(); the files here never pass a swap function. */
#ifndef KN_SHIM_LINUX_SORT_H
#define KN_SHIM_LINUX_SORT_H

#include <stdlib.h>

static inline void sort(void *base, size_t num, size_t size,
			int (*cmp)(const void *, const void *), void *swap)
{
	(void)swap;
	qsort(base, num, size, cmp);
}

#endif
