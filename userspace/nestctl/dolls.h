/* SPDX-License-Identifier: GPL-2.0-only */
/* Dolls as the kernel reports them: parsed messages and whole dumps. */
#ifndef NC_DOLLS_H
#define NC_DOLLS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm_nest.h>

#include "env.h"
#include "nl.h"

/* Exits of one code; has_code is false for the untracked-codes bucket. */
struct nc_exit {
	bool has_code;
	uint32_t code;
	char *reason;
	uint64_t count;
};

/* Optional attributes a doll message had. */
enum {
	NC_HAS_VCPUS = 1 << 0,
	NC_HAS_MEM = 1 << 1,
	NC_HAS_CTX = 1 << 2,
	NC_HAS_STATS = 1 << 3,	/* guest_ns, exits, reflected: not in events */
	NC_HAS_ENV = 1 << 4,	/* env: dolls of kind VM and REPORTED */
	NC_HAS_USAGE = 1 << 5,	/* usage_cpu, usage_mem */
	NC_HAS_DELEGATED = 1 << 6,	/* delegated: level-2 contexts */
	NC_HAS_DELEG = 1 << 7,	/* deleg_classes, deleg_off: levels 1 and 2 */
	NC_HAS_PID = 1 << 8,	/* pid: not for an unprivileged reader */
	NC_HAS_DELEG_REPORTED = 1 << 9,	/* deleg_off only, as reported */
};

struct nc_doll {
	uint32_t id, level, parent, pid, vcpus, kind;
	uint64_t mem, ctx, guest_ns, exits, reflected, delegated;
	uint32_t deleg_classes;	/* KVM_NEST_DELEG_* its hypervisor registered */
	uint32_t deleg_off;	/* and those switched off here */
	uint32_t usage_cpu;	/* milli-CPUs over the last ~1 s */
	uint64_t usage_mem;	/* bytes */
	struct nc_env env;
	bool overcommitted;	/* its dolls reserve more than its envelope */
	bool runs_nested;	/* a context: a reported doll's guests run on it */
	unsigned int has;
	char *path;
	char *name;		/* NULL when unknown */
	struct nc_exit *exit;
	size_t n_exit;
};

/* In dump order: each doll after its parent. */
struct nc_dolls {
	struct nc_doll *v;
	size_t n, cap;
};

/* The doll attribute set's names, for error messages. */
extern const struct nc_attr_names nc_doll_attr_names;
extern const enum mnl_attr_data_type nc_doll_types[KVM_NEST_A_DOLL_MAX + 1];

/* Parse a doll message (reply or event); 0 or -EBADMSG. */
int nc_doll_parse(const struct nlmsghdr *nlh, struct nc_doll *d);
void nc_doll_free(struct nc_doll *d);

/* doll-get do for one id into *d; 0 or -errno, for nc_nl_report(). */
int nc_doll_get(struct nc_nl *nl, uint32_t id, struct nc_doll *d);
/* A consistent dump of every doll into *set (empty first); -errno. */
int nc_dolls_dump(struct nc_nl *nl, struct nc_dolls *set);
void nc_dolls_free(struct nc_dolls *set);

const struct nc_doll *nc_dolls_find(const struct nc_dolls *set, uint32_t id);
/* Whether d is root or below it in the tree (by path). */
bool nc_doll_within(const struct nc_doll *d, const struct nc_doll *root);

#endif
