/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reader of kvm-nest's debugfs files as records: a line is an optional
 * word, then space-separated key=value pairs (Documentation/debugfs.rst).
 * Values stay strings (name=, kind=, runs=<id>+guests), unlike kn_dolls.h.
 */
#ifndef KN_RECORD_H
#define KN_RECORD_H

#include <stdint.h>

#define KN_DEBUGFS_DIR	"/sys/kernel/debug/kvm_nest"
#define KN_RECORD_KEYS	24
#define KN_RECORD_NONE	UINT64_MAX

/* Offsets into line, so that records can move. */
struct kn_record {
	unsigned int nr;
	uint16_t word;			/* an empty string: pairs only */
	uint16_t key[KN_RECORD_KEYS], val[KN_RECORD_KEYS];
	char line[512];
};

struct kn_records {
	unsigned int nr;
	unsigned int bad;		/* lines that are not records */
	char first_bad[128];
	struct kn_record *r;
};

/* Reads KN_DEBUGFS_DIR/@file; bails if it cannot be read. */
void kn_records_read(struct kn_records *rs, const char *file);
void kn_records_free(struct kn_records *rs);

const char *kn_record_word(const struct kn_record *r);
/* The value of @key, or NULL. */
const char *kn_record_get(const struct kn_record *r, const char *key);
/* The number at @key, or KN_RECORD_NONE if absent or not a whole number. */
uint64_t kn_record_u64(const struct kn_record *r, const char *key);
/* The first record with @word whose @key is @val (a number), or NULL. */
const struct kn_record *kn_records_find(const struct kn_records *rs, const char *word,
				  const char *key, uint64_t val);
/*
 * The newest level-1 doll (kind=vm) of process @pid with @mem bytes of
 * memory (KN_RECORD_NONE: any), or NULL. VMs that are going away may linger.
 */
const struct kn_record *kn_records_vm(const struct kn_records *rs, uint64_t pid,
				uint64_t mem);
/*
 * The "doll" records of @kind ("reported", ...; NULL: any) below the doll
 * @root, at any depth, in file order; up to @max of them go to @out.
 * Returns how many there are.
 */
unsigned int kn_records_below(const struct kn_records *rs, uint64_t root,
			   const char *kind, const struct kn_record **out,
			   unsigned int max);

#endif
