/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_NETLINK_H
#define KN_ENV_NETLINK_H

#include <net/netlink.h>
#include <uapi/linux/kvm_nest.h>

struct genl_info;
struct netlink_callback;
struct sk_buff;

/* Envelope and command ops (env/netlink.c) */
int kn_nl_env_set_doit(struct sk_buff *skb, struct genl_info *info);
int kn_nl_env_del_doit(struct sk_buff *skb, struct genl_info *info);
int kn_nl_ping_doit(struct sk_buff *skb, struct genl_info *info);
int kn_nl_agent_done_doit(struct sk_buff *skb, struct genl_info *info);
int kn_nl_agent_progress_doit(struct sk_buff *skb, struct genl_info *info);
/* The named envelopes waiting for their dolls (env/pending_dump.c) */
int kn_nl_pending_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
extern const struct nla_policy kn_nl_env_set_policy[KVM_NEST_A_DOLL_MAX + 1];
extern const struct nla_policy kn_nl_env_del_policy[KVM_NEST_A_DOLL_MAX + 1];
extern const struct nla_policy kn_nl_ping_policy[KVM_NEST_A_DOLL_MAX + 1];
extern const struct nla_policy kn_nl_agent_done_policy[KVM_NEST_A_DOLL_MAX + 1];
extern const struct nla_policy kn_nl_agent_progress_policy[KVM_NEST_A_DOLL_MAX + 1];

#endif
