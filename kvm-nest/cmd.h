/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_CMD_H
#define KN_CMD_H

#include "env/env.h"

/* A command on one doll, from netlink or from our kvm-nest parent. */
struct kn_cmd {
	u8 cmd;			/* KVM_NEST_CMD_ENV_SET, _ENV_DEL or _PING */
	bool dry;		/* ENV_SET: check only */
	u32 id;			/* the doll, as this kernel numbers it */
	struct kn_env_change change;
};

struct kn_cmd_result {
	u32 hops;		/* channel hops down to the doll's host */
	char why[KN_ENV_WHY_LEN];	/* when it failed */
};

/*
 * Whether doll @id takes commands: 0, or -ENOENT / -EHOSTUNREACH with the
 * reason in @res.  Only looks: it never waits for anyone.
 */
int kn_cmd_route(u32 id, struct kn_cmd_result *res);
/*
 * Runs @cmd where the doll lives: here for this kernel's VMs, else down
 * the channel to the kvm-nest that hosts it.  0 or a negative errno.
 */
int kn_cmd_exec(const struct kn_cmd *cmd, struct kn_cmd_result *res);

#endif
