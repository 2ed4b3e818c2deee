// SPDX-License-Identifier: GPL-2.0-only
/*
 * Netlink ops that wait for someone else (an agent, a child far below):
 * the handler only queues them with a cookie, so that no handler holds
 * genetlink's lock for long; a worker runs them and unicasts the outcome
 * (RESULT_NTF) to the socket that asked.  A socket that closes before
 * gets nothing: its portid may belong to someone else by then.
 */
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/sched/clock.h>
#include <linux/stringify.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "cmd.h"
#include "doll.h"
#include "env/pending.h"
#include "env/set.h"
#include "netlink.h"

struct kn_nl_op {
	struct list_head node;		/* kn_nl_ops, kn_nl_ops_mutex */
	struct work_struct work;
	u64 cookie;
	u32 portid;
	u32 seq;
	bool gone;			/* the requester's socket closed */
	char name[KN_NAME_LEN];		/* ENV_SET by name, else "" */
	char uuid[KN_UUID_LEN];		/* and its domain's, or "" */
	u32 pid;			/* a bind to this process, or 0 */
	struct kn_cmd cmd;
};

static DEFINE_MUTEX(kn_nl_ops_mutex);
static LIST_HEAD(kn_nl_ops);		/* kn_nl_ops_mutex */
static unsigned int kn_nl_ops_n;	/* kn_nl_ops_mutex */
static bool kn_nl_ops_closed;		/* kn_nl_ops_mutex */
static struct workqueue_struct *kn_nl_ops_wq;
static atomic64_t kn_nl_ops_cookie = ATOMIC64_INIT(0);

static int kn_nl_op_put(struct sk_buff *skb, const struct kn_nl_op *op,
			int err, const struct kn_cmd_result *res, u64 rtt)
{
	if (nla_put_u64_64bit(skb, KVM_NEST_A_DOLL_COOKIE, op->cookie,
			      KVM_NEST_A_DOLL_PAD) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_ERROR, -err) ||
	    (!op->name[0] && nla_put_u32(skb, KVM_NEST_A_DOLL_ID, op->cmd.id)) ||
	    (err && res->why[0] &&
	     nla_put_string(skb, KVM_NEST_A_DOLL_REFUSAL, res->why)))
		return -EMSGSIZE;
	if (err || op->cmd.cmd != KVM_NEST_CMD_PING)
		return 0;
	if (nla_put_u32(skb, KVM_NEST_A_DOLL_HOPS, res->hops) ||
	    nla_put_u64_64bit(skb, KVM_NEST_A_DOLL_RTT_NS, rtt,
			      KVM_NEST_A_DOLL_PAD))
		return -EMSGSIZE;
	return 0;
}

/* How many ops of socket @portid are queued or running. */
static unsigned int kn_nl_ops_of(u32 portid)
{
	struct kn_nl_op *op;
	unsigned int n = 0;

	lockdep_assert_held(&kn_nl_ops_mutex);
	list_for_each_entry(op, &kn_nl_ops, node)
		n += op->portid == portid && !op->gone;
	return n;
}

/* Under the mutex, so that a socket closing meanwhile is seen. */
static void kn_nl_op_answer(struct kn_nl_op *op, int err,
			    const struct kn_cmd_result *res, u64 rtt)
{
	struct sk_buff *skb;
	void *hdr;

	lockdep_assert_held(&kn_nl_ops_mutex);
	/* Unloading: the family is gone, its id may be another's. */
	if (op->gone || !kn_nl_registered())
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, op->portid, op->seq, &kn_nl_family, 0,
			  KVM_NEST_CMD_RESULT_NTF);
	if (!hdr || kn_nl_op_put(skb, op, err, res, rtt)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	/* Never blocks; a requester whose socket is full loses its answer. */
	genlmsg_unicast(&init_net, skb, op->portid);
}

static void kn_nl_op_run(struct work_struct *work)
{
	struct kn_nl_op *op = container_of(work, struct kn_nl_op, work);
	struct kn_cmd_result res = {};
	u64 t0 = local_clock();
	int err;

	if (op->name[0] && op->pid)
		err = kn_env_bind(op->name, op->uuid, op->pid, res.why,
				  sizeof(res.why));
	else if (op->name[0])
		err = kn_env_set_pending(op->name, op->uuid, &op->cmd.change,
					 op->cmd.dry, res.why, sizeof(res.why));
	else
		err = kn_cmd_exec(&op->cmd, &res);

	mutex_lock(&kn_nl_ops_mutex);
	kn_nl_op_answer(op, err, &res, local_clock() - t0);
	list_del(&op->node);
	kn_nl_ops_n--;
	mutex_unlock(&kn_nl_ops_mutex);
	kfree(op);
}

