/* SPDX-License-Identifier: GPL-2.0 */
/* TAP 13 output with kselftest exit codes. */
#ifndef KN_TAP_H
#define KN_TAP_H

#include <stdbool.h>
#include <stdnoreturn.h>

#define KN_EXIT_PASS 0
#define KN_EXIT_FAIL 1
#define KN_EXIT_SKIP 4

#define KN_PRINTF(f, a) __attribute__((format(printf, f, a)))

void kn_plan(unsigned int tests);
bool kn_ok(bool pass, const char *fmt, ...) KN_PRINTF(2, 3);
void kn_skip(const char *fmt, ...) KN_PRINTF(1, 2);
void kn_diag(const char *fmt, ...) KN_PRINTF(1, 2);
/* Skip every test point not yet reported, then finish. */
noreturn void kn_skip_rest(const char *fmt, ...) KN_PRINTF(1, 2);
noreturn void kn_bail(const char *fmt, ...) KN_PRINTF(1, 2);
/* Bail out with strerror(errno) appended. */
noreturn void kn_die(const char *what);
/* Exit 1 if anything failed, 4 if everything was skipped, else 0. */
noreturn void kn_finish(void);

unsigned long kn_arg_ulong(const char *s, const char *what);

#endif
