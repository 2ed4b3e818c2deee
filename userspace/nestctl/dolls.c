// SPDX-License-Identifier: GPL-2.0-only
/* Dolls as the kernel reports them: parsed messages and whole dumps. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm_nest.h>

#include "attr.h"
#include "dolls.h"
#include "util.h"

static const char *const nc_doll_attr_name[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_ID] = "id",
	[KVM_NEST_A_DOLL_PATH] = "path",
	[KVM_NEST_A_DOLL_LEVEL] = "level",
	[KVM_NEST_A_DOLL_PARENT] = "parent",
	[KVM_NEST_A_DOLL_PID] = "pid",
	[KVM_NEST_A_DOLL_NAME] = "name",
	[KVM_NEST_A_DOLL_VCPUS] = "vcpus",
	[KVM_NEST_A_DOLL_MEM] = "mem",
	[KVM_NEST_A_DOLL_CTX] = "ctx",
	[KVM_NEST_A_DOLL_GUEST_NS] = "guest-ns",
	[KVM_NEST_A_DOLL_EXITS] = "exits",
	[KVM_NEST_A_DOLL_REFLECTED] = "reflected",
	[KVM_NEST_A_DOLL_EXIT] = "exit",
	[KVM_NEST_A_DOLL_KIND] = "kind",
	[KVM_NEST_A_DOLL_ENV] = "env",
	[KVM_NEST_A_DOLL_USAGE_CPU] = "usage-cpu",
	[KVM_NEST_A_DOLL_USAGE_MEM] = "usage-mem",
	[KVM_NEST_A_DOLL_DRY_RUN] = "dry-run",
	[KVM_NEST_A_DOLL_REFUSAL] = "refusal",
	[KVM_NEST_A_DOLL_COOKIE] = "cookie",
	[KVM_NEST_A_DOLL_ERROR] = "error",
	[KVM_NEST_A_DOLL_MSG] = "msg",
	[KVM_NEST_A_DOLL_HOPS] = "hops",
	[KVM_NEST_A_DOLL_RTT_NS] = "rtt-ns",
	[KVM_NEST_A_DOLL_DELEGATED] = "delegated",
	[KVM_NEST_A_DOLL_DELEG_CLASSES] = "deleg-classes",
	[KVM_NEST_A_DOLL_DELEG_OFF] = "deleg-off",
	[KVM_NEST_A_DOLL_DELEG_ON] = "deleg-on",
	[KVM_NEST_A_DOLL_IDS_MINTED] = "ids-minted",
	[KVM_NEST_A_DOLL_IDS_REFUSED] = "ids-refused",
	[KVM_NEST_A_DOLL_OVERCOMMITTED] = "overcommitted",
	[KVM_NEST_A_DOLL_PID_START] = "pid-start",
	[KVM_NEST_A_DOLL_UUID] = "uuid",
};

const struct nc_attr_names nc_doll_attr_names = {
	nc_doll_attr_name, NC_ARRAY_SIZE(nc_doll_attr_name)
};

/* Every doll attribute, of a dump or of an event: one table for both. */
const enum mnl_attr_data_type nc_doll_types[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_ID] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_PATH] = MNL_TYPE_NUL_STRING,
	[KVM_NEST_A_DOLL_LEVEL] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_PARENT] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_PID] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_NAME] = MNL_TYPE_NUL_STRING,
	[KVM_NEST_A_DOLL_VCPUS] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_MEM] = MNL_TYPE_U64,
	[KVM_NEST_A_DOLL_CTX] = MNL_TYPE_U64,
	[KVM_NEST_A_DOLL_GUEST_NS] = MNL_TYPE_U64,
	[KVM_NEST_A_DOLL_EXITS] = MNL_TYPE_U64,
	[KVM_NEST_A_DOLL_REFLECTED] = MNL_TYPE_U64,
	[KVM_NEST_A_DOLL_DELEGATED] = MNL_TYPE_U64,
	[KVM_NEST_A_DOLL_DELEG_CLASSES] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_DELEG_OFF] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_IDS_MINTED] = MNL_TYPE_U64,
	[KVM_NEST_A_DOLL_IDS_REFUSED] = MNL_TYPE_U64,
	[KVM_NEST_A_DOLL_EXIT] = MNL_TYPE_NESTED,
	[KVM_NEST_A_DOLL_KIND] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_ENV] = MNL_TYPE_NESTED,
	[KVM_NEST_A_DOLL_USAGE_CPU] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_USAGE_MEM] = MNL_TYPE_U64,
	[KVM_NEST_A_DOLL_OVERCOMMITTED] = MNL_TYPE_FLAG,
	[KVM_NEST_A_DOLL_RUNS_NESTED] = MNL_TYPE_FLAG,
	[KVM_NEST_A_DOLL_ERROR] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_REFUSAL] = MNL_TYPE_NUL_STRING,
	[KVM_NEST_A_DOLL_PROGRESS] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type nc_exit_types[KVM_NEST_A_EXIT_MAX + 1] = {
	[KVM_NEST_A_EXIT_CODE] = MNL_TYPE_U32,
	[KVM_NEST_A_EXIT_REASON] = MNL_TYPE_NUL_STRING,
	[KVM_NEST_A_EXIT_COUNT] = MNL_TYPE_U64,
};

