// SPDX-License-Identifier: GPL-2.0-only
/*
 * Commands down the tree, parent side.  A parent cannot call into its
 * child, so commands wait in the child's level-1 doll until the child
 * fetches them; the child's reply wakes the caller.  Every reply is
 * copied, then checked, and must name a command handed to that child.
 */
#include <linux/completion.h>
#include <linux/ctype.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include <uapi/linux/kvm_nest.h>

#include "../doll.h"
#include "../kvm/boundary.h"
#include "parent.h"
#include "request.h"

struct kn_ch_req {
	struct list_head node;		/* vm->requests, under vm->lock */
	u64 cookie;
	bool sent;
	struct kn_cmd cmd;
	struct completion done;
	int err;
	struct kn_cmd_result *res;
};

static atomic64_t kn_ch_cookie = ATOMIC64_INIT(0);

static int kn_ch_enqueue(struct kn_doll *vm, void *arg)
{
	struct kn_ch_req *req = arg, *r;
	unsigned int n = 0;
	int err = 0;

	spin_lock_irq(&vm->lock);
	list_for_each_entry(r, &vm->requests, node)
		n++;
	if (vm->dead || !vm->ch.version)
		err = -EHOSTUNREACH;
	else if (n >= KN_CH_MAX_REQUESTS)
		err = -EBUSY;
	else
		list_add_tail(&req->node, &vm->requests);
	spin_unlock_irq(&vm->lock);
	return err;
}

static int kn_ch_dequeue(struct kn_doll *vm, void *arg)
{
	struct kn_ch_req *req = arg;

	spin_lock_irq(&vm->lock);
	list_del_init(&req->node);
	spin_unlock_irq(&vm->lock);
	return 0;
}

int kn_ch_request(u32 vm_id, const struct kn_cmd *cmd,
		  struct kn_cmd_result *res)
{
	struct kn_ch_req req = { .cmd = *cmd, .res = res };
	long left;
	int err;

	INIT_LIST_HEAD(&req.node);
	init_completion(&req.done);
	req.cookie = atomic64_inc_return(&kn_ch_cookie);
	/* Only a VM of ours has a channel: a reported doll's fields are a guest's. */
	err = kn_doll_with_id(vm_id, KN_KIND_VM, kn_ch_enqueue, &req);
	if (err == -EMEDIUMTYPE)
		scnprintf(res->why, sizeof(res->why),
			  "doll %u is not a VM of this kernel", vm_id);
	else if (err == -EHOSTUNREACH)
		scnprintf(res->why, sizeof(res->why),
			  "doll %u runs no kvm-nest that answers; load it there",
			  vm_id);
	else if (err == -EBUSY)
		scnprintf(res->why, sizeof(res->why),
			  "%u commands already wait for doll %u; try again",
			  KN_CH_MAX_REQUESTS, vm_id);
	if (err)
		return err;

	left = wait_for_completion_killable_timeout(&req.done,
						    KN_CH_REQUEST_TIMEOUT);
	/* Off the list whatever happened; a dead VM took it off already. */
	kn_doll_with_id(vm_id, KN_KIND_VM, kn_ch_dequeue, &req);
	/* An answer may also have come between the timeout and the dequeue. */
	if (left > 0 || completion_done(&req.done))
		return req.err;
	if (!left)
		scnprintf(res->why, sizeof(res->why),
			  "doll %u's kvm-nest did not answer within %u s",
			  vm_id, KN_CH_REQUEST_TIMEOUT / HZ);
	return left ?: -ETIMEDOUT;
}

void kn_ch_requests_fail(struct kn_doll *vm)
{
	struct kn_ch_req *req, *tmp;

	spin_lock_irq(&vm->lock);
	list_for_each_entry_safe(req, tmp, &vm->requests, node) {
		list_del_init(&req->node);
		req->err = -ESRCH;
		scnprintf(req->res->why, sizeof(req->res->why),
			  "doll %u went away", vm->id);
		complete(&req->done);
	}
	spin_unlock_irq(&vm->lock);
}

