// SPDX-License-Identifier: GPL-2.0-only
/*
 * Netlink for delegated exits: the per-doll switch (DELEG_SET) and the
 * state each doll message carries.
 */
#include <net/genetlink.h>

#include "../cmd.h"
#include "../doll.h"
#include "../netlink.h"
#include "netlink.h"
#include "switch.h"

const struct nla_policy kn_nl_deleg_set_policy[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KVM_NEST_A_DOLL_DELEG_CLASSES] = { .type = NLA_U32 },
	[KVM_NEST_A_DOLL_DELEG_ON] = { .type = NLA_U8 },
};

/*
 * A deeper doll's switches are its reporter's: only OFF, as reported,
 * and no CLASSES, which that kernel does not report.
 */
int kn_nl_put_deleg(struct sk_buff *skb, struct kn_doll *d)
{
	u32 registered, off;

	if (kn_deleg_ctl_state(d, &registered, &off)) {
		if (nla_put_u32(skb, KVM_NEST_A_DOLL_DELEG_CLASSES, registered))
			return -EMSGSIZE;
	} else if (!kn_deleg_ctl_off_known(d, &off)) {
		return 0;
	}
	return nla_put_u32(skb, KVM_NEST_A_DOLL_DELEG_OFF, off) ? -EMSGSIZE : 0;
}

/*
 * Each missing attribute gets a message that says what to give.  @msg is
 * a literal of the caller's: NL_SET_ERR_MSG() takes only its own.
 */
static int kn_nl_deleg_need(struct genl_info *info, int type, const char *msg)
{
	if (info->attrs[type])
		return 0;
	if (info->extack)
		info->extack->_msg = msg;
	NL_SET_ERR_ATTR_MISS(info->extack, NULL, type);
	return -EINVAL;
}

int kn_nl_deleg_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kn_cmd set = { .cmd = KVM_NEST_CMD_DELEG_SET };
	struct nlattr **a = info->attrs;
	struct kn_cmd_result res;
	u8 on;
	int err;

	err = kn_nl_deleg_need(info, KVM_NEST_A_DOLL_ID,
			       "give the doll's id (KVM_NEST_A_DOLL_ID)");
	if (!err)
		err = kn_nl_deleg_need(info, KVM_NEST_A_DOLL_DELEG_CLASSES,
				       "give the classes to switch (KVM_NEST_A_DOLL_DELEG_CLASSES, a mask of KVM_NEST_DELEG_*)");
	if (!err)
		err = kn_nl_deleg_need(info, KVM_NEST_A_DOLL_DELEG_ON,
				       "say on or off (KVM_NEST_A_DOLL_DELEG_ON, 1 or 0)");
	if (err)
		return err;
	set.deleg_classes = nla_get_u32(a[KVM_NEST_A_DOLL_DELEG_CLASSES]);
	if (!set.deleg_classes || set.deleg_classes & ~KN_DELEG_CTL_ALL) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[KVM_NEST_A_DOLL_DELEG_CLASSES],
				    "classes must be a non-empty mask of KVM_NEST_DELEG_CPUID (1), _RDMSR (2) and _PAUSE (4)");
		return -EINVAL;
	}
	on = nla_get_u8(a[KVM_NEST_A_DOLL_DELEG_ON]);
	if (on > 1) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[KVM_NEST_A_DOLL_DELEG_ON],
				    "on must be 1 (on) or 0 (off)");
		return -EINVAL;
	}
	set.deleg_on = on;
	set.id = nla_get_u32(a[KVM_NEST_A_DOLL_ID]);
	err = kn_cmd_deleg_here(&set, &res);
	/* A handler never waits (security.rst): the child's answer is RESULT_NTF. */
	if (err > 0)
		return kn_nl_op_queue(info, &set, NULL, NULL, 0);
	if (err == -ENOENT) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[KVM_NEST_A_DOLL_ID],
				    "no doll with this id at this level (see nestctl doll show)");
		return err;
	}
	return err ? kn_nl_refuse(info, KVM_NEST_CMD_DELEG_SET, err, res.why) : 0;
}
