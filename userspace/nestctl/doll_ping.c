// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestctl doll ping DOLL: a PING down the channel to the kernel that hosts
 * the doll and back; the kernel reports the hops and the round trip.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <linux/kvm_nest.h>

#include "attr.h"
#include "ident.h"
#include "nestctl.h"

struct nc_pong {
	bool got;
	uint32_t id, hops;
	uint64_t rtt_ns;
	char refusal[512];	/* why the kernel could not ping, if it says */
};

static const enum mnl_attr_data_type nc_pong_types[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_ID] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_HOPS] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_RTT_NS] = MNL_TYPE_U64,
	[KVM_NEST_A_DOLL_REFUSAL] = MNL_TYPE_NUL_STRING,
};

static int nc_pong_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KVM_NEST_A_DOLL_MAX + 1] = { 0 };
	struct nc_pong *pong = data;

	if (nc_attrs_parse(nlh, sizeof(struct genlmsghdr), nc_pong_types,
			   KVM_NEST_A_DOLL_MAX, tb))
		return -EBADMSG;
	/* A refusal comes as a message of its own, then the error. */
	if (tb[KVM_NEST_A_DOLL_REFUSAL]) {
		snprintf(pong->refusal, sizeof(pong->refusal), "%s",
			 mnl_attr_get_str(tb[KVM_NEST_A_DOLL_REFUSAL]));
		return 0;
	}
	/* The cookie of the queued ping, or its outcome without hops. */
	if (!tb[KVM_NEST_A_DOLL_HOPS] || !tb[KVM_NEST_A_DOLL_RTT_NS])
		return 0;
	pong->got = true;
	pong->id = nc_attr_u32(tb[KVM_NEST_A_DOLL_ID], 0);
	pong->hops = mnl_attr_get_u32(tb[KVM_NEST_A_DOLL_HOPS]);
	pong->rtt_ns = mnl_attr_get_u64(tb[KVM_NEST_A_DOLL_RTT_NS]);
	return 0;
}

static void nc_pong_print(struct nc_print *p, const struct nc_doll *d,
			  const struct nc_pong *pong)
{
	char rtt[32];

	snprintf(rtt, sizeof(rtt), "%" PRIu64 ".%03" PRIu64 "ms",
		 pong->rtt_ns / 1000000, pong->rtt_ns / 1000 % 1000);
	nc_pr_open_obj(p, NULL);
	nc_pr_uint(p, NC_JSON, "id", d->id);
	nc_pr_str(p, NC_TEXT, "doll", d->path);
	nc_pr_str(p, NC_JSON, "path", d->path);
	nc_pr_uint(p, NC_ANY, "hops", pong->hops);
	nc_pr_str(p, NC_TEXT, "rtt", rtt);
	nc_pr_uint(p, NC_JSON, "rtt_ns", pong->rtt_ns);
	nc_pr_nl(p);
	nc_pr_close_obj(p);
}

int nc_doll_ping(struct nc_ctx *ctx, int argc, char **argv)
{
	struct nc_dolls set = { 0 };
	const struct nc_doll *d;
	struct nc_pong pong = { 0 };
	struct nlmsghdr *nlh;
	char note[160];
	int rc, err;

	if (!argc)
		return nc_usage_error("doll", "ping needs a doll");
	if (argc > 1)
		return nc_unknown_arg("doll", argv[1]);
	rc = nc_ctx_nl(ctx);
	if (!rc)
		rc = nc_doll_lookup_one(&ctx->nl, argv[0], &set, &d);
	if (!rc) {
		snprintf(note, sizeof(note), "waiting for the kernel that hosts doll %s to answer...",
			 d->path);
		nlh = nc_nl_req(&ctx->nl, KVM_NEST_CMD_PING, &nc_doll_attr_names);
		mnl_attr_put_u32(nlh, KVM_NEST_A_DOLL_ID, d->id);
		nc_nl_slow(&ctx->nl, note);
		err = nc_nl_do_result(&ctx->nl, nc_pong_cb, &pong);
		if (!err && !pong.got)
			err = -EBADMSG;		/* acked without an answer */
		if (err && pong.refusal[0])
			rc = nc_error("%s", pong.refusal);
		else if (err == -EHOSTUNREACH && !ctx->nl.ext.msg[0])
			rc = nc_error("doll ping: no kvm-nest listens at the level that hosts doll %s",
				      d->path);
		else if (err)
			rc = nc_nl_report(&ctx->nl, err, "doll ping");
		else
			nc_pong_print(&ctx->pr, d, &pong);
	}
	nc_dolls_free(&set);
	return rc;
}
