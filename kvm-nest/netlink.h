/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_NETLINK_H
#define KN_NETLINK_H

#include <linux/types.h>

struct kn_event;

int kn_nl_init(void);
void kn_nl_exit(void);
bool kn_nl_has_listeners(void);
void kn_nl_notify(const struct kn_event *e);

#endif
