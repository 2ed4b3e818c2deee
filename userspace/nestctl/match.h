/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Objects and commands by unique prefix, as iproute2 takes them
 * ("nestctl d sh" is "nestctl doll show"): a word names the keyword it
 * equals, else the one keyword it begins; two or more is ambiguous.
 */
#ifndef NC_MATCH_H
#define NC_MATCH_H

#include <stddef.h>

enum { NC_MATCH_NONE = -1, NC_MATCH_AMBIGUOUS = -2 };

/*
 * The index of word's keyword among names[0..n) (NULL entries never
 * match), or NC_MATCH_NONE, or NC_MATCH_AMBIGUOUS with the candidates,
 * "a, b", in amb (truncated to len).
 */
int nc_match(const char *word, const char *const *names, size_t n,
	     char *amb, size_t len);

#endif
