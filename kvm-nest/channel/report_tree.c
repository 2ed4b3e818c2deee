// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shape of a child's report: apart from the netlink parsing
 * (parent.c), so that selftests/unit can test it without a kernel.
 */
#include <linux/errno.h>

#include "report_tree.h"

/* Index of the entry with child id @rid among the first @n, or -1. */
static int kn_ch_find(const struct kn_report_entry *e, unsigned int n, u32 rid)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (e[i].rep.rid == rid)
			return i;
	return -1;
}

int kn_report_place(const struct kn_report_entry *e, unsigned int n,
		    const struct kn_report_entry *out)
{
	int parent;

	if (kn_ch_find(e, n, out->rep.rid) >= 0)
		return -EINVAL;		/* ids are unique */
	if (out->rparent) {
		/* Parents come first, one level up. */
		parent = kn_ch_find(e, n, out->rparent);
		if (parent < 0 || e[parent].level + 1 != out->level)
			return -EINVAL;
	} else if (out->level != 1) {
		return -EINVAL;
	}
	return 0;
}
