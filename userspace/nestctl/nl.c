// SPDX-License-Identifier: GPL-2.0-only
/* Generic netlink requests, dumps and their errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/kvm_nest.h>

#include "attr.h"
#include "nl.h"
#include "util.h"

/* nestctl's requests carry one id at most. */
#define NC_NL_REQ	1024

int nc_nl_open_quiet(struct nc_nl *nl)
{
	int one = 1, err;

	*nl = (struct nc_nl){ .seq = (uint32_t)time(NULL) };
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		nc_nl_close(nl);
		return err;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	/* Best effort: without them errors carry only an errno. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->buf = nc_xcalloc(1, NC_NL_BUF);
	nl->req = nc_xcalloc(1, NC_NL_REQ);

	err = nc_nl_family(nl, KVM_NEST_GENL_NAME);
	if (err) {
		nc_nl_close(nl);
		return err;
	}
	return 0;
}

int nc_nl_open(struct nc_nl *nl)
{
	int err = nc_nl_open_quiet(nl);

	if (err == -ENOENT)
		return nc_error("kvm-nest module not loaded? (generic netlink family %s not found)",
				KVM_NEST_GENL_NAME);
	if (err)
		return nc_error("cannot open a generic netlink socket for %s: %s",
				KVM_NEST_GENL_NAME, strerror(-err));
	return NC_OK;
}

void nc_nl_close(struct nc_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->buf);
	free(nl->req);
	*nl = (struct nc_nl){ 0 };
}

struct nlmsghdr *nc_nl_req_to(struct nc_nl *nl, uint16_t family, uint8_t cmd,
			      uint16_t flags, const struct nc_attr_names *names)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->req);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = family == GENL_ID_CTRL ? 1 : KVM_NEST_GENL_VERSION;
	nl->names = names;
	return nlh;
}

struct nlmsghdr *nc_nl_req(struct nc_nl *nl, uint8_t cmd,
			   const struct nc_attr_names *names)
{
	return nc_nl_req_to(nl, nl->family, cmd, 0, names);
}

static int nc_nl_ext_cb(const struct nlattr *a, void *data)
{
	struct nc_nl_ext *x = data;

	switch (mnl_attr_get_type(a)) {
	case NLMSGERR_ATTR_MSG:
		if (!mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			snprintf(x->msg, sizeof(x->msg), "%s", mnl_attr_get_str(a));
		break;
	case NLMSGERR_ATTR_OFFS:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			x->bad_off = mnl_attr_get_u32(a);
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			x->miss_type = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

/* An error or a final ack: error code, then the TLVs from offset. */
static int nc_nl_error(struct nc_nl *nl, const struct nlmsghdr *nlh,
		       int error, unsigned int offset)
{
	if (error >= 0)
		return 0;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_parse(nlh, offset, nc_nl_ext_cb, &nl->ext);
	return error;
}

static int nc_nl_ack(struct nc_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	unsigned int offset = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return -EBADMSG;
	/* Uncapped, the request comes back before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	return nc_nl_error(nl, nlh, e->error, offset);
}

static int nc_nl_done(struct nc_nl *nl, const struct nlmsghdr *nlh)
{
	int error;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(error))
		return 0;
	memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	return nc_nl_error(nl, nlh, error, sizeof(error));
}

/*
 * Read replies to nl->req until its ack, error or end of dump.  A failing
 * callback ends the request, but the rest is still read, so that the next
 * request starts on a quiet socket.
 */
static int nc_nl_recv(struct nc_nl *nl, nc_nl_cb cb, void *data, bool *intr)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)nl->req;
	int cb_err = 0, err;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, NC_NL_BUF);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->buf;
		int left = (int)n;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq ||
			    nlh->nlmsg_pid != nl->portid)
				continue;	/* a reply to an older request */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				err = nc_nl_ack(nl, nlh);
				return cb_err ? cb_err : err;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				err = nc_nl_done(nl, nlh);
				return cb_err ? cb_err : err;
			}
			if (nlh->nlmsg_type >= NLMSG_MIN_TYPE && !cb_err && cb)
				cb_err = cb(nlh, data);
		}
	}
}

