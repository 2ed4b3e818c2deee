// SPDX-License-Identifier: GPL-2.0-only
/*
 * Envelopes: the values, their wire form and this kernel's own envelope.
 * What it may hand out is worked out in room.c, admission lives in
 * admit.c, changes in set.c.
 */
#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/netlink.h>
#include <uapi/linux/kvm_nest.h>

#include "../channel/depth.h"
#include "env.h"
#include "room.h"

/*
 * Room for a list as people write it ("0,1,2,3,..."), not just as we
 * print it: the parsed set must still fit in KN_CPUS_RANGES ranges.
 */
#define KN_ENV_CPUS_LEN		4096
static_assert(KN_CPUS_MAX == 8192);	/* the messages below say so */

const struct nla_policy kn_env_policy[KVM_NEST_A_ENV_MAX + 1] = {
	[KVM_NEST_A_ENV_CPU_LIMIT] = { .type = NLA_U32 },
	[KVM_NEST_A_ENV_CPU_RESERVE] = { .type = NLA_U32 },
	[KVM_NEST_A_ENV_CPU_WEIGHT] = NLA_POLICY_MAX(NLA_U32,
						     KN_ENV_WEIGHT_MAX),
	[KVM_NEST_A_ENV_CPUS] = { .type = NLA_NUL_STRING,
				  .len = KN_ENV_CPUS_LEN },
	[KVM_NEST_A_ENV_MEM_LIMIT] = { .type = NLA_U64 },
	[KVM_NEST_A_ENV_MEM_RESERVE] = { .type = NLA_U64 },
};

static DEFINE_SPINLOCK(kn_env_self_lock);
static struct kn_env kn_env_self;
static u32 kn_env_self_cpu;
static u64 kn_env_self_mem;

/* "" unsets; else a list of CPUs 0-8191 in at most KN_CPUS_RANGES ranges. */
static int kn_env_parse_cpus(const struct nlattr *a, struct kn_cpus *c,
			     struct netlink_ext_ack *extack)
{
	unsigned long *bits;
	char *s;
	int err = -ENOMEM;

	if (nla_len(a) <= 1)
		return 0;
	/* bitmap_parselist reads a NUL-terminated copy. */
	s = nla_strdup(a, GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	bits = bitmap_zalloc(KN_CPUS_MAX, GFP_KERNEL_ACCOUNT);
	if (!bits)
		goto out_s;
	if (bitmap_parselist(s, bits, KN_CPUS_MAX) ||
	    bitmap_empty(bits, KN_CPUS_MAX)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "not a CPU list of CPUs 0-8191, like 0-3,128-255");
		err = -EINVAL;
		goto out_bits;
	}
	err = kn_cpus_from_bitmap(c, bits, KN_CPUS_MAX);
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "a CPU list of more than 32 ranges, like 0,2,4,...,64");
		err = -EINVAL;
	}
out_bits:
	bitmap_free(bits);
out_s:
	kfree(s);
	return err;
}

int kn_env_parse(const struct nlattr *nest, struct kn_env_change *c,
		 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KVM_NEST_A_ENV_MAX + 1];
	struct kn_env *v = &c->v;
	int err, i;

	memset(c, 0, sizeof(*c));
	err = nla_parse_nested(tb, KVM_NEST_A_ENV_MAX, nest, kn_env_policy,
			       extack);
	if (err)
		return err;
	for (i = KVM_NEST_A_ENV_CPU_LIMIT; i <= KVM_NEST_A_ENV_MAX; i++)
		if (tb[i])
			c->set |= BIT(i);
	if (tb[KVM_NEST_A_ENV_CPU_LIMIT])
		v->cpu_limit = nla_get_u32(tb[KVM_NEST_A_ENV_CPU_LIMIT]);
	if (tb[KVM_NEST_A_ENV_CPU_RESERVE])
		v->cpu_reserve = nla_get_u32(tb[KVM_NEST_A_ENV_CPU_RESERVE]);
	if (tb[KVM_NEST_A_ENV_CPU_WEIGHT])
		v->cpu_weight = nla_get_u32(tb[KVM_NEST_A_ENV_CPU_WEIGHT]);
	if (tb[KVM_NEST_A_ENV_MEM_LIMIT])
		v->mem_limit = nla_get_u64(tb[KVM_NEST_A_ENV_MEM_LIMIT]);
	if (tb[KVM_NEST_A_ENV_MEM_RESERVE])
		v->mem_reserve = nla_get_u64(tb[KVM_NEST_A_ENV_MEM_RESERVE]);
	if (tb[KVM_NEST_A_ENV_CPUS])
		return kn_env_parse_cpus(tb[KVM_NEST_A_ENV_CPUS], &v->cpus,
					 extack);
	return 0;
}

