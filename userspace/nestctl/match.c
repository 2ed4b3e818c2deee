// SPDX-License-Identifier: GPL-2.0-only
/* Keywords by unique prefix (match.h). */
#include <stdio.h>
#include <string.h>

#include "match.h"

int nc_match(const char *word, const char *const *names, size_t n,
	     char *amb, size_t len)
{
	size_t wlen = strlen(word), used = 0;
	int found = NC_MATCH_NONE, hits = 0;

	if (len)
		amb[0] = '\0';
	if (!wlen)
		return NC_MATCH_NONE;
	for (size_t i = 0; i < n; i++)
		if (names[i] && !strcmp(word, names[i]))
			return (int)i;
	for (size_t i = 0; i < n; i++) {
		if (!names[i] || strncmp(word, names[i], wlen))
			continue;
		if (used < len)
			used += (size_t)snprintf(amb + used, len - used, "%s%s",
						 hits ? ", " : "", names[i]);
		found = (int)i;
		hits++;
	}
	return hits > 1 ? NC_MATCH_AMBIGUOUS : found;
}
