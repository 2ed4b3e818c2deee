/* SPDX-License-Identifier: GPL-2.0-only */
/* What differs between the supported kernels (kvm/compat.h: in KVM's reach). */
#ifndef KN_COMPAT_H
#define KN_COMPAT_H

#include <net/genetlink.h>

/*
 * A multicast group only CAP_NET_ADMIN may join, checked by genl_bind()
 * at join time.  6.7 named the flag GENL_MCAST_CAP_NET_ADMIN; before, and
 * in 6.1.y since the same fix was backported, GENL_UNS_ADMIN_PERM on the
 * group meant it.  The family bind callback (6.6+) cannot refuse: its
 * return value is ignored.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define KN_GENL_MCGRP_ADMIN	GENL_MCAST_CAP_NET_ADMIN
#else
#define KN_GENL_MCGRP_ADMIN	GENL_UNS_ADMIN_PERM
#endif

/*
 * One table of operations, turned into what the kernel takes: split ops
 * (6.2+), where do and dump get their own policy, or genl_ops (6.1), where
 * a dump is validated against the do policy.  An op without a policy takes
 * no attributes, and refuses any: genl_ops get that from resv_start_op 0,
 * split ops from kn_genl_reject_all.
 */
struct kn_nl_op {
	u8 cmd;
	u8 flags;
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	const struct nla_policy *policy;	/* of the do request */
	unsigned int maxattr;
};

#ifdef KN_HAVE_GENL_SPLIT_OPS
#define KN_GENL_OPS_STORAGE(name, n) struct genl_split_ops name[n]

/*
 * A split op without a policy does not parse its request at all, so one
 * that takes no attributes gets this: every type is unknown or rejected.
 */
static const struct nla_policy kn_genl_reject_all[] = {
	[1] = { .type = NLA_REJECT },
};

static inline void kn_genl_set_ops(struct genl_family *family,
				   struct genl_split_ops *out,
				   const struct kn_nl_op *ops, unsigned int n)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		if (ops[i].doit)
			out[k++] = (struct genl_split_ops) {
				.cmd = ops[i].cmd,
				.doit = ops[i].doit,
				.policy = ops[i].policy ?: kn_genl_reject_all,
				.maxattr = ops[i].policy ? ops[i].maxattr : 1,
				.flags = ops[i].flags | GENL_CMD_CAP_DO,
			};
		if (ops[i].dumpit)
			out[k++] = (struct genl_split_ops) {
				.cmd = ops[i].cmd,
				.dumpit = ops[i].dumpit,
				.policy = kn_genl_reject_all,
				.maxattr = 1,
				.flags = ops[i].flags | GENL_CMD_CAP_DUMP,
			};
	}
	family->split_ops = out;
	family->n_split_ops = k;
}

/* A dump's own policy (none) has already refused every attribute. */
static inline const struct nlattr *
kn_genl_dump_attr(struct netlink_callback *cb, int type)
{
	return NULL;
}
#else
#define KN_GENL_OPS_STORAGE(name, n) struct genl_ops name[n]

static inline void kn_genl_set_ops(struct genl_family *family,
				   struct genl_ops *out,
				   const struct kn_nl_op *ops, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		out[i] = (struct genl_ops) {
			.cmd = ops[i].cmd,
			.doit = ops[i].doit,
			.dumpit = ops[i].dumpit,
			.policy = ops[i].policy,
			.maxattr = ops[i].maxattr,
			.flags = ops[i].flags,
		};
	family->ops = out;
	family->n_ops = n;
}

/* The dump was parsed with the do policy: do-only attributes got through. */
static inline const struct nlattr *
kn_genl_dump_attr(struct netlink_callback *cb, int type)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);

	return info->attrs ? info->attrs[type] : NULL;
}
#endif

#endif
