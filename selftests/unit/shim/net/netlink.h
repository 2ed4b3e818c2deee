/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: env/env.h declares a policy table and netlink helpers. */
#ifndef KN_SHIM_NET_NETLINK_H
#define KN_SHIM_NET_NETLINK_H

#include <linux/types.h>

struct nlattr;
struct sk_buff;
struct netlink_ext_ack;

struct nla_policy {
	u8 type;
};

#endif
