// SPDX-License-Identifier: GPL-2.0-only
/*
 * Commands down the tree, child side: run what the parent handed us on
 * one of our dolls (here, or further down) and send back the result.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/kvm_para.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/netlink.h>
#include <uapi/linux/kvm_nest.h>

#include "../cmd.h"
#include "../deleg/grant.h"
#include "../deleg/slot.h"
#include "../deleg/switch.h"
#include "../env/fit.h"
#include "../env/over.h"
#include "../event.h"
#include "exec.h"
#include "resend.h"

/* Bounds what a confused parent can make us queue. */
#define KN_EXEC_MAX_QUEUED	32

struct kn_exec {
	struct work_struct work;
	u64 cookie;
	struct kn_cmd cmd;
};

static struct workqueue_struct *kn_exec_wq;
static atomic_t kn_exec_queued = ATOMIC_INIT(0);

static const struct nla_policy kn_exec_cmd_policy[KVM_NEST_CH_A_OP + 1] = {
	[KVM_NEST_A_DOLL_COOKIE] = { .type = NLA_U64 },
	[KVM_NEST_A_DOLL_ID] = { .type = NLA_U32 },
	[KVM_NEST_A_DOLL_ENV] = NLA_POLICY_NESTED(kn_env_policy),
	[KVM_NEST_A_DOLL_DRY_RUN] = { .type = NLA_FLAG },
	[KVM_NEST_A_DOLL_DELEG_CLASSES] = NLA_POLICY_MASK(NLA_U32,
							  KN_DELEG_CTL_ALL),
	[KVM_NEST_A_DOLL_DELEG_ON] = NLA_POLICY_MAX(NLA_U8, 1),
	[KVM_NEST_CH_A_OP] = { .type = NLA_U32 },
};

static const struct nla_policy kn_exec_policy[KVM_NEST_CH_A_PAD + 1] = {
	[KVM_NEST_CH_A_SELF] = NLA_POLICY_NESTED(kn_env_policy),
	[KVM_NEST_CH_A_USAGE_CPU] = { .type = NLA_U32 },
	[KVM_NEST_CH_A_USAGE_MEM] = { .type = NLA_U64 },
	/* Each is checked on its own: a bad one gets its own answer. */
	[KVM_NEST_CH_A_CMD] = { .type = NLA_NESTED },
};

static void kn_exec_reply(u64 cookie, int err, const struct kn_cmd_result *res)
{
	struct sk_buff *skb = alloc_skb(KVM_NEST_CH_REPLY_MAX, GFP_KERNEL);
	long ret;

	if (!skb)
		return;
	if (nla_put_u64_64bit(skb, KVM_NEST_A_DOLL_COOKIE, cookie,
			      KVM_NEST_A_DOLL_PAD) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_ERROR, -err) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_HOPS, res->hops) ||
	    (err && res->why[0] &&
	     nla_put_string(skb, KVM_NEST_A_DOLL_MSG, res->why)))
		goto out;
	ret = kvm_hypercall3(KVM_NEST_HC, KVM_NEST_CH_REPLY,
			     virt_to_phys(skb->data), skb->len);
	if (ret)
		pr_warn_ratelimited("parent refused our reply (%ld)\n", ret);
out:
	kfree_skb(skb);
}

static int kn_exec_run(const struct kn_cmd *cmd, struct kn_cmd_result *res)
{
	if (cmd->cmd != KVM_NEST_CH_OP_DELEG_RESEND)
		return kn_cmd_exec(cmd, res);
	/* Our nested state started over there: it dropped all we gave it. */
	res->hops = 0;
	res->why[0] = 0;
	kn_slots_parent_forgot();
	kn_grant_resend(true);
	return 0;
}

static void kn_exec_fn(struct work_struct *work)
{
	struct kn_exec *x = container_of(work, struct kn_exec, work);
	struct kn_cmd_result res;
	int err;

	err = kn_exec_run(&x->cmd, &res);
	kn_exec_reply(x->cookie, err, &res);
	atomic_dec(&kn_exec_queued);
	kfree(x);
}

/* A switch needs its classes and which way: none is a default. */
static const char *kn_exec_bad(struct nlattr **tb, u32 op)
{
	if (op != KVM_NEST_CMD_DELEG_SET)
		return NULL;
	if (!tb[KVM_NEST_A_DOLL_DELEG_CLASSES] ||
	    !nla_get_u32(tb[KVM_NEST_A_DOLL_DELEG_CLASSES]))
		return "delegate switch from the parent without classes";
	if (!tb[KVM_NEST_A_DOLL_DELEG_ON])
		return "delegate switch from the parent without on or off";
	return NULL;
}

/*
 * The cookie of a command that may fail its policy: the first attribute
 * of its type and size.  Without one nobody can be answered.
 */
static bool kn_exec_cookie(const struct nlattr *nest, u64 *cookie)
{
	const struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem)
		if (nla_type(a) == KVM_NEST_A_DOLL_COOKIE &&
		    nla_len(a) == sizeof(u64)) {
			*cookie = nla_get_u64(a);
			return true;
		}
	return false;
}

/* The parent waits for every answer: a refusal too, and at once. */
static __printf(3, 4) void kn_exec_refuse(u64 cookie, int err,
					  const char *fmt, ...)
{
	struct kn_cmd_result res = { .hops = 0 };
	va_list args;

	va_start(args, fmt);
	vscnprintf(res.why, sizeof(res.why), fmt, args);
	va_end(args);
	kn_exec_reply(cookie, err, &res);
}