void kn_env_merge(struct kn_env *env, const struct kn_env_change *c)
{
	if (c->set & BIT(KVM_NEST_A_ENV_CPU_LIMIT))
		env->cpu_limit = c->v.cpu_limit;
	if (c->set & BIT(KVM_NEST_A_ENV_CPU_RESERVE))
		env->cpu_reserve = c->v.cpu_reserve;
	if (c->set & BIT(KVM_NEST_A_ENV_CPU_WEIGHT))
		env->cpu_weight = c->v.cpu_weight;
	if (c->set & BIT(KVM_NEST_A_ENV_CPUS))
		env->cpus = c->v.cpus;
	if (c->set & BIT(KVM_NEST_A_ENV_MEM_LIMIT))
		env->mem_limit = c->v.mem_limit;
	if (c->set & BIT(KVM_NEST_A_ENV_MEM_RESERVE))
		env->mem_reserve = c->v.mem_reserve;
}

/* Printed straight into the message: no list-sized buffer on the stack. */
static int kn_env_put_cpus(struct sk_buff *skb, const struct kn_cpus *c)
{
	int n = kn_cpus_fmt(NULL, 0, c);
	struct nlattr *a = nla_reserve(skb, KVM_NEST_A_ENV_CPUS, n + 1);

	if (!a)
		return -EMSGSIZE;
	kn_cpus_fmt(nla_data(a), n + 1, c);
	return 0;
}

/* Unset CPUs resolve to the online ones, more than KN_CPUS_RANGES maybe. */
static int kn_env_put_online(struct sk_buff *skb)
{
	cpumask_var_t on;
	struct nlattr *a;
	int n, err = -EMSGSIZE;

	/* One snapshot for the length and the text. */
	if (!zalloc_cpumask_var(&on, GFP_KERNEL))
		return -ENOMEM;
	cpumask_copy(on, cpu_online_mask);
	n = snprintf(NULL, 0, "%*pbl", cpumask_pr_args(on));
	a = nla_reserve(skb, KVM_NEST_A_ENV_CPUS, n + 1);
	if (a) {
		snprintf(nla_data(a), n + 1, "%*pbl", cpumask_pr_args(on));
		err = 0;
	}
	free_cpumask_var(on);
	return err;
}

/* Puts the fields in @set, or those non-zero when @set is 0. */
static int kn_env_put_fields(struct sk_buff *skb, const struct kn_env *e,
			     u32 set)
{
#define KN_ENV_WANT(a, v)	(set ? (set & BIT(a)) : (v) != 0)
	if ((KN_ENV_WANT(KVM_NEST_A_ENV_CPU_LIMIT, e->cpu_limit) &&
	     nla_put_u32(skb, KVM_NEST_A_ENV_CPU_LIMIT, e->cpu_limit)) ||
	    (KN_ENV_WANT(KVM_NEST_A_ENV_CPU_RESERVE, e->cpu_reserve) &&
	     nla_put_u32(skb, KVM_NEST_A_ENV_CPU_RESERVE, e->cpu_reserve)) ||
	    (KN_ENV_WANT(KVM_NEST_A_ENV_CPU_WEIGHT, e->cpu_weight) &&
	     nla_put_u32(skb, KVM_NEST_A_ENV_CPU_WEIGHT, e->cpu_weight)) ||
	    (KN_ENV_WANT(KVM_NEST_A_ENV_CPUS, e->cpus.nr) &&
	     kn_env_put_cpus(skb, &e->cpus)) ||
	    (KN_ENV_WANT(KVM_NEST_A_ENV_MEM_LIMIT, e->mem_limit) &&
	     nla_put_u64_64bit(skb, KVM_NEST_A_ENV_MEM_LIMIT, e->mem_limit,
			       KVM_NEST_A_ENV_PAD)) ||
	    (KN_ENV_WANT(KVM_NEST_A_ENV_MEM_RESERVE, e->mem_reserve) &&
	     nla_put_u64_64bit(skb, KVM_NEST_A_ENV_MEM_RESERVE, e->mem_reserve,
			       KVM_NEST_A_ENV_PAD)))
		return -EMSGSIZE;
	return 0;
#undef KN_ENV_WANT
}

