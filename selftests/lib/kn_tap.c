// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kn_tap.h"

static struct {
	bool header;
	bool planned;
	unsigned int plan, done, passed, failed, skipped;
} tap;

static void header(void)
{
	if (tap.header)
		return;
	/* Line-buffered, so a test killed by a timeout still shows its progress. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	tap.header = true;
}

void kn_plan(unsigned int tests)
{
	header();
	printf("1..%u\n", tests);
	tap.plan = tests;
	tap.planned = true;
}

static void point(const char *verdict, const char *directive, const char *fmt,
		  va_list ap)
{
	header();
	printf("%s %u %s", verdict, ++tap.done, directive);
	vprintf(fmt, ap);
	putchar('\n');
}

bool kn_ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	point(pass ? "ok" : "not ok", "- ", fmt, ap);
	va_end(ap);
	if (pass)
		tap.passed++;
	else
		tap.failed++;
	return pass;
}

static void vskip(const char *fmt, va_list ap)
{
	point("ok", "# SKIP ", fmt, ap);
	tap.skipped++;
}

void kn_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vskip(fmt, ap);
	va_end(ap);
}

void kn_diag(const char *fmt, ...)
{
	va_list ap;

	header();
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

noreturn void kn_skip_rest(const char *fmt, ...)
{
	va_list ap;

	if (!tap.planned) {
		header();
		printf("1..0 # SKIP ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
		exit(KN_EXIT_SKIP);
	}
	while (tap.done < tap.plan) {
		va_start(ap, fmt);
		vskip(fmt, ap);
		va_end(ap);
	}
	kn_finish();
}

noreturn void kn_bail(const char *fmt, ...)
{
	va_list ap;

	header();
	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	exit(KN_EXIT_FAIL);
}

noreturn void kn_die(const char *what)
{
	kn_bail("%s: %s", what, strerror(errno));
}

noreturn void kn_finish(void)
{
	/* kselftest's summary line; the in-host runner reads it. */
	printf("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
	       tap.passed, tap.failed, tap.skipped);
	if (tap.planned && tap.done != tap.plan) {
		kn_diag("planned %u test(s) but ran %u", tap.plan, tap.done);
		exit(KN_EXIT_FAIL);
	}
	if (tap.failed)
		exit(KN_EXIT_FAIL);
	exit(tap.passed ? KN_EXIT_PASS : KN_EXIT_SKIP);
}

unsigned long kn_arg_ulong(const char *s, const char *what)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		kn_bail("bad %s: '%s'", what, s);
	return v;
}
