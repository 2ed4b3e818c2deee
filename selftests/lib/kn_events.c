// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "kn_events.h"
#include "kn_tap.h"

/* The id of the family's "events" group, from CTRL_ATTR_MCAST_GROUPS. */
static bool group_id(const struct nlmsghdr *nlh, void *arg)
{
	uint32_t *grp = arg;
	size_t len;
	const void *attrs = kn_genl_attrs(nlh, &len);

	kn_nla_for_each(a, attrs, len) {
		if (kn_nla_type(a) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		kn_nla_for_each(g, kn_nla_data(a), kn_nla_len(a)) {
			const struct nlattr *name = NULL;
			uint32_t id = 0;

			kn_nla_for_each(f, kn_nla_data(g), kn_nla_len(g)) {
				if (kn_nla_type(f) == CTRL_ATTR_MCAST_GRP_NAME)
					name = f;
				else if (kn_nla_type(f) == CTRL_ATTR_MCAST_GRP_ID &&
					 kn_nla_len(f) == sizeof(id))
					memcpy(&id, kn_nla_data(f), sizeof(id));
			}
			if (name && kn_nla_len(name) == sizeof(KVM_NEST_MCGRP_EVENTS) &&
			    !memcmp(kn_nla_data(name), KVM_NEST_MCGRP_EVENTS,
				    sizeof(KVM_NEST_MCGRP_EVENTS)))
				*grp = id;
		}
	}
	return true;
}

int kn_events_open(struct kn_events *ev)
{
	struct kn_genl_msg m;
	struct kn_genl_ack ack;
	int err, rcvbuf = 8 << 20;
	uint32_t grp = 0;

	ev->added = ev->removed = ev->lost = 0;
	err = kn_genl_open(&ev->g, KVM_NEST_GENL_NAME);
	if (err)
		return err;
	kn_genl_msg_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	kn_genl_put(&m, CTRL_ATTR_FAMILY_NAME, KVM_NEST_GENL_NAME,
		    sizeof(KVM_NEST_GENL_NAME));
	err = kn_genl_xfer(&ev->g, &m, group_id, &grp, &ack);
	if (!err && !grp)
		err = -ENOENT;
	if (!err && setsockopt(ev->g.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			       &grp, sizeof(grp)))
		kn_die("NETLINK_ADD_MEMBERSHIP");
	if (err) {
		kn_genl_close(&ev->g);
		return err;
	}
	/* Reports replace hundreds of dolls at once; root may ask for room. */
	setsockopt(ev->g.fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	return 0;
}

void kn_events_drain(struct kn_events *ev)
{
	for (;;) {
		ssize_t n = recv(ev->g.fd, ev->g.buf, sizeof(ev->g.buf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const void *)ev->g.buf;

		if (n < 0 && errno == ENOBUFS) {
			ev->lost++;	/* we read too slowly: some are gone */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		for (int left = (int)n; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
			const struct genlmsghdr *gh = NLMSG_DATA(nlh);

			if (nlh->nlmsg_type != ev->g.family)
				continue;
			ev->added += gh->cmd == KVM_NEST_CMD_DOLL_NEW_NTF;
			ev->removed += gh->cmd == KVM_NEST_CMD_DOLL_DEL_NTF;
		}
	}
}

void kn_events_close(struct kn_events *ev)
{
	kn_genl_close(&ev->g);
}
