/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_DELEG_NETLINK_H
#define KN_DELEG_NETLINK_H

#include <net/netlink.h>
#include <uapi/linux/kvm_nest.h>

struct genl_info;
struct kn_doll;
struct sk_buff;

/* Delegated exits: the per-doll switch, and its state in doll messages. */
int kn_nl_deleg_set_doit(struct sk_buff *skb, struct genl_info *info);
/* A doll's delegation state, for levels 1 and 2. */
int kn_nl_put_deleg(struct sk_buff *skb, struct kn_doll *d);
extern const struct nla_policy kn_nl_deleg_set_policy[KVM_NEST_A_DOLL_MAX + 1];

#endif