/* The command's op: those we run, and only those (kn_cmd.cmd is a u8). */
static int kn_exec_op(u64 cookie, u32 op)
{
	switch (op) {
	case KVM_NEST_CMD_ENV_SET:
	case KVM_NEST_CMD_ENV_DEL:
	case KVM_NEST_CMD_PING:
	case KVM_NEST_CMD_DELEG_SET:
	case KVM_NEST_CH_OP_DELEG_RESEND:
		return 0;
	}
	if (op > U8_MAX) {
		kn_exec_refuse(cookie, -EINVAL,
			       "command op %u from the parent is out of range",
			       op);
		return -EINVAL;
	}
	kn_exec_refuse(cookie, -EOPNOTSUPP,
		       "command op %u from the parent is unknown here", op);
	return -EOPNOTSUPP;
}

static void kn_exec_queue(const struct nlattr *nest)
{
	struct nlattr *tb[KVM_NEST_CH_A_OP + 1];
	struct kn_cmd_result res = { .hops = 0 };
	const char *bad;
	struct kn_exec *x;
	u64 cookie;
	u32 op;

	if (!kn_exec_cookie(nest, &cookie)) {
		/* The parent gives up on it after its timeout. */
		pr_warn_ratelimited("command without a cookie from the parent\n");
		return;
	}
	if (nla_parse_nested(tb, KVM_NEST_CH_A_OP, nest, kn_exec_cmd_policy,
			     NULL)) {
		kn_exec_refuse(cookie, -EINVAL,
			       "malformed command from the parent");
		return;
	}
	if (!tb[KVM_NEST_A_DOLL_ID] || !tb[KVM_NEST_CH_A_OP]) {
		kn_exec_refuse(cookie, -EINVAL,
			       "command from the parent without %s",
			       tb[KVM_NEST_CH_A_OP] ? "a doll id" : "an op");
		return;
	}
	op = nla_get_u32(tb[KVM_NEST_CH_A_OP]);
	if (kn_exec_op(cookie, op))
		return;
	if (atomic_inc_return(&kn_exec_queued) > KN_EXEC_MAX_QUEUED) {
		kn_exec_refuse(cookie, -EBUSY,
			       "%u commands from the parent run already",
			       KN_EXEC_MAX_QUEUED);
		goto err_count;
	}
	x = kzalloc(sizeof(*x), GFP_KERNEL);
	if (!x) {
		kn_exec_refuse(cookie, -ENOMEM, "out of memory for a command");
		goto err_count;
	}
	INIT_WORK(&x->work, kn_exec_fn);
	x->cookie = cookie;
	x->cmd.cmd = op;
	x->cmd.id = nla_get_u32(tb[KVM_NEST_A_DOLL_ID]);
	x->cmd.dry = nla_get_flag(tb[KVM_NEST_A_DOLL_DRY_RUN]);
	bad = kn_exec_bad(tb, x->cmd.cmd);
	if (!bad && tb[KVM_NEST_A_DOLL_ENV] &&
	    kn_env_parse(tb[KVM_NEST_A_DOLL_ENV], &x->cmd.change, NULL))
		bad = "malformed envelope from the parent";
	if (bad)
		goto err_reply;
	if (x->cmd.cmd == KVM_NEST_CMD_DELEG_SET) {
		x->cmd.deleg_classes =
			nla_get_u32(tb[KVM_NEST_A_DOLL_DELEG_CLASSES]);
		x->cmd.deleg_on = nla_get_u8(tb[KVM_NEST_A_DOLL_DELEG_ON]);
	}
	queue_work(kn_exec_wq, &x->work);
	return;

err_reply:
	strscpy(res.why, bad, sizeof(res.why));
	kn_exec_reply(x->cookie, -EINVAL, &res);
	kfree(x);
err_count:
	atomic_dec(&kn_exec_queued);
}

void kn_exec_fetched(const void *buf, size_t len)
{
	struct nlattr *tb[KVM_NEST_CH_A_PAD + 1];
	struct kn_env_change self = {};
	const struct nlattr *a;
	int rem;

	/* Its commands are still answered, each as it stands. */
	if (nla_parse(tb, KVM_NEST_CH_A_PAD, buf, len, kn_exec_policy, NULL)) {
		pr_warn_ratelimited("malformed answer from the parent\n");
		goto cmds;
	}
	if (tb[KVM_NEST_CH_A_SELF] &&
	    !kn_env_parse(tb[KVM_NEST_CH_A_SELF], &self, NULL)) {
		struct kn_env env = {};

		kn_env_merge(&env, &self);
		if (kn_env_self_set(&env,
				    tb[KVM_NEST_CH_A_USAGE_CPU] ?
				    nla_get_u32(tb[KVM_NEST_CH_A_USAGE_CPU]) : 0,
				    tb[KVM_NEST_CH_A_USAGE_MEM] ?
				    nla_get_u64(tb[KVM_NEST_CH_A_USAGE_MEM]) : 0))
			kn_fit_update();
		kn_env_over_told();
	}
cmds:
	nla_for_each_attr(a, buf, len, rem)
		if (nla_type(a) == KVM_NEST_CH_A_CMD)
			kn_exec_queue(a);
}

/*
 * The parent's resend commands (resend.c) start here too: this step ends
 * after the dolls have failed what waits on them, so nothing waits long.
 */
int kn_exec_init(void)
{
	int err;

	/* Unbound: a balloon may keep one command busy for a minute. */
	kn_exec_wq = alloc_workqueue("kvm_nest_exec", WQ_UNBOUND, 4);
	if (!kn_exec_wq)
		return -ENOMEM;
	err = kn_ch_resend_init();
	if (err)
		destroy_workqueue(kn_exec_wq);
	return err;
}

void kn_exec_exit(void)
{
	kn_ch_resend_exit();
	destroy_workqueue(kn_exec_wq);
}
