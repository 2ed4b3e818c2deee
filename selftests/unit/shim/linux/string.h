/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: memset and friends, and kmemdup on malloc. */
#ifndef KN_SHIM_LINUX_STRING_H
#define KN_SHIM_LINUX_STRING_H

#include <stdlib.h>
#include <string.h>

static inline void *kmemdup(const void *src, size_t len, unsigned int gfp)
{
	void *p = malloc(len);

	(void)gfp;
	return p ? memcpy(p, src, len) : NULL;
}

#endif
