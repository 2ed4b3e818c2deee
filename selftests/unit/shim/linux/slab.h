/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: the kernel's allocator on libc's; the sanitizer finds leaks. */
#ifndef KN_SHIM_LINUX_SLAB_H
#define KN_SHIM_LINUX_SLAB_H

#include <stdlib.h>
#include <linux/gfp.h>

#define kmalloc(size, gfp)	((void)(gfp), malloc(size))
#define kzalloc(size, gfp)	((void)(gfp), calloc(1, size))
#define kfree(p)		free(p)

#endif