unsigned int kn_ch_requests_waiting(struct kn_doll *vm)
{
	struct kn_ch_req *req;
	unsigned int n = 0;

	spin_lock_irq(&vm->lock);
	list_for_each_entry(req, &vm->requests, node)
		n += !req->sent;
	spin_unlock_irq(&vm->lock);
	return n;
}

/*
 * Tests only (root, see security.rst): the next command handed to any
 * child is malformed on purpose, so that a test can see the child answer
 * it.  1: its op plus 0x100; 2: no doll id; 3: a doll id of 2 bytes.
 */
static unsigned int ch_test_mangle;
module_param(ch_test_mangle, uint, 0600);
MODULE_PARM_DESC(ch_test_mangle,
		 "Tests only: malform the next command to a child (1 op, 2 no id, 3 short id)");

static int kn_ch_put_id(struct sk_buff *skb, u32 id, unsigned int mangle)
{
	u16 short_id = id;

	if (mangle == 2)
		return 0;
	if (mangle == 3)
		return nla_put(skb, KVM_NEST_A_DOLL_ID, sizeof(short_id),
			       &short_id);
	return nla_put_u32(skb, KVM_NEST_A_DOLL_ID, id);
}

static int kn_ch_put_cmd(struct sk_buff *skb, const struct kn_ch_req *req)
{
	unsigned int mangle = READ_ONCE(ch_test_mangle) ?
			      xchg(&ch_test_mangle, 0) : 0;
	const struct kn_cmd *c = &req->cmd;
	struct nlattr *nest = nla_nest_start(skb, KVM_NEST_CH_A_CMD);

	if (!nest ||
	    nla_put_u64_64bit(skb, KVM_NEST_A_DOLL_COOKIE, req->cookie,
			      KVM_NEST_A_DOLL_PAD) ||
	    nla_put_u32(skb, KVM_NEST_CH_A_OP,
			c->cmd + (mangle == 1 ? 0x100 : 0)) ||
	    kn_ch_put_id(skb, c->id, mangle) ||
	    (c->cmd == KVM_NEST_CMD_ENV_SET &&
	     kn_env_put_change(skb, KVM_NEST_A_DOLL_ENV, &c->change)) ||
	    (c->cmd == KVM_NEST_CMD_DELEG_SET &&
	     (nla_put_u32(skb, KVM_NEST_A_DOLL_DELEG_CLASSES,
			  c->deleg_classes) ||
	      nla_put_u8(skb, KVM_NEST_A_DOLL_DELEG_ON, c->deleg_on))) ||
	    (c->dry && nla_put_flag(skb, KVM_NEST_A_DOLL_DRY_RUN))) {
		if (nest)
			nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

struct kn_ch_fill {
	struct sk_buff *skb;
	unsigned int room;	/* the child's buffer */
};

/* The child's envelope, its use, then as many unsent commands as fit. */
static int kn_ch_fill(struct kn_doll *vm, void *arg)
{
	struct kn_ch_fill *f = arg;
	struct sk_buff *skb = f->skb;
	struct kn_ch_req *req;
	unsigned int mark;

	if (kn_env_put(skb, KVM_NEST_CH_A_SELF, &vm->env) ||
	    nla_put_u32(skb, KVM_NEST_CH_A_USAGE_CPU, vm->use.cpu) ||
	    nla_put_u64_64bit(skb, KVM_NEST_CH_A_USAGE_MEM, vm->use.mem,
			      KVM_NEST_CH_A_PAD))
		return -EMSGSIZE;
	spin_lock_irq(&vm->lock);
	list_for_each_entry(req, &vm->requests, node) {
		if (req->sent)
			continue;
		mark = skb->len;
		if (kn_ch_put_cmd(skb, req))
			break;
		if (skb->len > f->room) {
			skb_trim(skb, mark);
			break;
		}
		req->sent = true;
	}
	spin_unlock_irq(&vm->lock);
	return 0;
}

/* Enough for an envelope and the usage, whatever the commands need. */
#define KN_CH_FETCH_MIN		512

long kn_ch_fetch(struct kvm *vm, u64 gpa, u64 len)
{
	struct kn_ch_fill f;
	struct sk_buff *skb;
	long ret;

	if (len < KN_CH_FETCH_MIN)
		return -KVM_NEST_EINVAL;
	f.room = min_t(u64, len, KVM_NEST_CH_FETCH_MAX);
	skb = alloc_skb(f.room, GFP_KERNEL_ACCOUNT);
	if (!skb)
		return -KVM_NEST_EBUSY;
	f.skb = skb;
	ret = kn_doll_with_vm(vm, kn_ch_fill, &f);
	if (ret || skb->len > f.room)
		ret = -KVM_NEST_EPROTO;
	else if (kn_kvm_write_guest(vm, gpa, skb->data, skb->len))
		ret = -KVM_NEST_EFAULT;
	else
		ret = skb->len;
	kfree_skb(skb);
	return ret;
}

static const struct nla_policy kn_ch_reply_policy[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_COOKIE] = { .type = NLA_U64 },
	[KVM_NEST_A_DOLL_ERROR] = NLA_POLICY_MAX(NLA_U32, MAX_ERRNO),
	[KVM_NEST_A_DOLL_MSG] = { .type = NLA_NUL_STRING,
				  .len = KN_ENV_WHY_LEN - 1 },
	[KVM_NEST_A_DOLL_HOPS] = NLA_POLICY_MAX(NLA_U32,
						KVM_NEST_CH_MAX_LEVEL),
};

struct kn_ch_answer {
	u64 cookie;
	u32 err, hops;
	const struct nlattr *msg;
};

static int kn_ch_answer(struct kn_doll *vm, void *arg)
{
	struct kn_ch_answer *a = arg;
	struct kn_ch_req *req;
	int ret = -KVM_NEST_EINVAL;
	size_t i;

	spin_lock_irq(&vm->lock);
	list_for_each_entry(req, &vm->requests, node) {
		if (req->cookie != a->cookie || !req->sent)
			continue;
		list_del_init(&req->node);
		req->err = -(int)a->err;
		req->res->hops = a->hops;
		req->res->why[0] = 0;
		if (a->msg)
			nla_strscpy(req->res->why, a->msg,
				    sizeof(req->res->why));
		for (i = 0; req->res->why[i]; i++)
			if (!isprint(req->res->why[i]))
				req->res->why[i] = '?';
		complete(&req->done);
		ret = 0;
		break;
	}
	spin_unlock_irq(&vm->lock);
	return ret;
}

long kn_ch_reply(struct kvm *vm, u64 gpa, u64 len)
{
	struct nlattr *tb[KVM_NEST_A_DOLL_MAX + 1];
	struct kn_ch_answer a = {};
	void *buf;
	long ret;

	buf = kn_ch_copy_in(vm, gpa, len, KVM_NEST_CH_REPLY_MAX);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = -KVM_NEST_EINVAL;
	if (nla_parse(tb, KVM_NEST_A_DOLL_MAX, buf, len, kn_ch_reply_policy,
		      NULL) ||
	    !tb[KVM_NEST_A_DOLL_COOKIE] || !tb[KVM_NEST_A_DOLL_ERROR])
		goto out;
	a.cookie = nla_get_u64(tb[KVM_NEST_A_DOLL_COOKIE]);
	a.err = nla_get_u32(tb[KVM_NEST_A_DOLL_ERROR]);
	a.hops = tb[KVM_NEST_A_DOLL_HOPS] ?
		 nla_get_u32(tb[KVM_NEST_A_DOLL_HOPS]) : 0;
	a.msg = tb[KVM_NEST_A_DOLL_MSG];
	ret = kn_doll_with_vm(vm, kn_ch_answer, &a) ? -KVM_NEST_EINVAL : 0;
out:
	kvfree(buf);
	return ret;
}