/* The cookie, in a message of the request's own command. */
static int kn_nl_op_reply(struct genl_info *info, u64 cookie)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = kn_nl_put_header(msg, info, info->genlhdr->cmd);
	if (!hdr || nla_put_u64_64bit(msg, KVM_NEST_A_DOLL_COOKIE, cookie,
				      KVM_NEST_A_DOLL_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int kn_nl_op_queue(struct genl_info *info, const struct kn_cmd *cmd,
		   const char *name, const char *uuid, u32 pid)
{
	struct kn_nl_op *op;
	int err;

	op = kzalloc(sizeof(*op), GFP_KERNEL);
	if (!op)
		return -ENOMEM;
	INIT_WORK(&op->work, kn_nl_op_run);
	op->cmd = *cmd;
	if (name)
		strscpy(op->name, name, sizeof(op->name));
	if (uuid)
		strscpy(op->uuid, uuid, sizeof(op->uuid));
	op->pid = pid;
	op->portid = info->snd_portid;
	op->seq = info->snd_seq;
	op->cookie = atomic64_inc_return(&kn_nl_ops_cookie);

	mutex_lock(&kn_nl_ops_mutex);
	err = -ESHUTDOWN;
	if (kn_nl_ops_closed)
		goto err_unlock;
	err = -EBUSY;
	if (kn_nl_ops_n >= KN_NL_OPS_MAX) {
		NL_SET_ERR_MSG(info->extack,
			       "too many envelope changes, pings and deep switches under way; try again when one is done");
		goto err_unlock;
	}
	if (kn_nl_ops_of(op->portid) >= KN_NL_OPS_PER_SOCKET) {
		NL_SET_ERR_MSG(info->extack,
			       "this socket has " __stringify(KN_NL_OPS_PER_SOCKET)
			       " envelope changes, pings and deep switches under way; wait for a result before sending more");
		goto err_unlock;
	}
	/* The cookie first: the outcome may follow at once. */
	err = kn_nl_op_reply(info, op->cookie);
	if (err)
		goto err_unlock;
	list_add_tail(&op->node, &kn_nl_ops);
	kn_nl_ops_n++;
	queue_work(kn_nl_ops_wq, &op->work);
	mutex_unlock(&kn_nl_ops_mutex);
	return 0;

err_unlock:
	mutex_unlock(&kn_nl_ops_mutex);
	kfree(op);
	return err;
}

/* A generic netlink socket closed: its portid is free for anyone. */
static int kn_nl_op_release(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct netlink_notify *n = ptr;
	struct kn_nl_op *op;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net))
		return NOTIFY_DONE;
	mutex_lock(&kn_nl_ops_mutex);
	list_for_each_entry(op, &kn_nl_ops, node)
		if (op->portid == n->portid)
			op->gone = true;
	mutex_unlock(&kn_nl_ops_mutex);
	return NOTIFY_DONE;
}

static struct notifier_block kn_nl_op_nb = {
	.notifier_call = kn_nl_op_release,
};

int kn_nl_op_init(void)
{
	int err;

	/* Unbound, several at once: each may wait 90 s for a child. */
	kn_nl_ops_wq = alloc_workqueue("kvm_nest_ops", WQ_UNBOUND,
				       KN_NL_OPS_ACTIVE);
	if (!kn_nl_ops_wq)
		return -ENOMEM;
	err = netlink_register_notifier(&kn_nl_op_nb);
	if (err)
		destroy_workqueue(kn_nl_ops_wq);
	return err;
}

/* Refuses new ops and waits for those under way (their waits are bounded). */
void kn_nl_op_stop(void)
{
	mutex_lock(&kn_nl_ops_mutex);
	kn_nl_ops_closed = true;
	mutex_unlock(&kn_nl_ops_mutex);
	flush_workqueue(kn_nl_ops_wq);
}

void kn_nl_op_exit(void)
{
	kn_nl_op_stop();
	netlink_unregister_notifier(&kn_nl_op_nb);
	destroy_workqueue(kn_nl_ops_wq);
}
