/* SPDX-License-Identifier: GPL-2.0 */
/* Reader of kvm-nest's debugfs "dolls" file (format: Documentation/debugfs.rst). */
#ifndef KN_DOLLS_H
#define KN_DOLLS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define KN_DOLLS_FILE "/sys/kernel/debug/kvm_nest/dolls"

struct kn_doll {
	uint64_t id, level, parent, pid, vcpus, mem, ctx;
	uint64_t guest_ns, exits, reflected, kept;
};

struct kn_doll_exit {
	uint64_t doll, code, count;
};

/* A "census" line: exits with @code for one MSR or VMCS field (@kind). */
enum kn_census_kind {
	KN_CENSUS_OVERFLOW,	/* details that did not fit the doll's table */
	KN_CENSUS_MSR_READ,
	KN_CENSUS_MSR_WRITE,
	KN_CENSUS_VMCS_FIELD,
	KN_CENSUS_KINDS
};

struct kn_doll_census {
	uint64_t doll, code, kind, detail, count;
};

extern const char *const kn_census_kinds[KN_CENSUS_KINDS];

struct kn_dolls {
	unsigned int nr, nr_exits, nr_census;
	struct kn_doll *d;
	struct kn_doll_exit *e;
	struct kn_doll_census *c;
};

/*
 * Whether the dolls file can be read. If not, @why says why; if kvm-nest
 * is loaded all the same, that bails instead.
 */
bool kn_accounting(const char **why);
/*
 * The census switch.  kvm-nest counts a VM's own exits by code only while
 * it is on (KVM counts their total): tests of level-1 codes hold it on.
 */
#define KN_CENSUS_FILE "/sys/kernel/debug/kvm_nest/census"
int kn_census_get(void);
void kn_census_set(int on);
/* On until the test exits, then back as it was. */
void kn_census_hold(void);
/* Reads a snapshot (KN_DOLLS_FILE, or $KN_DOLLS if set); bails on error. */
void kn_dolls_read(struct kn_dolls *ds);
void kn_dolls_free(struct kn_dolls *ds);
/* Dolls with this level, parent and pid; a field of ~0 matches any. */
#define KN_ANY UINT64_MAX
unsigned int kn_dolls_find(const struct kn_dolls *ds, uint64_t level,
			   uint64_t parent, uint64_t pid,
			   const struct kn_doll **first);
/* The only level-1 doll of @pid, or NULL (with a diagnostic) if not one. */
const struct kn_doll *kn_doll_l1(const struct kn_dolls *ds, pid_t pid);
uint64_t kn_doll_exits(const struct kn_dolls *ds, uint64_t doll, uint64_t code);
/* Exits of doll @doll with @code and this census @kind and @detail. */
uint64_t kn_doll_census(const struct kn_dolls *ds, uint64_t doll, uint64_t code,
			enum kn_census_kind kind, uint64_t detail);

#endif
