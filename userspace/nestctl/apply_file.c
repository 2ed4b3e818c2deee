// SPDX-License-Identifier: GPL-2.0-only
/* A doll tree from a JSON file (apply_file.h); every value checked here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "apply_file.h"
#include "env_args.h"
#include "util.h"

/* A fault of the file's own making: exit status 2, as for bad words. */
#define nc_apply_bad(...) (nc_error(__VA_ARGS__), NC_USAGE)

struct nc_apply_ctx {
	const char *file;
	struct nc_apply_file *f;
	size_t cap;
};

/* Errors from here on name the file and, when there is one, the doll. */
static void nc_apply_where(const struct nc_apply_ctx *c, const char *path)
{
	static char where[512];

	snprintf(where, sizeof(where), "%s%s%s", c->file, path ? ": " : "", path ? path : "");
	nc_error_in(where);
}

/* The fields, as the words "envelope set" takes (copies: it wants char **). */
static int nc_apply_env(struct json_object *env, struct nc_env *want)
{
	char *argv[2 * 6];	/* each of the six fields once: json-c keeps one per key */
	int argc = 0, rc = NC_OK;
	bool dry_run;

	if (!json_object_is_type(env, json_type_object))
		return nc_apply_bad("\"envelope\" must be an object of fields, like {\"cpu.limit\": \"1.5\"}");
	json_object_object_foreach(env, key, val) {
		if (!nc_env_field(key)) {
			rc = nc_apply_bad("unknown envelope field \"%s\": cpu.limit, cpu.reserve, cpu.weight, cpus, mem.limit or mem.reserve",
					  key);
			goto out;
		}
		/* A number is taken as written ("1.5"); json-c keeps its text. */
		if (!json_object_is_type(val, json_type_string) &&
		    !json_object_is_type(val, json_type_int) &&
		    !json_object_is_type(val, json_type_double)) {
			rc = nc_apply_bad("%s must be a string or a number, like \"1.5\" or \"512MiB\"",
					  key);
			goto out;
		}
		argv[argc++] = nc_xstrdup(key);
		argv[argc++] = nc_xstrdup(json_object_get_string(val));
	}
	/* An envelope of no fields manages none: the doll holds others. */
	if (argc && nc_env_args(argc, argv, want, &dry_run))
		rc = NC_USAGE;
out:
	while (argc)
		free(argv[--argc]);
	return rc;
}

static int nc_apply_dolls(struct nc_apply_ctx *c, struct json_object *arr, int parent,
			  unsigned int depth);

static int nc_apply_doll(struct nc_apply_ctx *c, struct json_object *o, int parent,
			 size_t nth, unsigned int depth)
{
	struct nc_apply_file *f = c->f;
	struct json_object *name = NULL, *env = NULL, *kids = NULL;
	const char *ppath = parent < 0 ? NULL : f->dolls[parent].path;
	struct nc_apply_doll *d;
	const char *n;
	char at[300];
	int idx;

	/* Until the doll has a name, errors say where it stands. */
	snprintf(at, sizeof(at), "%s%sdolls[%zu]", ppath ? ppath : "", ppath ? "/" : "", nth);
	nc_apply_where(c, at);
	if (!json_object_is_type(o, json_type_object))
		return nc_apply_bad("each doll must be an object with a \"name\"");
	if (depth > NC_APPLY_DEPTH_MAX)
		return nc_apply_bad("a doll at level %u: a file describes %d levels at most",
				    depth, NC_APPLY_DEPTH_MAX);
	json_object_object_foreach(o, key, val) {
		if (!strcmp(key, "name"))
			name = val;
		else if (!strcmp(key, "envelope"))
			env = val;
		else if (!strcmp(key, "dolls"))
			kids = val;
		else
			return nc_apply_bad("unknown key \"%s\" in a doll: name, envelope or dolls",
					      key);
	}
	n = json_object_is_type(name, json_type_string) ? json_object_get_string(name) : NULL;
	if (!n || !*n || strchr(n, '/'))
		return nc_apply_bad("a doll needs a \"name\": its VM's name (QEMU -name, the libvirt domain), without \"/\"");
	if (strlen(n) > NC_NAME_MAX)
		return nc_apply_bad("name \"%.80s\": kvm-nest keeps VM names of 1 to %d bytes",
				    n, NC_NAME_MAX);
	for (unsigned int i = 0; i < f->n; i++)
		if (f->dolls[i].parent == parent && !strcmp(f->dolls[i].name, n))
			return nc_apply_bad("two dolls named \"%s\" under %s: names must differ among siblings",
					      n, ppath ? ppath : "L0");
	f->dolls = nc_grow(f->dolls, &c->cap, f->n, sizeof(*f->dolls));
	idx = (int)f->n++;
	d = &f->dolls[idx];
	*d = (struct nc_apply_doll){ .name = nc_xstrdup(n), .parent = parent };
	d->path = nc_xcalloc(1, (ppath ? strlen(ppath) + 1 : 0) + strlen(n) + 1);
	sprintf(d->path, "%s%s%s", ppath ? ppath : "", ppath ? "/" : "", n);
	nc_apply_where(c, d->path);
	if (env && nc_apply_env(env, &d->want))
		return NC_USAGE;
	if (!kids)
		return NC_OK;
	return nc_apply_dolls(c, kids, idx, depth + 1);
}

static int nc_apply_dolls(struct nc_apply_ctx *c, struct json_object *arr, int parent,
			  unsigned int depth)
{
	if (!json_object_is_type(arr, json_type_array))
		return nc_apply_bad("\"dolls\" must be an array of dolls");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		int rc = nc_apply_doll(c, json_object_array_get_idx(arr, i), parent, i, depth);

		if (rc)
			return rc;
	}
	return NC_OK;
}

int nc_apply_file_parse(const char *name, const char *text, struct nc_apply_file *f)
{
	struct nc_apply_ctx c = { .file = name, .f = f };
	enum json_tokener_error jerr;
	struct json_object *top, *dolls = NULL;
	int rc = NC_USAGE;

	*f = (struct nc_apply_file){ 0 };
	nc_apply_where(&c, NULL);
	top = json_tokener_parse_verbose(text, &jerr);
	if (!top) {
		nc_error("not JSON: %s", json_tokener_error_desc(jerr));
		goto out;
	}
	if (!json_object_is_type(top, json_type_object)) {
		nc_error("the file must be an object: {\"dolls\": [...]}");
		goto out;
	}
	json_object_object_foreach(top, key, val) {
		if (strcmp(key, "dolls")) {
			nc_error("unknown key \"%s\" at the top: only \"dolls\"", key);
			goto out;
		}
		dolls = val;
	}
	if (!dolls) {
		nc_error("no \"dolls\": the file must be {\"dolls\": [...]}");
		goto out;
	}
	rc = nc_apply_dolls(&c, dolls, -1, 1);
out:
	nc_error_in(NULL);
	json_object_put(top);
	if (rc)
		nc_apply_file_free(f);
	return rc;
}

void nc_apply_file_free(struct nc_apply_file *f)
{
	for (unsigned int i = 0; i < f->n; i++) {
		free(f->dolls[i].name);
		free(f->dolls[i].path);
	}
	free(f->dolls);
	*f = (struct nc_apply_file){ 0 };
}
