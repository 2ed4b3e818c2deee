/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one print path.  Every field is emitted once, with the modes it
 * shows in; the printer renders it as "key value" text or as a JSON member
 * depending on -j.  Structure calls (objects, arrays) only shape JSON;
 * line breaks and indentation only shape text.
 */
#ifndef NC_PRINT_H
#define NC_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

enum nc_out {
	NC_TEXT = 1,
	NC_JSON = 2,
	NC_ANY = NC_TEXT | NC_JSON,
	NC_BARE = 4,	/* text: the value without its key */
};

struct nc_print {
	FILE *out;
	bool json;
	bool line_start;	/* text: nothing printed on this line yet */
	const unsigned int *cols;	/* text table: column widths, or NULL */
	unsigned int n_cols, col;
	struct nc_json j;
};

void nc_pr_init(struct nc_print *p, FILE *out, bool json, bool pretty);

/* False when nesting would be too deep; the caller then skips the value. */
bool nc_pr_open_obj(struct nc_print *p, const char *key);
void nc_pr_close_obj(struct nc_print *p);
bool nc_pr_open_arr(struct nc_print *p, const char *key);
void nc_pr_close_arr(struct nc_print *p);

void nc_pr_uint(struct nc_print *p, int o, const char *key, uint64_t v);
/* 0x-prefixed hex; a string in JSON, where 64-bit numbers lose precision. */
void nc_pr_hex(struct nc_print *p, int o, const char *key, uint64_t v);
void nc_pr_str(struct nc_print *p, int o, const char *key, const char *s);
/* Text: 128.0MiB; JSON: bytes. */
void nc_pr_bytes(struct nc_print *p, int o, const char *key, uint64_t v);
/* Text: 12/s, or "-" if unknown; JSON: a number, or null if unknown. */
void nc_pr_rate(struct nc_print *p, int o, const char *key, bool known,
		uint64_t per_s);

/*
 * Text as a table: from now on each field prints its value only, padded
 * to widths[i] for the i-th field of a line (the last column unpadded).
 * nc_pr_table(p, NULL, 0) goes back to "key value" text.  No effect on JSON.
 */
void nc_pr_table(struct nc_print *p, const unsigned int *widths, unsigned int n);

/*
 * Fields whose text key differs from the JSON key (tkey, jkey).
 * milli: text 1.500, JSON the number 1.500.
 * size: text 256M (exact, as nestctl takes it) or bytes; JSON bytes.
 * unset: text the word given (max, -), JSON null.
 */
void nc_pr_milli(struct nc_print *p, int o, const char *tkey,
		 const char *jkey, uint64_t milli);
void nc_pr_size(struct nc_print *p, int o, const char *tkey,
		const char *jkey, uint64_t bytes);
void nc_pr_unset(struct nc_print *p, const char *tkey, const char *word,
		 const char *jkey);
/* Text: yes or no; JSON: true or false. */
void nc_pr_bool(struct nc_print *p, int o, const char *key, bool v);

/* Text only: end the line; indent a new one by 2 * n spaces. */
void nc_pr_nl(struct nc_print *p);
void nc_pr_indent(struct nc_print *p, unsigned int n);
/* Push out what was printed; false if the output failed. */
bool nc_pr_flush(struct nc_print *p);

#endif
