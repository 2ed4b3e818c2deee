// SPDX-License-Identifier: GPL-2.0
/* Raw generic netlink for tests; see kn_genl.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kn_genl.h"
#include "kn_tap.h"

static bool family_id(const struct nlmsghdr *nlh, void *arg)
{
	uint16_t *id = arg;
	size_t len;
	const void *attrs = kn_genl_attrs(nlh, &len);

	kn_nla_for_each(a, attrs, len)
		if (kn_nla_type(a) == CTRL_ATTR_FAMILY_ID && kn_nla_len(a) == 2)
			memcpy(id, kn_nla_data(a), 2);
	return true;
}

int kn_genl_open(struct kn_genl *g, const char *family)
{
	return kn_genl_open_sized(g, family, KN_GENL_BUF);
}

int kn_genl_open_sized(struct kn_genl *g, const char *family, size_t rcvbuf)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t sl = sizeof(sa);
	struct kn_genl_msg m;
	struct kn_genl_ack ack;
	int one = 1, err;

	g->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (g->fd < 0)
		kn_die("socket(NETLINK_GENERIC)");
	if (bind(g->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(g->fd, (struct sockaddr *)&sa, &sl))
		kn_die("bind/getsockname netlink");
	g->portid = sa.nl_pid;
	g->seq = 1;
	g->rcvbuf = rcvbuf && rcvbuf < KN_GENL_BUF ? rcvbuf : KN_GENL_BUF;
	if (setsockopt(g->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(g->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)))
		kn_die("setsockopt NETLINK_EXT_ACK/CAP_ACK");

	kn_genl_msg_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	kn_genl_put(&m, CTRL_ATTR_FAMILY_NAME, family, (uint16_t)(strlen(family) + 1));
	g->family = 0;
	err = kn_genl_xfer(g, &m, family_id, &g->family, &ack);
	if (err)
		return err;
	return g->family ? 0 : -EBADMSG;
}

void kn_genl_close(struct kn_genl *g)
{
	close(g->fd);
	g->fd = -1;
}

void kn_genl_msg_init(struct kn_genl_msg *m, uint16_t type, uint16_t flags,
		      uint8_t cmd, uint8_t version)
{
	struct genlmsghdr *gh;

	memset(m->bytes, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->nlh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	gh = (struct genlmsghdr *)(m->bytes + NLMSG_HDRLEN);
	gh->cmd = cmd;
	gh->version = version;
}

void kn_genl_put_raw(struct kn_genl_msg *m, const void *data, uint16_t len)
{
	if (m->nlh.nlmsg_len + len > sizeof(m->bytes))
		kn_bail("test request too large");
	memcpy(m->bytes + m->nlh.nlmsg_len, data, len);
	m->nlh.nlmsg_len += len;
}

long kn_genl_put(struct kn_genl_msg *m, uint16_t type, const void *data,
		 uint16_t len)
{
	long off = m->nlh.nlmsg_len;
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };
	static const uint8_t pad[NLA_ALIGNTO];

	kn_genl_put_raw(m, &a, sizeof(a));
	if (len)
		kn_genl_put_raw(m, data, len);
	kn_genl_put_raw(m, pad, (uint16_t)(NLA_ALIGN(len) - len));
	return off;
}

long kn_genl_put_u32(struct kn_genl_msg *m, uint16_t type, uint32_t v)
{
	return kn_genl_put(m, type, &v, sizeof(v));
}

const void *kn_genl_attrs(const struct nlmsghdr *nlh, size_t *len)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	*len = nlh->nlmsg_len > hdr ? nlh->nlmsg_len - hdr : 0;
	return (const uint8_t *)nlh + hdr;
}

/* Error code and TLVs of an NLMSG_ERROR or NLMSG_DONE. */
static void ack_parse(const struct nlmsghdr *nlh, struct kn_genl_ack *ack)
{
	const uint8_t *p = NLMSG_DATA(nlh), *end = (const uint8_t *)nlh + nlh->nlmsg_len;
	const struct nlmsgerr *e = (const void *)p;
	size_t off;

	if (nlh->nlmsg_type == NLMSG_DONE) {
		if (end - p >= (long)sizeof(int))
			memcpy(&ack->error, p, sizeof(int));
		off = sizeof(int);
	} else {
		if (end - p < (long)sizeof(*e)) {
			ack->error = -EBADMSG;
			return;
		}
		ack->error = e->error;
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || p + off > end)
		return;
	kn_nla_for_each(a, p + off, (size_t)(end - p - off)) {
		switch (kn_nla_type(a)) {
		case NLMSGERR_ATTR_MSG:
			snprintf(ack->msg, sizeof(ack->msg), "%.*s",
				 (int)kn_nla_len(a), (const char *)kn_nla_data(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			ack->offs = *(const uint32_t *)kn_nla_data(a);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			ack->miss_type = *(const uint32_t *)kn_nla_data(a);
			break;
		}
	}
}

int kn_genl_xfer(struct kn_genl *g, struct kn_genl_msg *m, kn_genl_cb *cb,
		 void *arg, struct kn_genl_ack *ack)
{
	bool feed = cb != NULL;

	*ack = (struct kn_genl_ack){ .offs = -1, .miss_type = -1 };
	m->nlh.nlmsg_seq = ++g->seq;
	if (send(g->fd, m->bytes, m->nlh.nlmsg_len, 0) < 0)
		return ack->error = -errno;
	for (;;) {
		struct iovec iov = { g->buf, g->rcvbuf };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(g->fd, &mh, 0);
		const struct nlmsghdr *nlh = (const void *)g->buf;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ack->error = -errno;
		if (mh.msg_flags & MSG_TRUNC)
			return ack->error = -EMSGSIZE;
		ack->reads++;
		for (int left = (int)n; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_seq != g->seq || nlh->nlmsg_pid != g->portid)
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				ack->intr = true;
			if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
				ack_parse(nlh, ack);
				return ack->error;
			}
			ack->msgs++;
			if (feed)
				feed = cb(nlh, arg);
		}
	}
}

int kn_genl_wait(struct kn_genl *g, uint8_t cmd, int timeout_ms,
		 kn_genl_cb *cb, void *arg)
{
	struct pollfd pfd = { .fd = g->fd, .events = POLLIN };

	for (;;) {
		int r = poll(&pfd, 1, timeout_ms);
		ssize_t n;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			return -ETIME;
		n = recv(g->fd, g->buf, g->rcvbuf, 0);
		if (n < 0)
			return -errno;
		for (const struct nlmsghdr *nlh = (const void *)g->buf;
		     NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			const struct genlmsghdr *gh = NLMSG_DATA(nlh);

			if (nlh->nlmsg_seq != g->seq || nlh->nlmsg_type != g->family ||
			    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN || gh->cmd != cmd)
				continue;
			if (cb)
				cb(nlh, arg);
			return 0;
		}
	}
}
