/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: list heads as fields of struct kn_doll; no test walks them. */
#ifndef KN_SHIM_LINUX_LIST_H
#define KN_SHIM_LINUX_LIST_H

struct list_head {
	struct list_head *next, *prev;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

#endif
