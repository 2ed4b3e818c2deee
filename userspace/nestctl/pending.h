/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pending envelopes: set by name for level-1 VMs that do not run yet
 * (PENDING_GET dump).  Reading them needs CAP_NET_ADMIN.
 */
#ifndef NC_PENDING_H
#define NC_PENDING_H

#include "env.h"
#include "nl.h"

/* A uuid's text and its NUL. */
#define NC_UUID_LEN		37

struct nc_pending {
	char name[NC_NAME_MAX + 1];
	char uuid[NC_UUID_LEN];	/* a libvirt domain's, else "" */
	uint32_t doll;		/* the running doll it is attached to, or 0 */
	struct nc_env env;
};

struct nc_pendings {
	struct nc_pending *v;
	size_t n, cap;
};

/* 0 or -errno (-EPERM without CAP_NET_ADMIN). */
int nc_pendings_dump(struct nc_nl *nl, struct nc_pendings *set);
void nc_pendings_free(struct nc_pendings *set);
const struct nc_pending *nc_pendings_find(const struct nc_pendings *set, const char *name);

#endif
