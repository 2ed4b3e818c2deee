/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: the type only; acct.h declares counters, acct_code.c uses none. */
#ifndef KN_SHIM_LINUX_ATOMIC_H
#define KN_SHIM_LINUX_ATOMIC_H

typedef struct {
	long long counter;
} atomic64_t;

#endif
