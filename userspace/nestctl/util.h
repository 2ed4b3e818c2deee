/* SPDX-License-Identifier: GPL-2.0-only */
/* Small helpers: keywords, numbers, messages, memory, time. */
#ifndef NC_UTIL_H
#define NC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes, documented in nestctl.8. */
enum { NC_OK = 0, NC_ERR = 1, NC_USAGE = 2 };

#define NC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NC_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Keywords match in full; only objects and commands by prefix (match.h). */
bool nc_is(const char *arg, const char *keyword);

/* Decimal digits only, no sign, no spaces; false otherwise. */
bool nc_parse_u32(const char *s, uint32_t *v);
/* "2", "0.5", "1.25": seconds, at most 3 decimals, up to max_s. */
bool nc_parse_seconds(const char *s, unsigned int max_s, unsigned int *ms);

/* "Error: ..." on stderr; return NC_ERR. */
/* From now on errors start "Error: FILE:LINE: " (batch mode); NULL: not. */
void nc_error_at(const char *file, unsigned long line);
/* From now on errors start "Error: WHERE: " (a place in a file); NULL: not. */
void nc_error_in(const char *where);
/* What every error line starts with. */
void nc_error_start(void);
int nc_error(const char *fmt, ...) NC_PRINTF(1, 2);
/* "Error: ...; try "nestctl OBJECT help"." on stderr; return NC_USAGE. */
int nc_usage_error(const char *object, const char *fmt, ...) NC_PRINTF(2, 3);
/* The common usage error: an argument that fits nowhere. */
int nc_unknown_arg(const char *object, const char *arg);

/* Memory: out of memory ends the program with an error (exit 1). */
void *nc_xrealloc(void *p, size_t n, size_t size);
void *nc_xcalloc(size_t n, size_t size);
char *nc_xstrdup(const char *s);
/* Room for one more element in a growing array of *cap elements. */
void *nc_grow(void *v, size_t *cap, size_t n, size_t size);

/* Monotonic milliseconds. */
uint64_t nc_now_ms(void);

#endif
