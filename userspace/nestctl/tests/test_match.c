// SPDX-License-Identifier: GPL-2.0-only
/* test_match.c: keywords by unique prefix (match.c), as nestctl's tables use it. */
#include <string.h>

#include "../match.h"
#include "tap.h"

#define PLAN 12

int main(void)
{
	/* nestctl's objects, and envelope's commands, each with "help". */
	static const char *const objs[] = {
		"doll", "stats", "envelope", "monitor", "agent", "version", "help"
	};
	static const char *const env[] = { "show", "set", "del", "help" };
	static const char *const sets[] = { "set", "settings", NULL, "sets" };
	static const char *const dflt[] = { NULL, "help" };
	char amb[64], small[8];
	int k;

	tap_plan(PLAN);
	tap_ok(nc_match("d", objs, 7, amb, sizeof(amb)) == 0, "d is doll");
	tap_ok(nc_match("envelope", objs, 7, amb, sizeof(amb)) == 2, "envelope in full");
	tap_ok(nc_match("h", objs, 7, amb, sizeof(amb)) == 6, "h is help");
	tap_ok(nc_match("sh", env, 4, amb, sizeof(amb)) == 0, "sh is show");
	k = nc_match("s", env, 4, amb, sizeof(amb));
	tap_ok(k == NC_MATCH_AMBIGUOUS && !strcmp(amb, "show, set"),
	       "s is ambiguous, candidates in order: '%s'", amb);
	tap_ok(nc_match("set", sets, 4, amb, sizeof(amb)) == 0,
	       "a whole keyword wins over the longer ones it begins");
	k = nc_match("sett", sets, 4, amb, sizeof(amb));
	tap_ok(k == 1, "sett is settings (%d)", k);
	tap_ok(nc_match("showx", env, 4, amb, sizeof(amb)) == NC_MATCH_NONE &&
	       nc_match("bogus", objs, 7, amb, sizeof(amb)) == NC_MATCH_NONE,
	       "longer than a keyword, or no keyword's prefix: none");
	tap_ok(nc_match("", objs, 7, amb, sizeof(amb)) == NC_MATCH_NONE,
	       "the empty word names nothing");
	tap_ok(nc_match("web", dflt, 2, amb, sizeof(amb)) == NC_MATCH_NONE &&
	       nc_match("he", dflt, 2, amb, sizeof(amb)) == 1,
	       "a NULL name (a default command) never matches");
	k = nc_match("se", sets, 4, small, sizeof(small));
	tap_ok(k == NC_MATCH_AMBIGUOUS && strlen(small) == sizeof(small) - 1,
	       "the candidate list is cut at its buffer: '%s'", small);
	tap_ok(nc_match("D", objs, 7, amb, sizeof(amb)) == NC_MATCH_NONE,
	       "case matters, as for every keyword");
	return tap_done(PLAN);
}
