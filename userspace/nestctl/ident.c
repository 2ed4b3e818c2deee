// SPDX-License-Identifier: GPL-2.0-only
/* Doll identifiers: ids, names and paths of either, resolved on a dump. */
#include <stdio.h>
#include <string.h>

#include "ident.h"
#include "util.h"

/* Dolls named in one error message, at most. */
#define NC_IDENT_LIST_MAX	10

struct nc_step {
	const char *s;
	size_t len;
	bool is_id;
	uint32_t id;
};

/* A step is a name, or digits only: an id that fits in 32 bits. */
static bool nc_step_parse(const char *s, size_t len, struct nc_step *st)
{
	char num[11];

	*st = (struct nc_step){ .s = s, .len = len };
	if (!len)
		return false;
	if (strspn(s, "0123456789") < len)
		return true;
	if (len >= sizeof(num))
		return false;
	memcpy(num, s, len);
	num[len] = '\0';
	st->is_id = true;
	return nc_parse_u32(num, &st->id);
}

static bool nc_step_matches(const struct nc_step *st, const struct nc_doll *d)
{
	if (st->is_id)
		return d->id == st->id;
	return d->name && strlen(d->name) == st->len &&
	       !strncmp(d->name, st->s, st->len);
}

/* Candidates for a step: any doll for a lone step, else children of prev. */
static bool nc_step_scope(const struct nc_doll *d, const struct nc_doll *prev,
			  bool lone)
{
	return lone || d->parent == (prev ? prev->id : 0);
}

static void nc_ident_list(const struct nc_dolls *set, const struct nc_step *st,
			  const struct nc_doll *prev, bool lone)
{
	unsigned int shown = 0, more = 0;

	for (size_t i = 0; i < set->n; i++) {
		const struct nc_doll *d = &set->v[i];

		if (st && !(nc_step_scope(d, prev, lone) && nc_step_matches(st, d)))
			continue;
		if (shown == NC_IDENT_LIST_MAX) {
			more++;
			continue;
		}
		fprintf(stderr, "%s%s", shown++ ? ", " : "", d->path);
		if (d->name)
			fprintf(stderr, " (%s)", d->name);
	}
	if (more)
		fprintf(stderr, " and %u more (see \"nestctl doll show\")", more);
}

static int nc_ident_unknown(const struct nc_dolls *set, const char *ident)
{
	nc_error_start();
	fprintf(stderr, "no doll \"%s\"; ", ident);
	if (set->n) {
		fputs("dolls: ", stderr);
		nc_ident_list(set, NULL, NULL, false);
	} else {
		fputs("there are no dolls", stderr);
	}
	/* An unprivileged dump has no pids and no names (security.rst). */
	if (set->n && !(set->v[0].has & NC_HAS_PID))
		fputs("; names need CAP_NET_ADMIN: give an id or a path of ids",
		      stderr);
	fputc('\n', stderr);
	return NC_ERR;
}

static int nc_ident_ambiguous(const struct nc_dolls *set, const char *ident,
			      const struct nc_step *st,
			      const struct nc_doll *prev, bool lone)
{
	nc_error_start();
	fprintf(stderr, "doll \"%s\" is ambiguous: ", ident);
	nc_ident_list(set, st, prev, lone);
	fputs("; name it by id or path\n", stderr);
	return NC_ERR;
}

/* Every step well formed: checked before any lookup, for a usage error. */
static bool nc_ident_valid(const char *ident)
{
	struct nc_step st;

	for (const char *s = ident;; s += strcspn(s, "/") + 1) {
		if (!nc_step_parse(s, strcspn(s, "/"), &st))
			return false;
		if (!s[strcspn(s, "/")])
			return true;
	}
}

int nc_doll_resolve(const struct nc_dolls *set, const char *ident,
		    const struct nc_doll **out)
{
	const struct nc_doll *prev = NULL;
	bool lone = !strchr(ident, '/');
	const char *s = ident;

	if (!nc_ident_valid(ident))
		return nc_usage_error("doll", "bad doll \"%s\": want an id, a name or a path like 3/7 or web/7",
				      ident);
	for (;;) {
		size_t len = strcspn(s, "/");
		const struct nc_doll *hit = NULL;
		unsigned int hits = 0;
		struct nc_step st;

		nc_step_parse(s, len, &st);
		for (size_t i = 0; i < set->n; i++) {
			if (nc_step_scope(&set->v[i], prev, lone) &&
			    nc_step_matches(&st, &set->v[i])) {
				hit = &set->v[i];
				hits++;
			}
		}
		if (!hits)
			return nc_ident_unknown(set, ident);
		if (hits > 1)
			return nc_ident_ambiguous(set, ident, &st, prev, lone);
		prev = hit;
		if (!s[len])
			break;
		s += len + 1;
	}
	*out = prev;
	return NC_OK;
}

int nc_doll_lookup(struct nc_nl *nl, const char *ident, struct nc_dolls *set,
		   const struct nc_doll **out)
{
	int err = nc_dolls_dump(nl, set);

	if (err)
		return nc_nl_report(nl, err, "doll dump");
	return nc_doll_resolve(set, ident, out);
}

int nc_doll_lookup_one(struct nc_nl *nl, const char *ident, struct nc_dolls *set,
		       const struct nc_doll **out)
{
	struct nc_step st;
	struct nc_doll d;

	if (strchr(ident, '/') || !nc_step_parse(ident, strlen(ident), &st) || !st.is_id ||
	    nc_doll_get(nl, st.id, &d))
		return nc_doll_lookup(nl, ident, set, out);
	set->v = nc_grow(set->v, &set->cap, set->n, sizeof(*set->v));
	set->v[set->n] = d;
	*out = &set->v[set->n++];
	return NC_OK;
}
