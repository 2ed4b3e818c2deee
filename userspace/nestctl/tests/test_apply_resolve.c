// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_apply_resolve.c: an apply file's paths against a running tree
 * (apply_resolve.c): through contexts, names reused at other places,
 * dolls that do not run, and two running dolls of one path.
 */
#include <stdio.h>
#include <string.h>

#include "../apply_resolve.h"
#include "../util.h"
#include "stderr_capture.h"
#include "tap.h"

#define PLAN 11

#define VM KVM_NEST_DOLL_VM
#define CTX KVM_NEST_DOLL_CTX
#define REP KVM_NEST_DOLL_REPORTED

static struct nc_doll doll_v[16];
static struct nc_dolls run = { .v = doll_v };

static void add(uint32_t id, uint32_t level, uint32_t parent, uint32_t kind, const char *name)
{
	run.v[run.n++] = (struct nc_doll){ .id = id, .level = level, .parent = parent,
					   .kind = kind, .name = (char *)(uintptr_t)name };
}

static struct nc_apply_doll file_v[8];
static struct nc_apply_file file = { .dolls = file_v };

static void want(const char *name, const char *path, int parent)
{
	file.dolls[file.n++] = (struct nc_apply_doll){ .name = (char *)(uintptr_t)name,
						       .path = (char *)(uintptr_t)path,
						       .parent = parent };
}

static uint32_t id_of(const struct nc_apply_match *m)
{
	return m->doll ? m->doll->id : 0;
}

int main(void)
{
	struct nc_apply_match m[8];
	char err[256];
	int rc, saved;
	FILE *tmp;

	tap_plan(PLAN);
	/*
	 * L0 runs web (1) and db (9, a level-1 doll of the same name as one
	 * below web); web's kvm-nest reports db (3) on context 2 and app (4);
	 * db (5) inside app; a level-2 doll whose parent is not in the dump
	 * (7, "cache") and a nameless one (8).
	 */
	add(1, 1, 0, VM, "web");
	add(2, 2, 1, CTX, NULL);
	add(3, 2, 2, REP, "db");
	add(4, 2, 1, REP, "app");
	add(5, 3, 4, REP, "db");
	add(7, 2, 99, REP, "cache");
	add(8, 2, 1, REP, NULL);
	add(9, 1, 0, VM, "db");
	want("web", "web", -1);
	want("db", "web/db", 0);
	want("app", "web/app", 0);
	want("db", "web/app/db", 2);
	want("db", "db", -1);
	want("cache", "cache", -1);
	want("x", "cache/x", 5);
	want("api", "web/api", 0);
	rc = nc_apply_resolve(&file, &run, m);
	tap_ok(rc == NC_OK, "the file resolves (rc %d)", rc);
	tap_ok(id_of(&m[0]) == 1, "web is doll 1 (%u)", id_of(&m[0]));
	tap_ok(id_of(&m[1]) == 3, "web/db is doll 3, through context 2 (%u)", id_of(&m[1]));
	tap_ok(id_of(&m[2]) == 4, "web/app is doll 4 (%u)", id_of(&m[2]));
	tap_ok(id_of(&m[3]) == 5, "web/app/db is doll 5, not 3 or 9 (%u)", id_of(&m[3]));
	tap_ok(id_of(&m[4]) == 9, "db at level 1 is doll 9, not a deeper db (%u)", id_of(&m[4]));
	tap_ok(!m[5].doll, "cache: its only namesake is at level 2 under a parent not in the dump: not running (%u)",
	       id_of(&m[5]));
	tap_ok(!m[6].doll, "cache/x: under a doll that does not run, it does not either");
	tap_ok(!m[7].doll, "web/api: no such doll runs (the nameless doll 8 is no match)");

	/* A second db on web's context: the path names two dolls. */
	add(6, 2, 2, REP, "db");
	tmp = capture_start(&saved);
	rc = nc_apply_resolve(&file, &run, m);
	capture_end(tmp, saved, err, sizeof(err));
	*strchrnul(err, '\n') = '\0';
	tap_ok(rc == NC_ERR, "two running web/db: refused (rc %d)", rc);
	tap_ok(strstr(err, "web/db names two running dolls, 3 and 6") != NULL, "the error names both: \"%s\"",
	       err);
	return tap_done(PLAN);
}
