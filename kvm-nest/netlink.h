/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_NETLINK_H
#define KN_NETLINK_H

#include <linux/types.h>
#include <net/netlink.h>
#include <uapi/linux/kvm_nest.h>

struct genl_info;
struct kn_agent_req;
struct kn_event;
struct sk_buff;

extern struct genl_family kn_nl_family;

int kn_nl_init(void);
void kn_nl_exit(void);
/* Whether kvm-nest is attached to KVM (INFO_GET answers only then). */
void kn_nl_set_attached(bool attached);
bool kn_nl_has_listeners(void);
void kn_nl_notify(const struct kn_event *e);
/* Multicasts an AGENT_APPLY; -ESRCH when no agent listens. */
int kn_nl_agent_apply(u64 cookie, const struct kn_agent_req *req);
void *kn_nl_put_header(struct sk_buff *skb, const struct genl_info *info, u8 cmd);
int kn_nl_put_doll_id(struct sk_buff *skb, u32 id, const char *path,
		      u32 level, u32 parent, u32 pid, const char *name);

/* Envelope and command ops, netlink_env.c */
int kn_nl_env_set_doit(struct sk_buff *skb, struct genl_info *info);
int kn_nl_env_del_doit(struct sk_buff *skb, struct genl_info *info);
int kn_nl_ping_doit(struct sk_buff *skb, struct genl_info *info);
int kn_nl_agent_done_doit(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy kn_nl_env_set_policy[KVM_NEST_A_DOLL_MAX + 1];
extern const struct nla_policy kn_nl_env_del_policy[KVM_NEST_A_DOLL_MAX + 1];
extern const struct nla_policy kn_nl_ping_policy[KVM_NEST_A_DOLL_MAX + 1];
extern const struct nla_policy kn_nl_agent_done_policy[KVM_NEST_A_DOLL_MAX + 1];
/*
 * A refusal's reason @why, as a message of its own before the error @err;
 * returns @err.
 */
int kn_nl_refuse(struct genl_info *info, u8 cmd, int err, const char *why);

/* Delegated exits, netlink_deleg.c */
struct kn_doll;
int kn_nl_deleg_set_doit(struct sk_buff *skb, struct genl_info *info);
/* A doll's delegation state, for levels 1 and 2. */
int kn_nl_put_deleg(struct sk_buff *skb, struct kn_doll *d);
extern const struct nla_policy kn_nl_deleg_set_policy[KVM_NEST_A_DOLL_MAX + 1];

#endif
