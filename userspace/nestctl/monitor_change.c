// SPDX-License-Identifier: GPL-2.0-only
/*
 * The monitor's envelope-change events: a refusal, with the envelope that
 * was refused and the kernel's reason (its figures), and an agent's
 * progress ("guest 1.8GiB target 1.0GiB elapsed 6.0s").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/kvm_nest.h>

#include "attr.h"
#include "doll.h"
#include "env.h"
#include "monitor.h"

static const enum mnl_attr_data_type nc_progress_types[KVM_NEST_A_PROGRESS_MAX + 1] = {
	[KVM_NEST_A_PROGRESS_STATE] = MNL_TYPE_U32,
	[KVM_NEST_A_PROGRESS_MEM_START] = MNL_TYPE_U64,
	[KVM_NEST_A_PROGRESS_MEM_NOW] = MNL_TYPE_U64,
	[KVM_NEST_A_PROGRESS_MEM_TARGET] = MNL_TYPE_U64,
	[KVM_NEST_A_PROGRESS_ELAPSED_MS] = MNL_TYPE_U32,
};

/* The doll as every doll event names it; a pending envelope by name. */
static void nc_change_ident(struct nc_print *p, const struct nlattr **tb)
{
	char path[128], dname[256];
	struct nc_doll d = { .path = path };

	if (!tb[KVM_NEST_A_DOLL_ID]) {
		nc_pr_str(p, NC_TEXT, "pending", nc_attr_str(tb[KVM_NEST_A_DOLL_NAME], ""));
		nc_pr_str(p, NC_JSON, "name", nc_attr_str(tb[KVM_NEST_A_DOLL_NAME], ""));
		nc_pr_bool(p, NC_JSON, "pending", true);
		if (tb[KVM_NEST_A_DOLL_UUID])
			nc_pr_str(p, NC_ANY, "uuid", mnl_attr_get_str(tb[KVM_NEST_A_DOLL_UUID]));
		return;
	}
	d.id = mnl_attr_get_u32(tb[KVM_NEST_A_DOLL_ID]);
	snprintf(path, sizeof(path), "%s", nc_attr_str(tb[KVM_NEST_A_DOLL_PATH], ""));
	d.level = nc_attr_u32(tb[KVM_NEST_A_DOLL_LEVEL], 0);
	d.parent = nc_attr_u32(tb[KVM_NEST_A_DOLL_PARENT], 0);
	d.pid = nc_attr_u32(tb[KVM_NEST_A_DOLL_PID], 0);
	d.has = tb[KVM_NEST_A_DOLL_PID] ? NC_HAS_PID : 0;
	if (tb[KVM_NEST_A_DOLL_NAME]) {
		snprintf(dname, sizeof(dname), "%s", mnl_attr_get_str(tb[KVM_NEST_A_DOLL_NAME]));
		d.name = dname;
	}
	nc_doll_print_ident(p, &d);
}

static int nc_change_parse(const struct nlmsghdr *nlh, const struct nlattr **tb)
{
	if (nc_attrs_parse(nlh, sizeof(struct genlmsghdr), nc_doll_types,
			   KVM_NEST_A_DOLL_MAX, tb))
		return -EBADMSG;
	if (!tb[KVM_NEST_A_DOLL_ID] && !tb[KVM_NEST_A_DOLL_NAME])
		return -EBADMSG;
	return 0;
}

int nc_monitor_refused(struct nc_monitor *m, const struct nlmsghdr *nlh,
		       const char *name)
{
	const struct nlattr *tb[KVM_NEST_A_DOLL_MAX + 1] = { 0 };
	struct nc_print *p = m->p;
	const char *ename;
	struct nc_env env;
	char num[16];
	uint32_t err;

	if (nc_change_parse(nlh, tb) || !tb[KVM_NEST_A_DOLL_ENV] ||
	    !tb[KVM_NEST_A_DOLL_ERROR] || !tb[KVM_NEST_A_DOLL_REFUSAL] ||
	    nc_env_parse(tb[KVM_NEST_A_DOLL_ENV], &env))
		return -EBADMSG;
	err = mnl_attr_get_u32(tb[KVM_NEST_A_DOLL_ERROR]);
	ename = err <= 4095 ? strerrorname_np((int)err) : NULL;
	if (!ename) {
		snprintf(num, sizeof(num), "%u", err);
		ename = num;
	}
	nc_monitor_head(m, name);
	nc_change_ident(p, tb);
	nc_pr_str(p, NC_ANY, "error", ename);
	if (nc_pr_open_obj(p, "envelope")) {
		nc_env_print(p, &env);
		nc_pr_close_obj(p);
	}
	/* Last: in text it runs to the end of the line. */
	nc_pr_str(p, NC_ANY, "reason", mnl_attr_get_str(tb[KVM_NEST_A_DOLL_REFUSAL]));
	return 0;
}

static const char *nc_progress_state(uint32_t s)
{
	switch (s) {
	case KVM_NEST_PROGRESS_RUNNING:
		return "running";
	case KVM_NEST_PROGRESS_DONE:
		return "done";
	case KVM_NEST_PROGRESS_FAILED:
		return "failed";
	}
	return "unknown";
}

int nc_monitor_progress(struct nc_monitor *m, const struct nlmsghdr *nlh,
			const char *name)
{
	const struct nlattr *tb[KVM_NEST_A_DOLL_MAX + 1] = { 0 };
	const struct nlattr *pt[KVM_NEST_A_PROGRESS_MAX + 1] = { 0 };
	struct nc_print *p = m->p;
	uint64_t start, now, target;
	uint32_t ms;
	char el[32];

	if (nc_change_parse(nlh, tb) || !tb[KVM_NEST_A_DOLL_ID] ||
	    !tb[KVM_NEST_A_DOLL_PROGRESS] ||
	    nc_attrs_parse_nest(tb[KVM_NEST_A_DOLL_PROGRESS], nc_progress_types,
				KVM_NEST_A_PROGRESS_MAX, pt) ||
	    !pt[KVM_NEST_A_PROGRESS_STATE] || !pt[KVM_NEST_A_PROGRESS_MEM_NOW] ||
	    !pt[KVM_NEST_A_PROGRESS_MEM_TARGET])
		return -EBADMSG;
	start = nc_attr_u64(pt[KVM_NEST_A_PROGRESS_MEM_START], 0);
	now = mnl_attr_get_u64(pt[KVM_NEST_A_PROGRESS_MEM_NOW]);
	target = mnl_attr_get_u64(pt[KVM_NEST_A_PROGRESS_MEM_TARGET]);
	ms = nc_attr_u32(pt[KVM_NEST_A_PROGRESS_ELAPSED_MS], 0);
	nc_monitor_head(m, name);
	nc_change_ident(p, tb);
	nc_pr_str(p, NC_ANY, "state", nc_progress_state(mnl_attr_get_u32(pt[KVM_NEST_A_PROGRESS_STATE])));
	nc_pr_bytes(p, NC_TEXT, "from", start);
	nc_pr_bytes(p, NC_TEXT, "guest", now);
	nc_pr_bytes(p, NC_TEXT, "target", target);
	snprintf(el, sizeof(el), "%u.%us", ms / 1000, ms % 1000 / 100);
	nc_pr_str(p, NC_TEXT, "elapsed", el);
	nc_pr_uint(p, NC_JSON, "mem_start", start);
	nc_pr_uint(p, NC_JSON, "mem_now", now);
	nc_pr_uint(p, NC_JSON, "mem_target", target);
	nc_pr_uint(p, NC_JSON, "elapsed_ms", ms);
	return 0;
}
