// SPDX-License-Identifier: GPL-2.0-only
/* Pending envelopes, as PENDING_GET dumps them (pending.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm_nest.h>

#include "attr.h"
#include "pending.h"
#include "util.h"

static const enum mnl_attr_data_type nc_pending_types[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_NAME] = MNL_TYPE_NUL_STRING,
	[KVM_NEST_A_DOLL_UUID] = MNL_TYPE_NUL_STRING,
	[KVM_NEST_A_DOLL_ID] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_ENV] = MNL_TYPE_NESTED,
};

static int nc_pending_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KVM_NEST_A_DOLL_MAX + 1] = { 0 };
	struct nc_pendings *set = data;
	struct nc_pending *p;
	const char *name, *uuid;

	if (nc_attrs_parse(nlh, sizeof(struct genlmsghdr), nc_pending_types,
			   KVM_NEST_A_DOLL_MAX, tb) ||
	    !tb[KVM_NEST_A_DOLL_NAME] || !tb[KVM_NEST_A_DOLL_ENV])
		return -EBADMSG;
	name = mnl_attr_get_str(tb[KVM_NEST_A_DOLL_NAME]);
	uuid = nc_attr_str(tb[KVM_NEST_A_DOLL_UUID], "");
	if (!name[0] || strlen(name) > NC_NAME_MAX || strlen(uuid) >= NC_UUID_LEN)
		return -EBADMSG;
	set->v = nc_grow(set->v, &set->cap, set->n, sizeof(*set->v));
	p = &set->v[set->n];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->uuid, sizeof(p->uuid), "%s", uuid);
	p->doll = nc_attr_u32(tb[KVM_NEST_A_DOLL_ID], 0);
	if (nc_env_parse(tb[KVM_NEST_A_DOLL_ENV], &p->env))
		return -EBADMSG;
	set->n++;
	return 0;
}

static void nc_pendings_clear(void *data)
{
	((struct nc_pendings *)data)->n = 0;
}

int nc_pendings_dump(struct nc_nl *nl, struct nc_pendings *set)
{
	set->n = 0;
	return nc_nl_dump(nl, KVM_NEST_CMD_PENDING_GET, nc_pending_cb,
			  nc_pendings_clear, set);
}

void nc_pendings_free(struct nc_pendings *set)
{
	free(set->v);
	*set = (struct nc_pendings){ 0 };
}

const struct nc_pending *nc_pendings_find(const struct nc_pendings *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].name, name))
			return &set->v[i];
	return NULL;
}
