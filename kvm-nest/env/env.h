/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_H
#define KN_ENV_H

#include <linux/types.h>
#include <net/netlink.h>
#include <uapi/linux/kvm_nest.h>

#include "env_types.h"

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
