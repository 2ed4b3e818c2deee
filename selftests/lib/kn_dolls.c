// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kn_dolls.h"
#include "kn_tap.h"

static const char *dolls_path(void)
{
	const char *p = getenv("KN_DOLLS");

	return p ? p : KN_DOLLS_FILE;
}

bool kn_accounting(const char **why)
{
	static char reason[160];

	if (access(dolls_path(), R_OK) == 0)
		return true;
	snprintf(reason, sizeof(reason), "%s: %s", dolls_path(), strerror(errno));
	if (access("/sys/module/kvm_nest", F_OK) == 0)
		kn_bail("kvm-nest is loaded but %s (debugfs not mounted?)", reason);
	*why = reason;
	return false;
}

int kn_census_get(void)
{
	FILE *f = fopen(KN_CENSUS_FILE, "r");
	int on = -1;

	if (!f || fscanf(f, "%d", &on) != 1)
		kn_die(KN_CENSUS_FILE);
	fclose(f);
	return on;
}

void kn_census_set(int on)
{
	FILE *f = fopen(KN_CENSUS_FILE, "w");

	if (!f || fprintf(f, "%d\n", on) < 0 || fclose(f))
		kn_die(KN_CENSUS_FILE);
}

static int census0 = -1;

static void census_restore(void)
{
	if (census0 >= 0)
		kn_census_set(census0);
}

void kn_census_hold(void)
{
	if (census0 >= 0)
		return;
	census0 = kn_census_get();
	atexit(census_restore);
	kn_census_set(1);
}

static void *grow(void *p, unsigned int n, size_t size)
{
	/* Double at powers of two. */
	if (n & (n - 1))
		return p;
	p = realloc(p, (n ? 2 * n : 8) * size);
	if (!p)
		kn_die("realloc");
	return p;
}

/* Parses "key=value" tokens into @fields; unknown keys are ignored. */
static void parse_fields(char *line, const char *const *keys, uint64_t *fields,
			 unsigned int nr)
{
	for (char *tok = strtok(line, " \n"); tok; tok = strtok(NULL, " \n")) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = 0;
		for (unsigned int i = 0; i < nr; i++)
			if (!strcmp(tok, keys[i]))
				fields[i] = strtoull(eq + 1, NULL, 0);
	}
}

static const char *const doll_keys[] = {
	"id", "level", "parent", "pid", "vcpus", "mem", "ctx",
	"guest_ns", "exits", "reflected", "kept",
};

static const char *const exit_keys[] = { "doll", "code", "count" };
/* "kind" is a word, read apart (census_kind()); "code=other" reads as 0. */
static const char *const census_keys[] = { "doll", "code", "", "detail", "count" };

const char *const kn_census_kinds[KN_CENSUS_KINDS] = {
	[KN_CENSUS_OVERFLOW] = "overflow",
	[KN_CENSUS_MSR_READ] = "msr-read",
	[KN_CENSUS_MSR_WRITE] = "msr-write",
	[KN_CENSUS_VMCS_FIELD] = "vmcs-field",
};

static uint64_t census_kind(const char *line)
{
	const char *k = strstr(line, " kind=");

	for (unsigned int i = 0; k && i < KN_CENSUS_KINDS; i++) {
		size_t n = strlen(kn_census_kinds[i]);

		if (!strncmp(k + 6, kn_census_kinds[i], n) && strchr(" \n", k[6 + n]))
			return i;
	}
	kn_bail("census line of an unknown kind: %s", line);
}

_Static_assert(sizeof(struct kn_doll) == sizeof(doll_keys) / sizeof(doll_keys[0]) * 8,
	       "doll_keys must name every field of struct kn_doll in order");
_Static_assert(sizeof(struct kn_doll_exit) == 3 * 8, "exit_keys");
_Static_assert(sizeof(struct kn_doll_census) == 5 * 8, "census_keys");

void kn_dolls_read(struct kn_dolls *ds)
{
	FILE *f = fopen(dolls_path(), "r");
	char line[512];

	memset(ds, 0, sizeof(*ds));
	if (!f)
		kn_die(dolls_path());
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "doll ", 5)) {
			ds->d = grow(ds->d, ds->nr, sizeof(*ds->d));
			memset(&ds->d[ds->nr], 0, sizeof(ds->d[0]));
			parse_fields(line + 5, doll_keys, (uint64_t *)&ds->d[ds->nr],
				     sizeof(doll_keys) / sizeof(doll_keys[0]));
			ds->nr++;
		} else if (!strncmp(line, "exit ", 5)) {
			ds->e = grow(ds->e, ds->nr_exits, sizeof(*ds->e));
			memset(&ds->e[ds->nr_exits], 0, sizeof(ds->e[0]));
			parse_fields(line + 5, exit_keys, (uint64_t *)&ds->e[ds->nr_exits],
				     sizeof(exit_keys) / sizeof(exit_keys[0]));
			ds->nr_exits++;
		} else if (!strncmp(line, "census ", 7)) {
			struct kn_doll_census *c;

			ds->c = grow(ds->c, ds->nr_census, sizeof(*ds->c));
			c = &ds->c[ds->nr_census++];
			memset(c, 0, sizeof(*c));
			c->kind = census_kind(line);
			parse_fields(line + 7, census_keys, (uint64_t *)c,
				     sizeof(census_keys) / sizeof(census_keys[0]));
		}
	}
	if (ferror(f))
		kn_die(dolls_path());
	fclose(f);
}

void kn_dolls_free(struct kn_dolls *ds)
{
	free(ds->d);
	free(ds->e);
	free(ds->c);
	memset(ds, 0, sizeof(*ds));
}

static bool match(uint64_t want, uint64_t v)
{
	return want == KN_ANY || want == v;
}

unsigned int kn_dolls_find(const struct kn_dolls *ds, uint64_t level,
			   uint64_t parent, uint64_t pid,
			   const struct kn_doll **first)
{
	unsigned int n = 0;

	*first = NULL;
	for (unsigned int i = 0; i < ds->nr; i++) {
		const struct kn_doll *d = &ds->d[i];

		if (!match(level, d->level) || !match(parent, d->parent) ||
		    !match(pid, d->pid))
			continue;
		if (!n++)
			*first = d;
	}
	return n;
}

const struct kn_doll *kn_doll_l1(const struct kn_dolls *ds, pid_t pid)
{
	const struct kn_doll *d;
	unsigned int n = kn_dolls_find(ds, 1, KN_ANY, pid, &d);

	if (n != 1) {
		kn_diag("%u level-1 dolls with pid %d, expected 1", n, (int)pid);
		return NULL;
	}
	return d;
}

uint64_t kn_doll_exits(const struct kn_dolls *ds, uint64_t doll, uint64_t code)
{
	for (unsigned int i = 0; i < ds->nr_exits; i++)
		if (ds->e[i].doll == doll && ds->e[i].code == code)
			return ds->e[i].count;
	return 0;
}

uint64_t kn_doll_census(const struct kn_dolls *ds, uint64_t doll, uint64_t code,
			enum kn_census_kind kind, uint64_t detail)
{
	for (unsigned int i = 0; i < ds->nr_census; i++) {
		const struct kn_doll_census *c = &ds->c[i];

		if (c->doll == doll && c->code == code && c->kind == kind &&
		    c->detail == detail)
			return c->count;
	}
	return 0;
}
