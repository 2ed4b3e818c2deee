// SPDX-License-Identifier: GPL-2.0-only
/* The generic netlink controller: a family's id and its groups. */
#include <errno.h>
#include <string.h>

#include <linux/kvm_nest.h>

#include "attr.h"
#include "nl.h"

struct nc_family {
	uint16_t id;
	uint32_t events, agent;
};

static const enum mnl_attr_data_type nc_ctrl_types[CTRL_ATTR_MCAST_GROUPS + 1] = {
	[CTRL_ATTR_FAMILY_ID] = MNL_TYPE_U16,
	[CTRL_ATTR_MCAST_GROUPS] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type nc_grp_types[CTRL_ATTR_MCAST_GRP_ID + 1] = {
	[CTRL_ATTR_MCAST_GRP_NAME] = MNL_TYPE_NUL_STRING,
	[CTRL_ATTR_MCAST_GRP_ID] = MNL_TYPE_U32,
};

static int nc_family_group(const struct nlattr *g, void *data)
{
	const struct nlattr *gtb[CTRL_ATTR_MCAST_GRP_ID + 1] = { 0 };
	struct nc_family *f = data;
	const char *name;

	if (nc_attrs_parse_nest(g, nc_grp_types, CTRL_ATTR_MCAST_GRP_ID, gtb))
		return -EBADMSG;
	if (!gtb[CTRL_ATTR_MCAST_GRP_NAME] || !gtb[CTRL_ATTR_MCAST_GRP_ID])
		return 0;
	name = mnl_attr_get_str(gtb[CTRL_ATTR_MCAST_GRP_NAME]);
	if (!strcmp(name, KVM_NEST_MCGRP_EVENTS))
		f->events = mnl_attr_get_u32(gtb[CTRL_ATTR_MCAST_GRP_ID]);
	else if (!strcmp(name, KVM_NEST_MCGRP_AGENT))
		f->agent = mnl_attr_get_u32(gtb[CTRL_ATTR_MCAST_GRP_ID]);
	return 0;
}

static int nc_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GROUPS + 1] = { 0 };
	struct nc_family *f = data;

	if (nc_attrs_parse(nlh, sizeof(struct genlmsghdr), nc_ctrl_types,
			   CTRL_ATTR_MCAST_GROUPS, tb) ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return -EBADMSG;
	f->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	return nc_attrs_each_nested(tb[CTRL_ATTR_MCAST_GROUPS], NC_ATTR_ANY,
				    nc_family_group, f);
}

int nc_nl_family(struct nc_nl *nl, const char *name)
{
	struct nc_family f = { 0 };
	struct nlmsghdr *nlh;
	int err;

	nlh = nc_nl_req_to(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, NULL);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	err = nc_nl_do(nl, nc_family_cb, &f);
	if (err)
		return err;
	if (!f.id)
		return -EBADMSG;
	nl->family = f.id;
	nl->events = f.events;
	nl->agent = f.agent;
	return 0;
}
