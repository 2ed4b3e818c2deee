/* SPDX-License-Identifier: GPL-2.0-only */
/* Attribute tables from kernel messages, checked against the expected types. */
#ifndef NC_ATTR_H
#define NC_ATTR_H

#include <libmnl/libmnl.h>

/*
 * Fill tb[0..max] (zeroed by the caller) with the last attribute of each
 * type; types[t] is MNL_TYPE_UNSPEC to take any payload.  Types above max
 * come from a newer kernel and are ignored.  0, or -EBADMSG when a known
 * attribute has the wrong size or an unterminated string.
 */
int nc_attrs_parse(const struct nlmsghdr *nlh, unsigned int offset,
		   const enum mnl_attr_data_type *types, unsigned int max,
		   const struct nlattr **tb);
int nc_attrs_parse_nest(const struct nlattr *nest,
			const enum mnl_attr_data_type *types, unsigned int max,
			const struct nlattr **tb);

/*
 * Call fn for each attribute of type (NC_ATTR_ANY: every one), in order:
 * for multi-attr nests, which a table keeps only the last of.  0, or the
 * first non-zero fn returned.
 */
#define NC_ATTR_ANY	0xffff
typedef int nc_attr_fn(const struct nlattr *a, void *data);
int nc_attrs_each(const struct nlmsghdr *nlh, unsigned int offset,
		  uint16_t type, nc_attr_fn *fn, void *data);
int nc_attrs_each_nested(const struct nlattr *nest, uint16_t type,
			 nc_attr_fn *fn, void *data);

/* Payloads of attributes that may be absent. */
uint32_t nc_attr_u32(const struct nlattr *a, uint32_t absent);
uint64_t nc_attr_u64(const struct nlattr *a, uint64_t absent);
const char *nc_attr_str(const struct nlattr *a, const char *absent);

#endif
