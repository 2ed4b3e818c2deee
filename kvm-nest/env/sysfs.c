// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a doll can read of its own envelope, one value per file, in the
 * style of cgroup v2: "max" for no limit.  See Documentation/envelopes.rst.
 */
#include <linux/cpumask.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "../channel/depth.h"
#include "env.h"
#include "sysfs.h"

static struct kobject *kn_sysfs_dir;

#define KN_SYSFS_PERIOD_US	100000	/* cgroup v2's default period */

static struct kn_env kn_sysfs_self(u32 *ucpu, u64 *umem)
{
	struct kn_env env;
	u32 c;
	u64 m;

	kn_env_self_get(&env, ucpu ?: &c, umem ?: &m);
	return env;
}

static ssize_t depth_show(struct kobject *k, struct kobj_attribute *a,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", kn_depth());
}

static ssize_t kn_sysfs_cpu(char *buf, u32 milli)
{
	char v[24];

	kn_env_fmt_cpu(v, sizeof(v), milli);
	return sysfs_emit(buf, "%s\n", v);
}

static ssize_t kn_sysfs_bytes(char *buf, u64 bytes, bool max)
{
	if (max && !bytes)
		return sysfs_emit(buf, "max\n");
	return sysfs_emit(buf, "%llu\n", bytes);
}

static ssize_t cpu_limit_show(struct kobject *k, struct kobj_attribute *a,
			      char *buf)
{
	return kn_sysfs_cpu(buf, kn_sysfs_self(NULL, NULL).cpu_limit);
}

/* cgroup v2's cpu.max: a quota per 100 ms period, or "max". */
static ssize_t cpu_max_show(struct kobject *k, struct kobj_attribute *a,
			    char *buf)
{
	u32 milli = kn_sysfs_self(NULL, NULL).cpu_limit;

	if (!milli)
		return sysfs_emit(buf, "max %u\n", KN_SYSFS_PERIOD_US);
	return sysfs_emit(buf, "%llu %u\n",
			  (u64)milli * KN_SYSFS_PERIOD_US / 1000,
			  KN_SYSFS_PERIOD_US);
}

static ssize_t cpu_reserve_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	u32 milli = kn_sysfs_self(NULL, NULL).cpu_reserve;

	return sysfs_emit(buf, "%u.%03u\n", milli / 1000, milli % 1000);
}

static ssize_t cpu_weight_show(struct kobject *k, struct kobj_attribute *a,
			       char *buf)
{
	u32 w = kn_sysfs_self(NULL, NULL).cpu_weight;

	return sysfs_emit(buf, "%u\n", w ?: KN_ENV_WEIGHT_DEFAULT);
}

static ssize_t cpus_show(struct kobject *k, struct kobj_attribute *a,
			 char *buf)
{
	/* Our parent's CPU set names its CPUs: ours are our online ones. */
	return sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(cpu_online_mask));
}

static ssize_t mem_limit_show(struct kobject *k, struct kobj_attribute *a,
			      char *buf)
{
	return kn_sysfs_bytes(buf, kn_sysfs_self(NULL, NULL).mem_limit, true);
}

static ssize_t mem_reserve_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	return kn_sysfs_bytes(buf, kn_sysfs_self(NULL, NULL).mem_reserve,
			      false);
}

static ssize_t usage_cpu_show(struct kobject *k, struct kobj_attribute *a,
			      char *buf)
{
	u32 milli;

	kn_sysfs_self(&milli, NULL);
	return sysfs_emit(buf, "%u.%03u\n", milli / 1000, milli % 1000);
}

static ssize_t usage_mem_show(struct kobject *k, struct kobj_attribute *a,
			      char *buf)
{
	u64 bytes;

	kn_sysfs_self(NULL, &bytes);
	return kn_sysfs_bytes(buf, bytes, false);
}

#define KN_RO(_var, _name, _fn) \
	static struct kobj_attribute _var = __ATTR(_name, 0444, _fn, NULL)

KN_RO(kn_a_depth, depth, depth_show);
KN_RO(kn_a_cpu_limit, cpu.limit, cpu_limit_show);
KN_RO(kn_a_cpu_max, cpu.max, cpu_max_show);
KN_RO(kn_a_cpu_reserve, cpu.reserve, cpu_reserve_show);
KN_RO(kn_a_cpu_weight, cpu.weight, cpu_weight_show);
KN_RO(kn_a_cpus, cpus, cpus_show);
KN_RO(kn_a_mem_limit, mem.limit, mem_limit_show);
KN_RO(kn_a_mem_reserve, mem.reserve, mem_reserve_show);
KN_RO(kn_a_usage_cpu, cpu, usage_cpu_show);
KN_RO(kn_a_usage_mem, mem, usage_mem_show);

static struct attribute *kn_top_attrs[] = { &kn_a_depth.attr, NULL };

static struct attribute *kn_env_attrs[] = {
	&kn_a_cpu_limit.attr, &kn_a_cpu_max.attr, &kn_a_cpu_reserve.attr,
	&kn_a_cpu_weight.attr,
	&kn_a_cpus.attr, &kn_a_mem_limit.attr, &kn_a_mem_reserve.attr, NULL,
};

static struct attribute *kn_usage_attrs[] = {
	&kn_a_usage_cpu.attr, &kn_a_usage_mem.attr, NULL,
};

static const struct attribute_group kn_top_group = { .attrs = kn_top_attrs };
static const struct attribute_group kn_env_group = {
	.name = "envelope", .attrs = kn_env_attrs,
};

static const struct attribute_group kn_usage_group = {
	.name = "usage", .attrs = kn_usage_attrs,
};

static const struct attribute_group *kn_groups[] = {
	&kn_top_group, &kn_env_group, &kn_usage_group, NULL,
};

int kn_sysfs_init(void)
{
	int err;

	kn_sysfs_dir = kobject_create_and_add("kvm_nest", kernel_kobj);
	if (!kn_sysfs_dir)
		return -ENOMEM;
	err = sysfs_create_groups(kn_sysfs_dir, kn_groups);
	if (err) {
		kobject_put(kn_sysfs_dir);
		kn_sysfs_dir = NULL;
	}
	return err;
}

void kn_sysfs_exit(void)
{
	sysfs_remove_groups(kn_sysfs_dir, kn_groups);
	kobject_put(kn_sysfs_dir);
}