void nc_nl_slow(struct nc_nl *nl, const char *note)
{
	nl->wait_note = note;
}

static int nc_nl_send(struct nc_nl *nl, nc_nl_cb cb, void *data, bool *intr)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)nl->req;

	nl->ext = (struct nc_nl_ext){ .bad_off = -1, .miss_type = -1 };
	*intr = false;
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -errno;
	return nc_nl_recv(nl, cb, data, intr);
}

int nc_nl_do(struct nc_nl *nl, nc_nl_cb cb, void *data)
{
	bool intr;

	return nc_nl_send(nl, cb, data, &intr);
}

int nc_nl_dump(struct nc_nl *nl, uint8_t cmd, nc_nl_cb cb,
	       void (*restart)(void *data), void *data)
{
	bool intr;
	int err;

	for (unsigned int try = 0; try < NC_NL_DUMP_TRIES; try++) {
		if (try && restart)
			restart(data);
		nc_nl_req_to(nl, nl->family, cmd, NLM_F_DUMP, NULL);
		err = nc_nl_send(nl, cb, data, &intr);
		if (err || !intr)
			return err;
	}
	return -NC_NL_EDUMPINTR;
}

struct nc_nl_find {
	const struct nlmsghdr *req;
	long off;
	long type;		/* of the attribute at off, or -1 */
};

static int nc_nl_find_cb(const struct nlattr *a, void *data)
{
	struct nc_nl_find *f = data;

	if ((const char *)a - (const char *)f->req != f->off)
		return 0;
	f->type = mnl_attr_get_type(a);
	return 1;
}

static const char *nc_nl_attr_name(const struct nc_nl *nl, long type)
{
	if (nl->names && type < nl->names->n && nl->names->name[type])
		return nl->names->name[type];
	return "of unknown type";
}

/* The name of the request attribute at offset off, if one starts there. */
static const char *nc_nl_attr_at(const struct nc_nl *nl, long off)
{
	struct nc_nl_find f = { (const struct nlmsghdr *)nl->req, off, -1 };

	nc_attrs_each(f.req, sizeof(struct genlmsghdr), NC_ATTR_ANY,
		      nc_nl_find_cb, &f);
	return f.type < 0 ? NULL : nc_nl_attr_name(nl, f.type);
}

int nc_nl_report(const struct nc_nl *nl, int err, const char *what)
{
	const struct nc_nl_ext *x = &nl->ext;
	const char *bad = x->bad_off >= 0 ? nc_nl_attr_at(nl, x->bad_off) : NULL;
	char attr[96] = "";

	if (bad)
		snprintf(attr, sizeof(attr), " (attribute %s)", bad);
	else if (x->bad_off >= 0)
		snprintf(attr, sizeof(attr), " (attribute at offset %ld)", x->bad_off);
	if (x->msg[0])
		return nc_error("%s%s", x->msg, attr);
	if (x->miss_type >= 0)
		return nc_error("%s: attribute %s missing (%s)", what,
				nc_nl_attr_name(nl, x->miss_type), strerror(-err));
	switch (-err) {
	case NC_NL_EDUMPINTR:
		return nc_error("%s: dolls came and went during each of %d tries; try again",
				what, NC_NL_DUMP_TRIES);
	case EPERM:
	case EACCES:
		return nc_error("%s needs CAP_NET_ADMIN (%s)", what, strerror(-err));
	case EBADMSG:
		return nc_error("%s: malformed reply from kvm-nest; does this nestctl match the module?",
				what);
	case NC_NL_ENORESULT:
		return nc_error("%s: no outcome within %d s; the kernel may still apply it: see \"nestctl monitor\" or \"nestctl envelope show\"",
				what, NC_NL_RESULT_S);
	}
	return nc_error("%s: %s%s", what, strerror(-err), attr);
}