static int nc_exit_parse(const struct nlattr *nest, struct nc_exit *e)
{
	const struct nlattr *tb[KVM_NEST_A_EXIT_MAX + 1] = { 0 };

	if (nc_attrs_parse_nest(nest, nc_exit_types, KVM_NEST_A_EXIT_MAX, tb) ||
	    !tb[KVM_NEST_A_EXIT_COUNT])
		return -EBADMSG;
	e->has_code = tb[KVM_NEST_A_EXIT_CODE];
	e->code = nc_attr_u32(tb[KVM_NEST_A_EXIT_CODE], 0);
	e->reason = nc_xstrdup(nc_attr_str(tb[KVM_NEST_A_EXIT_REASON],
					   e->has_code ? "unknown" : "other"));
	e->count = mnl_attr_get_u64(tb[KVM_NEST_A_EXIT_COUNT]);
	return 0;
}

static int nc_doll_add_exit(const struct nlattr *a, void *data)
{
	struct nc_doll *d = data;

	/* Grown one at a time: a doll has a few dozen exit codes at most. */
	d->exit = nc_xrealloc(d->exit, d->n_exit + 1, sizeof(*d->exit));
	d->exit[d->n_exit] = (struct nc_exit){ 0 };
	return nc_exit_parse(a, &d->exit[d->n_exit++]);
}

int nc_doll_parse(const struct nlmsghdr *nlh, struct nc_doll *d)
{
	const struct nlattr *tb[KVM_NEST_A_DOLL_MAX + 1] = { 0 };

	*d = (struct nc_doll){ 0 };
	if (nc_attrs_parse(nlh, sizeof(struct genlmsghdr), nc_doll_types,
			   KVM_NEST_A_DOLL_MAX, tb) ||
	    !tb[KVM_NEST_A_DOLL_ID] || !tb[KVM_NEST_A_DOLL_PATH] ||
	    !tb[KVM_NEST_A_DOLL_LEVEL])
		return -EBADMSG;
	d->id = mnl_attr_get_u32(tb[KVM_NEST_A_DOLL_ID]);
	d->level = mnl_attr_get_u32(tb[KVM_NEST_A_DOLL_LEVEL]);
	d->parent = nc_attr_u32(tb[KVM_NEST_A_DOLL_PARENT], 0);
	d->pid = nc_attr_u32(tb[KVM_NEST_A_DOLL_PID], 0);
	d->vcpus = nc_attr_u32(tb[KVM_NEST_A_DOLL_VCPUS], 0);
	d->mem = nc_attr_u64(tb[KVM_NEST_A_DOLL_MEM], 0);
	d->ctx = nc_attr_u64(tb[KVM_NEST_A_DOLL_CTX], 0);
	d->guest_ns = nc_attr_u64(tb[KVM_NEST_A_DOLL_GUEST_NS], 0);
	d->exits = nc_attr_u64(tb[KVM_NEST_A_DOLL_EXITS], 0);
	d->reflected = nc_attr_u64(tb[KVM_NEST_A_DOLL_REFLECTED], 0);
	d->delegated = nc_attr_u64(tb[KVM_NEST_A_DOLL_DELEGATED], 0);
	d->has = (tb[KVM_NEST_A_DOLL_VCPUS] ? NC_HAS_VCPUS : 0) |
		 (tb[KVM_NEST_A_DOLL_DELEGATED] ? NC_HAS_DELEGATED : 0) |
		 (tb[KVM_NEST_A_DOLL_MEM] ? NC_HAS_MEM : 0) |
		 (tb[KVM_NEST_A_DOLL_CTX] ? NC_HAS_CTX : 0) |
		 (tb[KVM_NEST_A_DOLL_EXITS] ? NC_HAS_STATS : 0) |
		 (tb[KVM_NEST_A_DOLL_PID] ? NC_HAS_PID : 0);
	d->overcommitted = tb[KVM_NEST_A_DOLL_OVERCOMMITTED];
	d->runs_nested = tb[KVM_NEST_A_DOLL_RUNS_NESTED];
	d->kind = nc_attr_u32(tb[KVM_NEST_A_DOLL_KIND], 0);
	d->usage_cpu = nc_attr_u32(tb[KVM_NEST_A_DOLL_USAGE_CPU], 0);
	d->usage_mem = nc_attr_u64(tb[KVM_NEST_A_DOLL_USAGE_MEM], 0);
	if (tb[KVM_NEST_A_DOLL_USAGE_CPU] || tb[KVM_NEST_A_DOLL_USAGE_MEM])
		d->has |= NC_HAS_USAGE;
	d->deleg_classes = nc_attr_u32(tb[KVM_NEST_A_DOLL_DELEG_CLASSES], 0);
	d->deleg_off = nc_attr_u32(tb[KVM_NEST_A_DOLL_DELEG_OFF], 0);
	if (tb[KVM_NEST_A_DOLL_DELEG_CLASSES] && tb[KVM_NEST_A_DOLL_DELEG_OFF])
		d->has |= NC_HAS_DELEG;
	else if (tb[KVM_NEST_A_DOLL_DELEG_OFF])
		d->has |= NC_HAS_DELEG_REPORTED;
	if (tb[KVM_NEST_A_DOLL_ENV]) {
		if (nc_env_parse(tb[KVM_NEST_A_DOLL_ENV], &d->env))
			return -EBADMSG;
		d->has |= NC_HAS_ENV;
	}
	d->path = nc_xstrdup(mnl_attr_get_str(tb[KVM_NEST_A_DOLL_PATH]));
	if (tb[KVM_NEST_A_DOLL_NAME])
		d->name = nc_xstrdup(mnl_attr_get_str(tb[KVM_NEST_A_DOLL_NAME]));
	return nc_attrs_each(nlh, sizeof(struct genlmsghdr), KVM_NEST_A_DOLL_EXIT,
			     nc_doll_add_exit, d);
}

