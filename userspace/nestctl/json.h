/* SPDX-License-Identifier: GPL-2.0-only */
/* A streaming JSON writer: separators, indentation and string escapes. */
#ifndef NC_JSON_H
#define NC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Deeper than anything nestctl prints; deeper values are refused. */
#define NC_JSON_MAX_DEPTH 32

struct nc_json {
	FILE *out;
	bool pretty;
	unsigned int depth;
	bool has_member[NC_JSON_MAX_DEPTH + 1];
};

void nc_json_init(struct nc_json *j, FILE *out, bool pretty);
/* key is NULL inside arrays and at the top; open takes '{' or '['. */
bool nc_json_open(struct nc_json *j, const char *key, char bracket);
void nc_json_close(struct nc_json *j, char bracket);
void nc_json_uint(struct nc_json *j, const char *key, uint64_t v);
void nc_json_str(struct nc_json *j, const char *key, const char *s);
void nc_json_null(struct nc_json *j, const char *key);
/* A number with three decimals: 1500 -> 1.500. */
void nc_json_milli(struct nc_json *j, const char *key, uint64_t milli);
void nc_json_bool(struct nc_json *j, const char *key, bool v);

#endif
