// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestctl doll set DOLL delegate CLASS... { on | off }: switch delegated
 * exits of a doll (DELEG_SET): at this kernel for levels 1 and 2, else at
 * the kvm-nest inside its level-1 doll, which holds the policy; the
 * kernel routes it there in the background and sends the answer as
 * RESULT_NTF, which we wait for.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/kvm_nest.h>

#include "attr.h"
#include "deleg.h"
#include "ident.h"
#include "nestctl.h"

#define NC_SET_EXAMPLE	"e.g. nestctl doll set 3 delegate cpuid off"

static const enum mnl_attr_data_type nc_set_types[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_REFUSAL] = MNL_TYPE_NUL_STRING,
};

/* A refusal comes as a message of its own (or in RESULT_NTF), then the error. */
static int nc_set_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KVM_NEST_A_DOLL_MAX + 1] = { 0 };
	char *refusal = data;

	if (nc_attrs_parse(nlh, sizeof(struct genlmsghdr), nc_set_types,
			   KVM_NEST_A_DOLL_MAX, tb))
		return -EBADMSG;
	if (tb[KVM_NEST_A_DOLL_REFUSAL])
		snprintf(refusal, 512, "%s",
			 mnl_attr_get_str(tb[KVM_NEST_A_DOLL_REFUSAL]));
	return 0;
}

/* The level-1 doll whose kvm-nest reported @d. */
static uint32_t nc_set_reporter(const struct nc_dolls *set,
				const struct nc_doll *d)
{
	for (size_t i = 0; d && d->level > 1 && i < set->n; i++)
		d = nc_dolls_find(set, d->parent);
	return d ? d->id : 0;
}

/*
 * A deeper doll's switch took effect down there: say where, since this
 * kernel's doll show only learns of it from that kernel's next report.
 */
static void nc_set_print(struct nc_print *p, const struct nc_doll *d,
			 uint32_t by, bool on)
{
	nc_pr_open_obj(p, NULL);
	nc_pr_uint(p, NC_JSON, "id", d->id);
	nc_pr_str(p, NC_TEXT, "doll", d->path);
	nc_pr_str(p, NC_JSON, "path", d->path);
	nc_pr_str(p, NC_ANY, "delegate", on ? "on" : "off");
	nc_pr_uint(p, NC_ANY, "switched_by_kvm_nest_of", by);
	nc_pr_nl(p);
	nc_pr_close_obj(p);
}

/* The words after "delegate": classes, then on or off. */
static int nc_set_parse(int argc, char **argv, uint32_t *classes, bool *on)
{
	const char *last;

	if (!argc)
		return nc_usage_error("doll", "delegate needs classes and on or off, " NC_SET_EXAMPLE);
	last = argv[argc - 1];
	if (!strcmp(last, "on") || !strcmp(last, "off"))
		*on = !strcmp(last, "on");
	else
		return nc_usage_error("doll", "delegate ends with on or off, not '%s', " NC_SET_EXAMPLE,
				      last);
	if (argc == 1)
		return nc_usage_error("doll", "delegate needs a class before %s: cpuid, rdmsr, pause or all",
				      last);
	*classes = 0;
	for (int i = 0; i < argc - 1; i++) {
		uint32_t c = nc_deleg_class(argv[i]);

		if (!c)
			return nc_usage_error("doll", "unknown class '%s': use cpuid, rdmsr, pause or all",
					      argv[i]);
		*classes |= c;
	}
	return NC_OK;
}

int nc_doll_set(struct nc_ctx *ctx, int argc, char **argv)
{
	struct nc_dolls set = { 0 };
	const struct nc_doll *d;
	char refusal[512] = "", note[160];
	struct nlmsghdr *nlh;
	uint32_t classes = 0;
	bool on = false;
	int rc, err;

	if (!argc)
		return nc_usage_error("doll", "set needs a doll, " NC_SET_EXAMPLE);
	if (argc < 2)
		return nc_usage_error("doll", "set needs what to set: delegate, " NC_SET_EXAMPLE);
	if (strcmp(argv[1], "delegate"))
		return nc_usage_error("doll", "cannot set '%s': only delegate, " NC_SET_EXAMPLE,
				      argv[1]);
	rc = nc_set_parse(argc - 2, argv + 2, &classes, &on);
	if (rc)
		return rc;
	rc = nc_ctx_nl(ctx);
	if (!rc)
		rc = nc_doll_lookup_one(&ctx->nl, argv[0], &set, &d);
	if (!rc) {
		nlh = nc_nl_req(&ctx->nl, KVM_NEST_CMD_DELEG_SET, &nc_doll_attr_names);
		mnl_attr_put_u32(nlh, KVM_NEST_A_DOLL_ID, d->id);
		mnl_attr_put_u32(nlh, KVM_NEST_A_DOLL_DELEG_CLASSES, classes);
		mnl_attr_put_u8(nlh, KVM_NEST_A_DOLL_DELEG_ON, on);
		snprintf(note, sizeof(note), "waiting for the kvm-nest that holds doll %s's switches to answer...",
			 d->path);
		nc_nl_slow(&ctx->nl, note);
		err = nc_nl_do_result(&ctx->nl, nc_set_cb, refusal);
		if (err && refusal[0])
			rc = nc_error("%s", refusal);
		else if (err)
			rc = nc_nl_report(&ctx->nl, err, "doll set");
		else if (d->level > 2)
			nc_set_print(&ctx->pr, d, nc_set_reporter(&set, d), on);
	}
	nc_dolls_free(&set);
	return rc;
}
