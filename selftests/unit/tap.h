/* SPDX-License-Identifier: GPL-2.0-only */
/* TAP 13 for the unit tests: a plan, one line per check, exit 0 or 1. */
#ifndef KN_UNIT_TAP_H
#define KN_UNIT_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static inline void tap_plan(int n)
{
	printf("TAP version 13\n1..%d\n", n);
}

static inline __attribute__((format(printf, 2, 3)))
int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	tap_failed += !cond;
	return cond;
}

/* The exit status: a wrong count of checks fails too. */
static inline int tap_done(int planned)
{
	if (tap_n != planned) {
		printf("# planned %d checks, ran %d\n", planned, tap_n);
		return 1;
	}
	return tap_failed ? 1 : 0;
}

#endif
