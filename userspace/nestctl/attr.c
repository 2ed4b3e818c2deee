// SPDX-License-Identifier: GPL-2.0-only
/* Attribute tables from kernel messages, checked against the expected types. */
#include <errno.h>

#include "attr.h"

struct nc_attr_table {
	const enum mnl_attr_data_type *types;
	unsigned int max;
	const struct nlattr **tb;
};

static int nc_attr_cb(const struct nlattr *a, void *data)
{
	const struct nc_attr_table *t = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type > t->max)
		return MNL_CB_OK;
	if (t->types[type] != MNL_TYPE_UNSPEC &&
	    mnl_attr_validate(a, t->types[type]) < 0)
		return MNL_CB_ERROR;
	t->tb[type] = a;
	return MNL_CB_OK;
}

int nc_attrs_parse(const struct nlmsghdr *nlh, unsigned int offset,
		   const enum mnl_attr_data_type *types, unsigned int max,
		   const struct nlattr **tb)
{
	struct nc_attr_table t = { types, max, tb };

	return mnl_attr_parse(nlh, offset, nc_attr_cb, &t) < 0 ? -EBADMSG : 0;
}

int nc_attrs_parse_nest(const struct nlattr *nest,
			const enum mnl_attr_data_type *types, unsigned int max,
			const struct nlattr **tb)
{
	struct nc_attr_table t = { types, max, tb };

	return mnl_attr_parse_nested(nest, nc_attr_cb, &t) < 0 ? -EBADMSG : 0;
}

struct nc_attr_walk {
	uint16_t type;
	nc_attr_fn *fn;
	void *data;
	int err;
};

static int nc_attr_walk_cb(const struct nlattr *a, void *data)
{
	struct nc_attr_walk *w = data;

	if (w->type != NC_ATTR_ANY && mnl_attr_get_type(a) != w->type)
		return MNL_CB_OK;
	w->err = w->fn(a, w->data);
	return w->err ? MNL_CB_ERROR : MNL_CB_OK;
}

int nc_attrs_each(const struct nlmsghdr *nlh, unsigned int offset,
		  uint16_t type, nc_attr_fn *fn, void *data)
{
	struct nc_attr_walk w = { type, fn, data, 0 };

	mnl_attr_parse(nlh, offset, nc_attr_walk_cb, &w);
	return w.err;
}

int nc_attrs_each_nested(const struct nlattr *nest, uint16_t type,
			 nc_attr_fn *fn, void *data)
{
	struct nc_attr_walk w = { type, fn, data, 0 };

	mnl_attr_parse_nested(nest, nc_attr_walk_cb, &w);
	return w.err;
}

uint32_t nc_attr_u32(const struct nlattr *a, uint32_t absent)
{
	return a ? mnl_attr_get_u32(a) : absent;
}

uint64_t nc_attr_u64(const struct nlattr *a, uint64_t absent)
{
	return a ? mnl_attr_get_u64(a) : absent;
}

const char *nc_attr_str(const struct nlattr *a, const char *absent)
{
	return a ? mnl_attr_get_str(a) : absent;
}
