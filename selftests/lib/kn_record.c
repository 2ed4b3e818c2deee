// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kn_record.h"
#include "kn_tap.h"

/* Splits r->line in place; false if it is not a record. */
static int split(struct kn_record *r)
{
	size_t end = strlen(r->line);
	char *save, *tok;

	r->word = (uint16_t)end;	/* the terminating NUL: "" */
	r->nr = 0;
	for (tok = strtok_r(r->line, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq && !r->nr && r->word == end) {
			r->word = (uint16_t)(tok - r->line);
			continue;
		}
		if (!eq || eq == tok || r->nr == KN_RECORD_KEYS)
			return 0;
		*eq = 0;
		r->key[r->nr] = (uint16_t)(tok - r->line);
		r->val[r->nr++] = (uint16_t)(eq + 1 - r->line);
	}
	return r->nr > 0;
}

static void add(struct kn_records *rs, const char *line)
{
	struct kn_record *r;

	if (!(rs->nr & (rs->nr - 1))) {	/* grow at powers of two */
		rs->r = realloc(rs->r, (rs->nr ? 2 * rs->nr : 1) * sizeof(*r));
		if (!rs->r)
			kn_die("realloc");
	}
	r = &rs->r[rs->nr];
	if (strlen(line) < sizeof(r->line)) {
		strcpy(r->line, line);
		if (split(r)) {
			rs->nr++;
			return;
		}
	}
	if (!rs->bad++)
		snprintf(rs->first_bad, sizeof(rs->first_bad), "%s", line);
}

void kn_records_read(struct kn_records *rs, const char *file)
{
	char path[128], line[1024];
	FILE *f;

	memset(rs, 0, sizeof(*rs));
	snprintf(path, sizeof(path), "%s/%s", KN_DEBUGFS_DIR, file);
	f = fopen(path, "r");
	if (!f)
		kn_die(path);
	while (fgets(line, sizeof(line), f))
		add(rs, line);
	if (ferror(f))
		kn_die(path);
	fclose(f);
}

void kn_records_free(struct kn_records *rs)
{
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

const char *kn_record_word(const struct kn_record *r)
{
	return r->line + r->word;
}

const char *kn_record_get(const struct kn_record *r, const char *key)
{
	for (unsigned int i = 0; i < r->nr; i++)
		if (!strcmp(r->line + r->key[i], key))
			return r->line + r->val[i];
	return NULL;
}

uint64_t kn_record_u64(const struct kn_record *r, const char *key)
{
	const char *v = kn_record_get(r, key);
	unsigned long long n;
	char *end;

	if (!v || !*v || *v == '-')
		return KN_RECORD_NONE;
	errno = 0;
	n = strtoull(v, &end, 0);
	return errno || *end ? KN_RECORD_NONE : n;
}

const struct kn_record *kn_records_find(const struct kn_records *rs, const char *word,
				  const char *key, uint64_t val)
{
	for (unsigned int i = 0; i < rs->nr; i++)
		if (!strcmp(kn_record_word(&rs->r[i]), word) &&
		    kn_record_u64(&rs->r[i], key) == val)
			return &rs->r[i];
	return NULL;
}

static bool is_kind(const struct kn_record *r, const char *kind)
{
	const char *k = kn_record_get(r, "kind");

	return !strcmp(kn_record_word(r), "doll") && k && !strcmp(k, kind);
}

const struct kn_record *kn_records_vm(const struct kn_records *rs, uint64_t pid,
				uint64_t mem)
{
	const struct kn_record *vm = NULL;

	for (unsigned int i = 0; i < rs->nr; i++) {
		const struct kn_record *r = &rs->r[i];

		if (is_kind(r, "vm") && kn_record_u64(r, "pid") == pid &&
		    (mem == KN_RECORD_NONE || kn_record_u64(r, "mem") == mem) &&
		    (!vm || kn_record_u64(r, "id") > kn_record_u64(vm, "id")))
			vm = r;
	}
	return vm;
}

/* Whether @r descends from @root; parent chains are short (8 levels). */
static int below(const struct kn_records *rs, const struct kn_record *r,
		 uint64_t root)
{
	for (unsigned int depth = 0; r && depth < rs->nr; depth++) {
		uint64_t parent = kn_record_u64(r, "parent");

		if (parent == root)
			return 1;
		if (!parent || parent == KN_RECORD_NONE)
			return 0;
		r = kn_records_find(rs, "doll", "id", parent);
	}
	return 0;
}

unsigned int kn_records_below(const struct kn_records *rs, uint64_t root,
			   const char *kind, const struct kn_record **out,
			   unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < rs->nr; i++) {
		const struct kn_record *r = &rs->r[i];

		if (strcmp(kn_record_word(r), "doll") || (kind && !is_kind(r, kind)) ||
		    !below(rs, r, root))
			continue;
		if (n < max)
			out[n] = r;
		n++;
	}
	return n;
}
