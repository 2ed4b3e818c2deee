/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: the kernel log becomes TAP comments, and is counted. */
#ifndef KN_SHIM_LINUX_PRINTK_H
#define KN_SHIM_LINUX_PRINTK_H

#include <stdio.h>

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

/* Lines logged so far and the last one's format, for tests to check. */
extern int kn_shim_log_lines;
extern const char *kn_shim_log_last;

#define kn_shim_log(fmt, ...)						\
	(kn_shim_log_lines++, kn_shim_log_last = fmt,			\
	 printf("# log: " pr_fmt(fmt), ##__VA_ARGS__))
#define pr_warn_ratelimited(fmt, ...)	kn_shim_log(fmt, ##__VA_ARGS__)
#define pr_notice_once(fmt, ...) do {					\
	static int _once;						\
	if (!_once++)							\
		kn_shim_log(fmt, ##__VA_ARGS__);			\
} while (0)

#endif
