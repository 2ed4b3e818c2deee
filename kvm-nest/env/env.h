/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_H
#define KN_ENV_H

#include <linux/types.h>
#include <net/netlink.h>
#include <uapi/linux/kvm_nest.h>

#include "cpus.h"

#define KN_ENV_WEIGHT_DEFAULT	100
#define KN_ENV_WEIGHT_MAX	10000
/* Room for a refusal that names dolls and numbers. */
#define KN_ENV_WHY_LEN		256

/*
 * A doll's envelope as set: zero means "not set", that is, bounded by
 * the hosting kernel's own envelope and reserving nothing.
 */
struct kn_env {
	u32 cpu_limit;		/* milli-CPUs */
	u32 cpu_reserve;
	u32 cpu_weight;
	struct kn_cpus cpus;	/* CPUs of the kernel hosting the doll */
	u64 mem_limit;		/* bytes */
	u64 mem_reserve;
};

/* Which fields a change sets, one bit per KVM_NEST_A_ENV_* type. */
struct kn_env_change {
	struct kn_env v;
	u32 set;
};

/* What this kernel may hand out to the dolls it hosts. */
struct kn_env_room {
	u32 cpu_cap;		/* milli-CPUs any one doll may use */
	u64 mem_cap;
	u32 cpu_resv;		/* milli-CPUs all dolls may reserve */
	u64 mem_resv;
};

extern const struct nla_policy kn_env_policy[KVM_NEST_A_ENV_MAX + 1];

int kn_env_parse(const struct nlattr *nest, struct kn_env_change *c,
		 struct netlink_ext_ack *extack);
void kn_env_merge(struct kn_env *env, const struct kn_env_change *c);
/* Puts the set fields of @env in a nest of @type; an empty nest if none. */
int kn_env_put(struct sk_buff *skb, int type, const struct kn_env *env);
int kn_env_put_change(struct sk_buff *skb, int type,
		      const struct kn_env_change *c);
/* Every field resolved against @room, for the agent that enforces it. */
int kn_env_put_resolved(struct sk_buff *skb, int type, const struct kn_env *env,
			const struct kn_env_room *room);

/*
 * This kernel's own envelope, as its kvm-nest parent set it.  Every fetch
 * sets it again: _set() says whether cpu.limit changed.
 */
bool kn_env_self_set(const struct kn_env *env, u32 usage_cpu, u64 usage_mem);
void kn_env_self_get(struct kn_env *env, u32 *usage_cpu, u64 *usage_mem);
void kn_env_room(struct kn_env_room *room);

/* "1.500" or "max" for milli-CPUs, into @buf. */
int kn_env_fmt_cpu(char *buf, size_t len, u32 milli);

#endif
