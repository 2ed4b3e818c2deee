/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: single-threaded tests need no more than a plain access. */
#ifndef KN_SHIM_LINUX_COMPILER_H
#define KN_SHIM_LINUX_COMPILER_H

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#define __aligned(n)		__attribute__((__aligned__(n)))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))

#endif
