// SPDX-License-Identifier: GPL-2.0-only
/* Notifications: join the family's events group and read what arrives. */
#include <errno.h>

#include "nl.h"

int nc_nl_join(struct nc_nl *nl, uint32_t group)
{
	if (!group)
		return -ENOENT;
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP,
				  &group, sizeof(group)) < 0)
		return -errno;
	return 0;
}

int nc_nl_subscribe(struct nc_nl *nl)
{
	return nc_nl_join(nl, nl->events);
}

int nc_nl_fd(const struct nc_nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

/* One read: every notification of the family in it goes to cb. */
int nc_nl_events(struct nc_nl *nl, nc_nl_cb cb, void *data)
{
	ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, NC_NL_BUF);
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->buf;
	int left = (int)n, err;

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_type != nl->family || nlh->nlmsg_seq)
			continue;
		err = cb(nlh, data);
		if (err)
			return err;
	}
	return 0;
}
