/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One doll's numbers over generic netlink (KVM_NEST_CMD_DOLL_GET with its
 * id), for what the debugfs reader of kn_dolls.h does not carry.
 */
#ifndef KN_DOLL_NETLINK_H
#define KN_DOLL_NETLINK_H

#include <stdint.h>

/*
 * The u64 attribute @type of doll @id into @v: 0, -ENODATA if the doll
 * has no such attribute, or the request's -errno (-ENOENT: no such doll).
 */
int kn_doll_netlink_u64(uint32_t id, uint16_t type, uint64_t *v);

#endif
