// SPDX-License-Identifier: GPL-2.0-only
/*
 * Netlink ops that change envelopes or travel down the tree.  They may
 * wait a minute (an agent ballooning a doll, a child far below), so the
 * handlers check what they can tell at once and queue the rest
 * (netlink_op.c): the outcome comes later, as RESULT_NTF.
 */
#include <linux/uuid.h>
#include <net/genetlink.h>

#include "../cmd.h"
#include "../doll.h"
#include "../event.h"
#include "../netlink.h"
#include "agent.h"
#include "netlink.h"
#include "pending.h"

const struct nla_policy kn_nl_env_set_policy[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KVM_NEST_A_DOLL_NAME] = { .type = NLA_NUL_STRING,
				   .len = KN_NAME_LEN - 1 },
	[KVM_NEST_A_DOLL_ENV] = NLA_POLICY_NESTED(kn_env_policy),
	[KVM_NEST_A_DOLL_DRY_RUN] = { .type = NLA_FLAG },
	[KVM_NEST_A_DOLL_UUID] = { .type = NLA_NUL_STRING,
				   .len = KN_UUID_LEN - 1 },
	[KVM_NEST_A_DOLL_PID] = NLA_POLICY_MIN(NLA_U32, 1),
};

const struct nla_policy kn_nl_env_del_policy[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KVM_NEST_A_DOLL_NAME] = { .type = NLA_NUL_STRING,
				   .len = KN_NAME_LEN - 1 },
	[KVM_NEST_A_DOLL_UUID] = { .type = NLA_NUL_STRING,
				   .len = KN_UUID_LEN - 1 },
};

const struct nla_policy kn_nl_ping_policy[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

const struct nla_policy kn_nl_agent_done_policy[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_COOKIE] = { .type = NLA_U64 },
	[KVM_NEST_A_DOLL_ERROR] = NLA_POLICY_MAX(NLA_U32, MAX_ERRNO),
	[KVM_NEST_A_DOLL_MSG] = { .type = NLA_NUL_STRING,
				  .len = KN_ENV_WHY_LEN - 1 },
};

static const struct nla_policy kn_progress_policy[KVM_NEST_A_PROGRESS_MAX + 1] = {
	[KVM_NEST_A_PROGRESS_STATE] = NLA_POLICY_RANGE(NLA_U32,
						       KVM_NEST_PROGRESS_RUNNING,
						       KVM_NEST_PROGRESS_FAILED),
	[KVM_NEST_A_PROGRESS_MEM_START] = { .type = NLA_U64 },
	[KVM_NEST_A_PROGRESS_MEM_NOW] = { .type = NLA_U64 },
	[KVM_NEST_A_PROGRESS_MEM_TARGET] = { .type = NLA_U64 },
	[KVM_NEST_A_PROGRESS_ELAPSED_MS] = { .type = NLA_U32 },
};

const struct nla_policy kn_nl_agent_progress_policy[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_COOKIE] = { .type = NLA_U64 },
	[KVM_NEST_A_DOLL_PROGRESS] = NLA_POLICY_NESTED(kn_progress_policy),
};

/*
 * A refusal's full reason does not fit an extack (static strings on 6.1,
 * 80 bytes on 6.12): it goes in a message of its own, before the error.
 */
int kn_nl_refuse(struct genl_info *info, u8 cmd, int err, const char *why)
{
	struct sk_buff *msg;
	void *hdr;

	if (!why[0])
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return err;
	hdr = kn_nl_put_header(msg, info, cmd);
	if (!hdr || nla_put_string(msg, KVM_NEST_A_DOLL_REFUSAL, why)) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	genlmsg_reply(msg, info);
	NL_SET_ERR_MSG(info->extack, "refused: see the refusal message");
	return err;
}

/*
 * A doll by id, or by name for a pending envelope: exactly one of them.
 * A uuid (a libvirt domain's) and a pid (the process that runs it) go
 * with a name only.
 */
