// SPDX-License-Identifier: GPL-2.0-only
/* The version object: nestctl's version and the module's info-get. */
#include <errno.h>
#include <stdio.h>
#include <linux/kvm_nest.h>

#include "attr.h"
#include "nestctl.h"

static const enum mnl_attr_data_type nc_info_types[KVM_NEST_A_INFO_MAX + 1] = {
	[KVM_NEST_A_INFO_VERSION] = MNL_TYPE_NUL_STRING,
	[KVM_NEST_A_INFO_VENDOR] = MNL_TYPE_NUL_STRING,
	[KVM_NEST_A_INFO_KERNEL] = MNL_TYPE_NUL_STRING,
	[KVM_NEST_A_INFO_HOOK] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type nc_hook_types[KVM_NEST_A_HOOK_MAX + 1] = {
	[KVM_NEST_A_HOOK_NAME] = MNL_TYPE_NUL_STRING,
	[KVM_NEST_A_HOOK_KIND] = MNL_TYPE_NUL_STRING,
	[KVM_NEST_A_HOOK_CALLS] = MNL_TYPE_U64,
};

static void nc_version_usage(FILE *f)
{
	fputs("Usage: nestctl version\n"
	      "       nestctl version help\n", f);
}

static int nc_hook_print(const struct nlattr *a, void *data)
{
	const struct nlattr *tb[KVM_NEST_A_HOOK_MAX + 1] = { 0 };
	struct nc_print *p = data;

	if (nc_attrs_parse_nest(a, nc_hook_types, KVM_NEST_A_HOOK_MAX, tb) ||
	    !tb[KVM_NEST_A_HOOK_NAME])
		return -EBADMSG;
	nc_pr_open_obj(p, NULL);
	nc_pr_nl(p);
	nc_pr_indent(p, 1);
	nc_pr_str(p, NC_TEXT, "hook", mnl_attr_get_str(tb[KVM_NEST_A_HOOK_NAME]));
	nc_pr_str(p, NC_JSON, "name", mnl_attr_get_str(tb[KVM_NEST_A_HOOK_NAME]));
	nc_pr_str(p, NC_ANY, "kind", nc_attr_str(tb[KVM_NEST_A_HOOK_KIND], "?"));
	if (tb[KVM_NEST_A_HOOK_CALLS])
		nc_pr_uint(p, NC_ANY, "calls",
			   mnl_attr_get_u64(tb[KVM_NEST_A_HOOK_CALLS]));
	nc_pr_close_obj(p);
	return 0;
}

/* The reply is printed as it comes: nothing was printed before it. */
static int nc_info_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KVM_NEST_A_INFO_MAX + 1] = { 0 };
	struct nc_print *p = data;
	const char *version;
	int err;

	if (nc_attrs_parse(nlh, sizeof(struct genlmsghdr), nc_info_types,
			   KVM_NEST_A_INFO_MAX, tb) || !tb[KVM_NEST_A_INFO_VERSION])
		return -EBADMSG;
	version = mnl_attr_get_str(tb[KVM_NEST_A_INFO_VERSION]);
	nc_pr_open_obj(p, NULL);
	nc_pr_str(p, NC_ANY, "nestctl", NC_VERSION);
	nc_pr_nl(p);
	nc_pr_open_obj(p, "module");
	nc_pr_str(p, NC_TEXT, "kvm-nest", version);
	nc_pr_str(p, NC_JSON, "version", version);
	nc_pr_str(p, NC_ANY, "vendor", nc_attr_str(tb[KVM_NEST_A_INFO_VENDOR], "?"));
	nc_pr_str(p, NC_ANY, "kernel", nc_attr_str(tb[KVM_NEST_A_INFO_KERNEL], "?"));
	err = 0;
	if (nc_pr_open_arr(p, "hook")) {
		err = nc_attrs_each(nlh, sizeof(struct genlmsghdr),
				    KVM_NEST_A_INFO_HOOK, nc_hook_print, p);
		nc_pr_close_arr(p);
	}
	nc_pr_nl(p);
	nc_pr_close_obj(p);
	nc_pr_close_obj(p);
	return err;
}

static int nc_version_run(struct nc_ctx *ctx, int argc, char **argv)
{
	int rc, err;

	if (argc)
		return nc_unknown_arg("version", argv[0]);
	rc = nc_ctx_nl(ctx);
	if (rc)
		return rc;
	nc_nl_req(&ctx->nl, KVM_NEST_CMD_INFO_GET, NULL);
	err = nc_nl_do(&ctx->nl, nc_info_cb, &ctx->pr);
	return err ? nc_nl_report(&ctx->nl, err, "version") : NC_OK;
}

int nc_version(struct nc_ctx *ctx, int argc, char **argv)
{
	static const struct nc_cmd cmds[] = { { NULL, nc_version_run } };
	static const struct nc_object obj = {
		"version", nc_version_usage, cmds, 1, true
	};

	return nc_dispatch(ctx, &obj, argc, argv);
}
