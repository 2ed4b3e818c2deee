// SPDX-License-Identifier: GPL-2.0-only
/*
 * Requests the kernel runs in the background (envelope changes, pings):
 * its handler answers at once with a cookie, and the outcome comes later
 * as RESULT_NTF, unicast to this socket with the request's sequence
 * number.  Meanwhile we say that we wait, after NC_NL_NOTE_MS and then
 * every NC_NL_NOTE_EVERY_S.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <linux/kvm_nest.h>

#include "attr.h"
#include "nl.h"
#include "util.h"

struct nc_result {
	nc_nl_cb cb;
	void *data;
	bool queued, done;
	uint64_t cookie;
	int error;		/* of the outcome, -errno */
};

static const enum mnl_attr_data_type nc_result_types[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_COOKIE] = MNL_TYPE_U64,
	[KVM_NEST_A_DOLL_ERROR] = MNL_TYPE_U32,
};

/* Every message goes to the caller's cb; the cookie and outcome are ours. */
static int nc_result_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KVM_NEST_A_DOLL_MAX + 1] = { 0 };
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct nc_result *r = data;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g) ||
	    nc_attrs_parse(nlh, sizeof(*g), nc_result_types,
			   KVM_NEST_A_DOLL_MAX, tb))
		return -EBADMSG;
	if (g->cmd == KVM_NEST_CMD_RESULT_NTF) {
		if (!tb[KVM_NEST_A_DOLL_COOKIE] || !tb[KVM_NEST_A_DOLL_ERROR])
			return -EBADMSG;
		if (!r->queued || mnl_attr_get_u64(tb[KVM_NEST_A_DOLL_COOKIE]) != r->cookie)
			return 0;	/* an outcome of an earlier request */
		r->done = true;
		r->error = -(int)mnl_attr_get_u32(tb[KVM_NEST_A_DOLL_ERROR]);
	} else if (tb[KVM_NEST_A_DOLL_COOKIE]) {
		r->queued = true;
		r->cookie = mnl_attr_get_u64(tb[KVM_NEST_A_DOLL_COOKIE]);
	}
	return r->cb ? r->cb(nlh, r->data) : 0;
}

static void nc_result_note(const char *note, uint64_t waited_ms)
{
	if (!note)
		return;
	if (waited_ms < NC_NL_NOTE_EVERY_S * 1000)
		fprintf(stderr, "%s\n", note);
	else
		fprintf(stderr, "still waiting, %u s so far...\n",
			(unsigned int)(waited_ms / 1000));
}

/* Messages for this request until its outcome; 0 or -errno. */
static int nc_result_wait(struct nc_nl *nl, struct nc_result *r,
			  const char *note, uint64_t start)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)nl->req;
	uint64_t next = start + NC_NL_NOTE_MS, end = start + NC_NL_RESULT_S * 1000ULL;
	struct pollfd pfd = { .fd = nc_nl_fd(nl), .events = POLLIN };

	while (!r->done) {
		uint64_t now = nc_now_ms(), until = next < end ? next : end;
		const struct nlmsghdr *nlh;
		ssize_t n;
		int left, err;

		if (now >= end)
			return -NC_NL_ENORESULT;
		if (now >= next) {
			nc_result_note(note, now - start);
			next = now + NC_NL_NOTE_EVERY_S * 1000;
			continue;
		}
		n = poll(&pfd, 1, (int)(until - now));
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0)
			continue;
		n = mnl_socket_recvfrom(nl->sock, nl->buf, NC_NL_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		nlh = (const struct nlmsghdr *)nl->buf;
		for (left = (int)n; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_type != nl->family ||
			    nlh->nlmsg_seq != req->nlmsg_seq)
				continue;
			err = nc_result_cb(nlh, r);
			if (err)
				return err;
		}
	}
	return r->error;
}

int nc_nl_do_result(struct nc_nl *nl, nc_nl_cb cb, void *data)
{
	struct nc_result r = { .cb = cb, .data = data };
	const char *note = nl->wait_note;
	uint64_t start = nc_now_ms();
	int err;

	nl->wait_note = NULL;
	err = nc_nl_do(nl, nc_result_cb, &r);
	/* Refused at once, or answered without a cookie by an older module. */
	if (err || !r.queued)
		return err;
	return nc_result_wait(nl, &r, note, start);
}
