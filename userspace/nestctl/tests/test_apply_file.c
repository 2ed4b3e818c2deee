// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_apply_file.c: the doll tree file of a future "nestctl apply"
 * (apply_file.c): a three-level file read right, numbers taken as
 * written, and each bad file refused with exit status 2 and an error that
 * names the place in the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../apply_file.h"
#include "../util.h"
#include "stderr_capture.h"
#include "tap.h"

#define PLAN 30

static char err[1024];

/* Parse text as "spec.json"; err holds what it wrote on stderr. */
static int parse(const char *text, struct nc_apply_file *f)
{
	int saved, rc;
	FILE *tmp = capture_start(&saved);

	rc = nc_apply_file_parse("spec.json", text, f);
	capture_end(tmp, saved, err, sizeof(err));
	return rc;
}

static const char good[] =
	"{ \"dolls\": [\n"
	"  { \"name\": \"web\",\n"
	"    \"envelope\": { \"cpu.limit\": \"2\", \"cpu.reserve\": 1, \"mem.limit\": \"4GiB\" },\n"
	"    \"dolls\": [\n"
	"      { \"name\": \"db\", \"envelope\": { \"cpu.limit\": 1.5, \"mem.limit\": \"2G\" },\n"
	"        \"dolls\": [ { \"name\": \"web\", \"envelope\": { \"cpus\": \"0-1\" } } ] },\n"
	"      { \"name\": \"app\", \"envelope\": { \"cpu.weight\": 200, \"cpu.limit\": 0.1, \"mem.limit\": \"max\" } } ] },\n"
	"  { \"name\": \"cache\", \"envelope\": {} } ] }\n";

static void good_file(void)
{
	struct nc_apply_file f;
	const struct nc_apply_doll *d;
	int rc = parse(good, &f);

	tap_ok(rc == NC_OK && f.n == 5, "a three-level file: 5 dolls (rc %d, %u; %s)", rc, f.n, err);
	if (f.n != 5) {
		for (int i = 0; i < 9; i++)
			tap_ok(0, "skipped: the file was not read");
		nc_apply_file_free(&f);
		return;
	}
	d = f.dolls;
	tap_ok(!strcmp(d[0].path, "web") && !strcmp(d[1].path, "web/db") &&
	       !strcmp(d[2].path, "web/db/web") && !strcmp(d[3].path, "web/app") &&
	       !strcmp(d[4].path, "cache"), "paths in file order, parents first (%s %s %s %s %s)",
	       d[0].path, d[1].path, d[2].path, d[3].path, d[4].path);
	tap_ok(d[0].parent == -1 && d[1].parent == 0 && d[2].parent == 1 && d[3].parent == 0 &&
	       d[4].parent == -1, "parents: -1 0 1 0 -1");
	tap_ok(d[0].want.has == (NC_ENV_CPU_LIMIT | NC_ENV_CPU_RESERVE | NC_ENV_MEM_LIMIT) &&
	       d[0].want.cpu_limit == 2000 && d[0].want.mem_limit == 4ULL << 30,
	       "web: cpu.limit 2, mem.limit 4GiB, and nothing else managed");
	tap_ok(d[0].want.cpu_reserve == 1000, "the number 1 is 1 CPU (%u)", d[0].want.cpu_reserve);
	tap_ok(d[1].want.cpu_limit == 1500, "the number 1.5 is taken as written: 1.500 CPUs (%u)",
	       d[1].want.cpu_limit);
	tap_ok(d[1].want.mem_limit == 2ULL << 30, "2G is 2 GiB, as nestctl envelope set takes it");
	tap_ok(d[2].want.has == NC_ENV_CPUS && !strcmp(d[2].want.cpus, "0-1"),
	       "a doll may share its grandparent's name: web/db/web, cpus 0-1");
	tap_ok(d[3].want.cpu_weight == 200 && (d[3].want.has & NC_ENV_MEM_LIMIT) &&
	       !d[3].want.mem_limit && d[3].want.cpu_limit == 100,
	       "app: weight 200, 0.1 CPU (%u: not 0.1000000000000000055); mem.limit max managed, as unset",
	       d[3].want.cpu_limit);
	tap_ok(d[4].want.has == 0, "cache: an empty envelope manages nothing");
	nc_apply_file_free(&f);
}

