// SPDX-License-Identifier: GPL-2.0-only
/*
 * PENDING_GET: the named envelopes waiting for their dolls, so that an
 * admin (and nestctl envelope apply, to set them back) can read them.
 */
#include <net/genetlink.h>

#include "../netlink.h"
#include "netlink.h"
#include "pending.h"

struct kn_pending_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

static int kn_pending_dump_one(void *arg, const char *name, const char *uuid,
			       const struct kn_env *env, u32 attached)
{
	struct kn_pending_dump *d = arg;
	struct netlink_callback *cb = d->cb;
	void *hdr;

	hdr = genlmsg_put(d->skb, NETLINK_CB(cb->skb).portid,
			  cb->nlh->nlmsg_seq, &kn_nl_family, NLM_F_MULTI,
			  KVM_NEST_CMD_PENDING_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_string(d->skb, KVM_NEST_A_DOLL_NAME, name) ||
	    (uuid[0] && nla_put_string(d->skb, KVM_NEST_A_DOLL_UUID, uuid)) ||
	    (attached && nla_put_u32(d->skb, KVM_NEST_A_DOLL_ID, attached)) ||
	    kn_env_put(d->skb, KVM_NEST_A_DOLL_ENV, env)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

/* Resumes by position: cb->args[0] envelopes were sent already. */
int kn_nl_pending_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kn_pending_dump d = { .skb = skb, .cb = cb };
	unsigned long pos = cb->args[0];
	int err;

	cb->seq = kn_env_pending_generation();
	err = kn_env_pending_walk(&pos, kn_pending_dump_one, &d);
	cb->args[0] = pos;
	/* A full skb ends this part of the dump; netlink calls again. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}