void nc_doll_free(struct nc_doll *d)
{
	for (size_t i = 0; i < d->n_exit; i++)
		free(d->exit[i].reason);
	free(d->exit);
	free(d->path);
	free(d->name);
	*d = (struct nc_doll){ 0 };
}

static int nc_doll_get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nc_doll *d = data;

	nc_doll_free(d);	/* one reply is expected; keep the last */
	return nc_doll_parse(nlh, d);
}

int nc_doll_get(struct nc_nl *nl, uint32_t id, struct nc_doll *d)
{
	struct nlmsghdr *nlh;
	int err;

	*d = (struct nc_doll){ 0 };
	nlh = nc_nl_req(nl, KVM_NEST_CMD_DOLL_GET, &nc_doll_attr_names);
	mnl_attr_put_u32(nlh, KVM_NEST_A_DOLL_ID, id);
	err = nc_nl_do(nl, nc_doll_get_cb, d);
	if (!err && !d->path)
		err = -EBADMSG;		/* acked without a doll */
	if (err)
		nc_doll_free(d);
	return err;
}

static int nc_dolls_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nc_dolls *set = data;

	set->v = nc_grow(set->v, &set->cap, set->n, sizeof(*set->v));
	return nc_doll_parse(nlh, &set->v[set->n++]);
}

static void nc_dolls_clear(void *data)
{
	struct nc_dolls *set = data;

	for (size_t i = 0; i < set->n; i++)
		nc_doll_free(&set->v[i]);
	set->n = 0;
}

int nc_dolls_dump(struct nc_nl *nl, struct nc_dolls *set)
{
	nc_dolls_clear(set);
	return nc_nl_dump(nl, KVM_NEST_CMD_DOLL_GET, nc_dolls_dump_cb,
			  nc_dolls_clear, set);
}

void nc_dolls_free(struct nc_dolls *set)
{
	nc_dolls_clear(set);
	free(set->v);
	*set = (struct nc_dolls){ 0 };
}

const struct nc_doll *nc_dolls_find(const struct nc_dolls *set, uint32_t id)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].id == id)
			return &set->v[i];
	return NULL;
}

bool nc_doll_within(const struct nc_doll *d, const struct nc_doll *root)
{
	size_t n = strlen(root->path);

	return !strncmp(d->path, root->path, n) &&
	       (d->path[n] == '\0' || d->path[n] == '/');
}
