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
/* Whether the family is registered: nothing is sent outside that. */
bool kn_nl_registered(void);
bool kn_nl_has_listeners(void);
void kn_nl_notify(const struct kn_event *e);
/* Multicasts an AGENT_APPLY; -ESRCH when no agent listens. */
int kn_nl_agent_apply(u64 cookie, const struct kn_agent_req *req);
void *kn_nl_put_header(struct sk_buff *skb, const struct genl_info *info, u8 cmd);
int kn_nl_put_doll_id(struct sk_buff *skb, u32 id, const char *path,
		      u32 level, u32 parent, u32 pid, const char *name);

/*
 * A refusal's reason @why, as a message of its own before the error @err;
 * returns @err.
 */
int kn_nl_refuse(struct genl_info *info, u8 cmd, int err, const char *why);

/*
 * Ops that wait for others, netlink_op.c.  Each feature's ops are in its
 * folder: env/netlink.h, deleg/netlink.h.
 */
struct kn_cmd;
/*
 * Ops queued at once, of them from one socket (so that one busy client
 * cannot starve the others), and how many run at a time.
 */
#define KN_NL_OPS_MAX		64
#define KN_NL_OPS_PER_SOCKET	16
#define KN_NL_OPS_ACTIVE	16
/*
 * Queues @cmd (on doll @cmd->id, or ENV_SET on pending envelope @name,
 * of domain @uuid if not empty; with @pid, a bind of it to that process),
 * replies with its cookie and returns; the outcome goes to the requester
 * as RESULT_NTF.
 */
int kn_nl_op_queue(struct genl_info *info, const struct kn_cmd *cmd,
		   const char *name, const char *uuid, u32 pid);
int kn_nl_op_init(void);
/* Refuse new ops, finish those under way: before what they use goes. */
void kn_nl_op_stop(void);
void kn_nl_op_exit(void);

#endif