static int kn_nl_env_target(struct genl_info *info, char *uuid)
{
	struct nlattr *id = info->attrs[KVM_NEST_A_DOLL_ID];
	struct nlattr *name = info->attrs[KVM_NEST_A_DOLL_NAME];
	struct nlattr *u = info->attrs[KVM_NEST_A_DOLL_UUID];
	struct nlattr *pid = info->attrs[KVM_NEST_A_DOLL_PID];

	uuid[0] = '\0';
	if (!id == !name) {
		NL_SET_ERR_MSG_ATTR(info->extack, id ?: name,
				    "give a doll id or a pending doll's name, not both");
		return -EINVAL;
	}
	if (id && (u || pid)) {
		NL_SET_ERR_MSG_ATTR(info->extack, u ?: pid,
				    "a uuid or pid goes with a pending doll's name only");
		return -EINVAL;
	}
	if (pid && !u) {
		NL_SET_ERR_MSG_ATTR(info->extack, pid,
				    "binding a pending envelope to a pid needs its domain's uuid");
		return -EINVAL;
	}
	if (!u)
		return 0;
	nla_strscpy(uuid, u, KN_UUID_LEN);
	if (!uuid_is_valid(uuid)) {
		NL_SET_ERR_MSG_ATTR(info->extack, u,
				    "uuid: want 8-4-4-4-12 hex digits");
		return -EINVAL;
	}
	return 0;
}

/*
 * Queues @cmd on the doll the request names: by id at any depth, or by
 * name.  Refusals known at once are answered here.
 */
static int kn_nl_env_run(struct genl_info *info, struct kn_cmd *cmd,
			 const char *uuid)
{
	struct nlattr *name = info->attrs[KVM_NEST_A_DOLL_NAME];
	struct nlattr *pid = info->attrs[KVM_NEST_A_DOLL_PID];
	struct kn_cmd_result res = {};
	char buf[KN_NAME_LEN];
	int err;

	if (!name) {
		cmd->id = nla_get_u32(info->attrs[KVM_NEST_A_DOLL_ID]);
		err = kn_cmd_route(cmd->id, &res);
		if (err)
			return kn_nl_refuse(info, cmd->cmd, err, res.why);
		return kn_nl_op_queue(info, cmd, NULL, NULL, 0);
	}
	nla_strscpy(buf, name, sizeof(buf));
	if (cmd->cmd == KVM_NEST_CMD_ENV_DEL) {
		/* Dropping a pending envelope never waits for anyone. */
		err = kn_env_pending_del(buf, uuid);
		if (err)
			NL_SET_ERR_MSG_ATTR(info->extack, name,
					    "no pending envelope with this name (and uuid)");
		return err;
	}
	return kn_nl_op_queue(info, cmd, buf, uuid, pid ? nla_get_u32(pid) : 0);
}

int kn_nl_env_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kn_cmd cmd = { .cmd = KVM_NEST_CMD_ENV_SET };
	char uuid[KN_UUID_LEN];
	int err;

	err = kn_nl_env_target(info, uuid);
	if (err)
		return err;
	/* A bind (name, uuid, pid) changes no field. */
	if (info->attrs[KVM_NEST_A_DOLL_PID]) {
		if (info->attrs[KVM_NEST_A_DOLL_ENV] ||
		    info->attrs[KVM_NEST_A_DOLL_DRY_RUN]) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[KVM_NEST_A_DOLL_PID],
					    "binding to a pid changes no field: set the envelope first");
			return -EINVAL;
		}
		return kn_nl_env_run(info, &cmd, uuid);
	}
	if (GENL_REQ_ATTR_CHECK(info, KVM_NEST_A_DOLL_ENV))
		return -EINVAL;
	err = kn_env_parse(info->attrs[KVM_NEST_A_DOLL_ENV], &cmd.change,
			   info->extack);
	if (err)
		return err;
	cmd.dry = nla_get_flag(info->attrs[KVM_NEST_A_DOLL_DRY_RUN]);
	return kn_nl_env_run(info, &cmd, uuid);
}

