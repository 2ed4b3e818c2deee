// SPDX-License-Identifier: GPL-2.0-only
/* Envelopes: the KVM_NEST_A_ENV_* nest, parsed, built and printed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/kvm_nest.h>

#include "attr.h"
#include "env.h"
#include "units.h"

static const enum mnl_attr_data_type nc_env_types[KVM_NEST_A_ENV_MAX + 1] = {
	[KVM_NEST_A_ENV_CPU_LIMIT] = MNL_TYPE_U32,
	[KVM_NEST_A_ENV_CPU_RESERVE] = MNL_TYPE_U32,
	[KVM_NEST_A_ENV_CPU_WEIGHT] = MNL_TYPE_U32,
	[KVM_NEST_A_ENV_CPUS] = MNL_TYPE_NUL_STRING,
	[KVM_NEST_A_ENV_MEM_LIMIT] = MNL_TYPE_U64,
	[KVM_NEST_A_ENV_MEM_RESERVE] = MNL_TYPE_U64,
};

int nc_env_parse(const struct nlattr *a, struct nc_env *env)
{
	const struct nlattr *tb[KVM_NEST_A_ENV_MAX + 1] = { 0 };
	const char *cpus;

	*env = (struct nc_env){ 0 };
	if (nc_attrs_parse_nest(a, nc_env_types, KVM_NEST_A_ENV_MAX, tb))
		return -EBADMSG;
	cpus = nc_attr_str(tb[KVM_NEST_A_ENV_CPUS], "");
	if (strlen(cpus) >= sizeof(env->cpus))
		return -EBADMSG;
	env->cpu_limit = nc_attr_u32(tb[KVM_NEST_A_ENV_CPU_LIMIT], 0);
	env->cpu_reserve = nc_attr_u32(tb[KVM_NEST_A_ENV_CPU_RESERVE], 0);
	env->cpu_weight = nc_attr_u32(tb[KVM_NEST_A_ENV_CPU_WEIGHT], 0);
	env->mem_limit = nc_attr_u64(tb[KVM_NEST_A_ENV_MEM_LIMIT], 0);
	env->mem_reserve = nc_attr_u64(tb[KVM_NEST_A_ENV_MEM_RESERVE], 0);
	snprintf(env->cpus, sizeof(env->cpus), "%s", cpus);
	env->has = (env->cpu_limit ? NC_ENV_CPU_LIMIT : 0) |
		   (env->cpu_reserve ? NC_ENV_CPU_RESERVE : 0) |
		   (env->cpu_weight ? NC_ENV_CPU_WEIGHT : 0) |
		   (env->cpus[0] ? NC_ENV_CPUS : 0) |
		   (env->mem_limit ? NC_ENV_MEM_LIMIT : 0) |
		   (env->mem_reserve ? NC_ENV_MEM_RESERVE : 0);
	return 0;
}

void nc_env_put(struct nlmsghdr *nlh, uint16_t type, const struct nc_env *env)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	if (env->has & NC_ENV_CPU_LIMIT)
		mnl_attr_put_u32(nlh, KVM_NEST_A_ENV_CPU_LIMIT, env->cpu_limit);
	if (env->has & NC_ENV_CPU_RESERVE)
		mnl_attr_put_u32(nlh, KVM_NEST_A_ENV_CPU_RESERVE, env->cpu_reserve);
	if (env->has & NC_ENV_CPU_WEIGHT)
		mnl_attr_put_u32(nlh, KVM_NEST_A_ENV_CPU_WEIGHT, env->cpu_weight);
	if (env->has & NC_ENV_CPUS)
		mnl_attr_put_strz(nlh, KVM_NEST_A_ENV_CPUS, env->cpus);
	if (env->has & NC_ENV_MEM_LIMIT)
		mnl_attr_put_u64(nlh, KVM_NEST_A_ENV_MEM_LIMIT, env->mem_limit);
	if (env->has & NC_ENV_MEM_RESERVE)
		mnl_attr_put_u64(nlh, KVM_NEST_A_ENV_MEM_RESERVE, env->mem_reserve);
	mnl_attr_nest_end(nlh, nest);
}

void nc_env_print(struct nc_print *p, const struct nc_env *env)
{
	uint32_t weight = env->cpu_weight ? env->cpu_weight : NC_WEIGHT_DEFAULT;

	if (env->cpu_limit)
		nc_pr_milli(p, NC_ANY, "cpu.limit", "cpu_limit", env->cpu_limit);
	else
		nc_pr_unset(p, "cpu.limit", "max", "cpu_limit");
	nc_pr_milli(p, NC_ANY, "cpu.reserve", "cpu_reserve", env->cpu_reserve);
	nc_pr_uint(p, NC_TEXT, "cpu.weight", weight);
	nc_pr_uint(p, NC_JSON, "cpu_weight", weight);
	nc_pr_str(p, NC_TEXT, "cpus", env->cpus[0] ? env->cpus : "all");
	nc_pr_str(p, NC_JSON, "cpus", env->cpus);
	if (env->mem_limit)
		nc_pr_size(p, NC_ANY, "mem.limit", "mem_limit", env->mem_limit);
	else
		nc_pr_unset(p, "mem.limit", "max", "mem_limit");
	nc_pr_size(p, NC_ANY, "mem.reserve", "mem_reserve", env->mem_reserve);
}
