/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: one address space, so a "physical" address is the pointer. */
#ifndef KN_SHIM_LINUX_IO_H
#define KN_SHIM_LINUX_IO_H

#include <stdint.h>

#define virt_to_phys(p)	((unsigned long)(uintptr_t)(p))

#endif