int kn_nl_env_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kn_cmd cmd = { .cmd = KVM_NEST_CMD_ENV_DEL };
	char uuid[KN_UUID_LEN];

	return kn_nl_env_target(info, uuid) ?: kn_nl_env_run(info, &cmd, uuid);
}

int kn_nl_ping_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kn_cmd cmd = { .cmd = KVM_NEST_CMD_PING };
	struct kn_cmd_result res = {};
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KVM_NEST_A_DOLL_ID))
		return -EINVAL;
	cmd.id = nla_get_u32(info->attrs[KVM_NEST_A_DOLL_ID]);
	err = kn_cmd_route(cmd.id, &res);
	if (err)
		return kn_nl_refuse(info, KVM_NEST_CMD_PING, err, res.why);
	return kn_nl_op_queue(info, &cmd, NULL, NULL, 0);
}

int kn_nl_agent_done_doit(struct sk_buff *skb, struct genl_info *info)
{
	char msg[KN_ENV_WHY_LEN] = "";
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KVM_NEST_A_DOLL_COOKIE) ||
	    GENL_REQ_ATTR_CHECK(info, KVM_NEST_A_DOLL_ERROR))
		return -EINVAL;
	if (info->attrs[KVM_NEST_A_DOLL_MSG])
		nla_strscpy(msg, info->attrs[KVM_NEST_A_DOLL_MSG], sizeof(msg));
	err = kn_agent_done(nla_get_u64(info->attrs[KVM_NEST_A_DOLL_COOKIE]),
			    nla_get_u32(info->attrs[KVM_NEST_A_DOLL_ERROR]),
			    msg);
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[KVM_NEST_A_DOLL_COOKIE],
				    "no request waits for this cookie (answered already, or timed out)");
	return err;
}

/* Every figure is needed: a report shows where the change stands. */
static int kn_nl_progress_parse(struct nlattr *nest, struct kn_progress *p,
				struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KVM_NEST_A_PROGRESS_MAX + 1];
	int err, i;

	err = nla_parse_nested(tb, KVM_NEST_A_PROGRESS_MAX, nest,
			       kn_progress_policy, extack);
	if (err)
		return err;
	for (i = KVM_NEST_A_PROGRESS_STATE; i <= KVM_NEST_A_PROGRESS_MAX; i++) {
		if (!tb[i]) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "progress needs state, mem-start, mem-now, mem-target and elapsed-ms");
			return -EINVAL;
		}
	}
	p->state = nla_get_u32(tb[KVM_NEST_A_PROGRESS_STATE]);
	p->mem_start = nla_get_u64(tb[KVM_NEST_A_PROGRESS_MEM_START]);
	p->mem_now = nla_get_u64(tb[KVM_NEST_A_PROGRESS_MEM_NOW]);
	p->mem_target = nla_get_u64(tb[KVM_NEST_A_PROGRESS_MEM_TARGET]);
	p->elapsed_ms = nla_get_u32(tb[KVM_NEST_A_PROGRESS_ELAPSED_MS]);
	return 0;
}

int kn_nl_agent_progress_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *cookie = info->attrs[KVM_NEST_A_DOLL_COOKIE];
	struct kn_progress p;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KVM_NEST_A_DOLL_COOKIE) ||
	    GENL_REQ_ATTR_CHECK(info, KVM_NEST_A_DOLL_PROGRESS))
		return -EINVAL;
	err = kn_nl_progress_parse(info->attrs[KVM_NEST_A_DOLL_PROGRESS], &p,
				   info->extack);
	if (err)
		return err;
	err = kn_agent_progress(nla_get_u64(cookie), &p);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, cookie,
				    "no request waits for this cookie (answered already, or timed out)");
	else if (err == -EBUSY)
		NL_SET_ERR_MSG_ATTR(info->extack, cookie,
				    "progress of this request was reported less than 100 ms ago, or is final");
	return err;
}
