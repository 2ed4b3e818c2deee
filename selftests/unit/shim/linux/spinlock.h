/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: a field of struct kn_doll; the tests run on one thread. */
#ifndef KN_SHIM_LINUX_SPINLOCK_H
#define KN_SHIM_LINUX_SPINLOCK_H

typedef struct {
	int locked;
} spinlock_t;

#endif
