/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_CHANNEL_REPORT_TREE_H
#define KN_CHANNEL_REPORT_TREE_H

#include "../doll_report.h"

/*
 * Whether @out may follow the @n entries of @e already taken: its id is
 * new, and it is a top doll at level 1 or comes after its parent, one
 * level below it.  0 or -EINVAL.
 */
int kn_report_place(const struct kn_report_entry *e, unsigned int n,
		    const struct kn_report_entry *out);

#endif
