/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: a field of struct kn_doll; nothing is freed under RCU here. */
#ifndef KN_SHIM_LINUX_RCUPDATE_H
#define KN_SHIM_LINUX_RCUPDATE_H

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

#endif
