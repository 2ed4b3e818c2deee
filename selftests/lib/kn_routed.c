// SPDX-License-Identifier: GPL-2.0
/* A request the kernel may queue for a child; see kn_routed.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "kn_routed.h"

struct kn_routed {
	char *refusal;
	size_t len;
	bool queued, done;	/* a cookie came; its RESULT_NTF too */
	int error;		/* of the RESULT_NTF */
};

static bool kn_routed_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct genlmsghdr *gh = NLMSG_DATA(nlh);
	struct kn_routed *r = arg;
	size_t len;
	const void *attrs = kn_genl_attrs(nlh, &len);

	kn_nla_for_each(a, attrs, len) {
		if (kn_nla_type(a) == KVM_NEST_A_DOLL_REFUSAL && kn_nla_len(a))
			snprintf(r->refusal, r->len, "%.*s", (int)kn_nla_len(a),
				 (const char *)kn_nla_data(a));
		if (kn_nla_type(a) == KVM_NEST_A_DOLL_COOKIE)
			r->queued = true;
		if (kn_nla_type(a) == KVM_NEST_A_DOLL_ERROR && kn_nla_len(a) == 4 &&
		    gh->cmd == KVM_NEST_CMD_RESULT_NTF) {
			r->done = true;
			r->error = -*(const int *)kn_nla_data(a);
		}
	}
	return true;
}

int kn_routed_xfer(struct kn_genl *g, struct kn_genl_msg *m, struct kn_genl_ack *ack,
		   char *refusal, size_t len)
{
	struct kn_routed r = { refusal, len, false, false, 0 };

	refusal[0] = 0;
	kn_genl_xfer(g, m, kn_routed_cb, &r, ack);
	if (!ack->error && r.queued && !r.done &&
	    kn_genl_wait(g, KVM_NEST_CMD_RESULT_NTF, 100000, kn_routed_cb, &r))
		return ack->error = -ETIME;
	if (!ack->error && r.done)
		ack->error = r.error;
	return ack->error;
}
