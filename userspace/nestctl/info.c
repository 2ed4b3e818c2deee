// SPDX-License-Identifier: GPL-2.0-only
/* This kernel's own envelope and capacity, from info-get. */
#include <errno.h>
#include <linux/kvm_nest.h>

#include "attr.h"
#include "info.h"

static const enum mnl_attr_data_type nc_info_env_types[KVM_NEST_A_INFO_MAX + 1] = {
	[KVM_NEST_A_INFO_DEPTH] = MNL_TYPE_U32,
	[KVM_NEST_A_INFO_ENV] = MNL_TYPE_NESTED,
	[KVM_NEST_A_INFO_USAGE_CPU] = MNL_TYPE_U32,
	[KVM_NEST_A_INFO_USAGE_MEM] = MNL_TYPE_U64,
	[KVM_NEST_A_INFO_CAP_CPU] = MNL_TYPE_U32,
	[KVM_NEST_A_INFO_CAP_MEM] = MNL_TYPE_U64,
	[KVM_NEST_A_INFO_RESV_CPU] = MNL_TYPE_U32,
	[KVM_NEST_A_INFO_RESV_MEM] = MNL_TYPE_U64,
	[KVM_NEST_A_INFO_AGENT] = MNL_TYPE_FLAG,
	[KVM_NEST_A_INFO_OVERCOMMITTED] = MNL_TYPE_FLAG,
};

static int nc_info_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KVM_NEST_A_INFO_MAX + 1] = { 0 };
	struct nc_info *info = data;

	*info = (struct nc_info){ 0 };
	if (nc_attrs_parse(nlh, sizeof(struct genlmsghdr), nc_info_env_types,
			   KVM_NEST_A_INFO_MAX, tb))
		return -EBADMSG;
	info->has_depth = tb[KVM_NEST_A_INFO_DEPTH];
	info->depth = nc_attr_u32(tb[KVM_NEST_A_INFO_DEPTH], 0);
	if (tb[KVM_NEST_A_INFO_ENV]) {
		if (nc_env_parse(tb[KVM_NEST_A_INFO_ENV], &info->env))
			return -EBADMSG;
		info->has_env = true;
	}
	info->has_usage = tb[KVM_NEST_A_INFO_USAGE_CPU] || tb[KVM_NEST_A_INFO_USAGE_MEM];
	info->usage_cpu = nc_attr_u32(tb[KVM_NEST_A_INFO_USAGE_CPU], 0);
	info->usage_mem = nc_attr_u64(tb[KVM_NEST_A_INFO_USAGE_MEM], 0);
	info->cap_cpu = nc_attr_u32(tb[KVM_NEST_A_INFO_CAP_CPU], 0);
	info->cap_mem = nc_attr_u64(tb[KVM_NEST_A_INFO_CAP_MEM], 0);
	info->resv_cpu = nc_attr_u32(tb[KVM_NEST_A_INFO_RESV_CPU], 0);
	info->resv_mem = nc_attr_u64(tb[KVM_NEST_A_INFO_RESV_MEM], 0);
	info->has_resv = tb[KVM_NEST_A_INFO_RESV_CPU] && tb[KVM_NEST_A_INFO_RESV_MEM];
	info->agent = tb[KVM_NEST_A_INFO_AGENT];
	info->overcommitted = tb[KVM_NEST_A_INFO_OVERCOMMITTED];
	return 0;
}

int nc_info_get(struct nc_nl *nl, struct nc_info *info)
{
	*info = (struct nc_info){ 0 };
	nc_nl_req(nl, KVM_NEST_CMD_INFO_GET, NULL);
	return nc_nl_do(nl, nc_info_cb, info);
}