static int kn_env_put_nest(struct sk_buff *skb, int type,
			   const struct kn_env *e, u32 set)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	if (kn_env_put_fields(skb, e, set)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int kn_env_put(struct sk_buff *skb, int type, const struct kn_env *env)
{
	return kn_env_put_nest(skb, type, env, 0);
}

int kn_env_put_change(struct sk_buff *skb, int type,
		      const struct kn_env_change *c)
{
	/* An empty change still needs a nest: "set nothing" is valid. */
	return kn_env_put_nest(skb, type, &c->v, c->set ?: BIT(0));
}

int kn_env_put_resolved(struct sk_buff *skb, int type, const struct kn_env *env,
			const struct kn_env_room *room)
{
	struct kn_env r = *env;
	u32 all = GENMASK(KVM_NEST_A_ENV_MAX, KVM_NEST_A_ENV_CPU_LIMIT);
	struct nlattr *nest;

	/* 0 stays "unlimited" only where nothing above us limits. */
	if (!r.cpu_limit && room->cpu_cap < num_online_cpus() * 1000)
		r.cpu_limit = room->cpu_cap;
	if (!r.mem_limit && room->mem_cap < totalram_pages() << PAGE_SHIFT)
		r.mem_limit = room->mem_cap;
	r.cpu_weight = r.cpu_weight ?: KN_ENV_WEIGHT_DEFAULT;
	if (r.cpus.nr)
		return kn_env_put_nest(skb, type, &r, all);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (kn_env_put_fields(skb, &r, all & ~BIT(KVM_NEST_A_ENV_CPUS)) ||
	    kn_env_put_online(skb)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

bool kn_env_self_set(const struct kn_env *env, u32 usage_cpu, u64 usage_mem)
{
	bool limit_changed;

	spin_lock(&kn_env_self_lock);
	limit_changed = kn_env_self.cpu_limit != env->cpu_limit;
	kn_env_self = *env;
	kn_env_self_cpu = usage_cpu;
	kn_env_self_mem = usage_mem;
	spin_unlock(&kn_env_self_lock);
	return limit_changed;
}

void kn_env_self_get(struct kn_env *env, u32 *usage_cpu, u64 *usage_mem)
{
	spin_lock(&kn_env_self_lock);
	*env = kn_env_self;
	*usage_cpu = kn_env_self_cpu;
	*usage_mem = kn_env_self_mem;
	spin_unlock(&kn_env_self_lock);
}

void kn_env_room(struct kn_env_room *room)
{
	u64 ram = (u64)totalram_pages() << PAGE_SHIFT;
	u32 cpu = num_online_cpus() * 1000;
	struct kn_env self;
	u32 ucpu;
	u64 umem;

	kn_env_self_get(&self, &ucpu, &umem);
	kn_env_room_of(&self, cpu, ram, kn_depth(), room);
}

int kn_env_fmt_cpu(char *buf, size_t len, u32 milli)
{
	if (!milli)
		return scnprintf(buf, len, "max");
	return scnprintf(buf, len, "%u.%03u", milli / 1000, milli % 1000);
}