/* A bad file: exit status 2, no dolls left, and the error has want. */
static void bad(const char *what, const char *text, const char *want)
{
	struct nc_apply_file f;
	int rc = parse(text, &f);
	char *nl = strchr(err, '\n');

	if (nl)
		*nl = '\0';
	tap_ok(rc == NC_USAGE && f.n == 0 && !f.dolls && strstr(err, want),
	       "%s: refused, \"%s\" (rc %d, error \"%s\")", what, want, rc, err);
}

static void bad_files(void)
{
	char deep[1024] = "{\"dolls\":[";
	int i;

	bad("not JSON", "{\"dolls\": [", "Error: spec.json: not JSON");
	bad("an array at the top", "[]", "the file must be an object");
	bad("an unknown top key", "{\"dolls\": [], \"doll\": 1}", "unknown key \"doll\" at the top");
	bad("no dolls", "{}", "no \"dolls\"");
	bad("dolls not an array", "{\"dolls\": {}}", "\"dolls\" must be an array");
	bad("a doll without a name", "{\"dolls\": [{\"name\": \"a\"}, {}]}",
	    "Error: spec.json: dolls[1]: a doll needs a \"name\"");
	bad("a nameless doll under web", "{\"dolls\": [{\"name\": \"web\", \"dolls\": [{\"envelope\": {}}]}]}",
	    "spec.json: web/dolls[0]: a doll needs");
	bad("a name with a slash", "{\"dolls\": [{\"name\": \"a/b\"}]}", "without \"/\"");
	bad("a name of 64 bytes",
	    "{\"dolls\": [{\"name\": \"0123456789012345678901234567890123456789012345678901234567890123\"}]}",
	    "VM names of 1 to 63 bytes");
	bad("an empty name", "{\"dolls\": [{\"name\": \"\"}]}", "a doll needs a \"name\"");
	bad("a name that is a number", "{\"dolls\": [{\"name\": 3}]}", "a doll needs a \"name\"");
	bad("two siblings of one name",
	    "{\"dolls\": [{\"name\": \"w\", \"dolls\": [{\"name\": \"d\"}, {\"name\": \"d\"}]}]}",
	    "two dolls named \"d\" under w");
	bad("an unknown doll key", "{\"dolls\": [{\"name\": \"w\", \"envelop\": {}}]}",
	    "spec.json: dolls[0]: unknown key \"envelop\"");
	bad("an unknown envelope field", "{\"dolls\": [{\"name\": \"w\", \"envelope\": {\"cpu.max\": \"1\"}}]}",
	    "spec.json: w: unknown envelope field \"cpu.max\"");
	bad("a dry-run field", "{\"dolls\": [{\"name\": \"w\", \"envelope\": {\"dry-run\": \"1\"}}]}",
	    "unknown envelope field \"dry-run\"");
	bad("a bad size, deep", "{\"dolls\": [{\"name\": \"w\", \"dolls\": [{\"name\": \"d\", \"envelope\": {\"mem.limit\": \"lots\"}}]}]}",
	    "spec.json: w/d: mem.limit wants bytes");
	bad("a boolean value", "{\"dolls\": [{\"name\": \"w\", \"envelope\": {\"cpu.limit\": true}}]}",
	    "cpu.limit must be a string or a number");
	bad("a reserve above the limit", "{\"dolls\": [{\"name\": \"w\", \"envelope\": {\"cpu.limit\": 1, \"cpu.reserve\": 2}}]}",
	    "cpu.reserve 2.000 is above cpu.limit 1.000");
	bad("an envelope that is a string", "{\"dolls\": [{\"name\": \"w\", \"envelope\": \"1\"}]}",
	    "\"envelope\" must be an object");
	for (i = 0; i <= NC_APPLY_DEPTH_MAX; i++)
		strcat(deep, "{\"name\":\"x\",\"dolls\":[");
	for (i = 0; i <= NC_APPLY_DEPTH_MAX; i++)
		strcat(deep, "]}");
	strcat(deep, "]}");
	bad("a doll at level 9", deep, "x/x/x/x/x/x/x/x/dolls[0]: a doll at level 9");
}

int main(void)
{
	tap_plan(PLAN);
	good_file();
	bad_files();
	return tap_done(PLAN);
}
