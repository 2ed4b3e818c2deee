/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: doll_id.h declares the allocator with a gfp_t. */
#ifndef KN_SHIM_LINUX_GFP_H
#define KN_SHIM_LINUX_GFP_H

typedef unsigned int gfp_t;

#endif
