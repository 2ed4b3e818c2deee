/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: allocation flags, which libc's allocator ignores. */
#ifndef KN_SHIM_LINUX_GFP_H
#define KN_SHIM_LINUX_GFP_H

typedef unsigned int gfp_t;

#define GFP_KERNEL	0u

#endif
