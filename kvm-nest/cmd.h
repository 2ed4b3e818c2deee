/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_CMD_H
#define KN_CMD_H

#include "env/env.h"

/* A command on one doll, from netlink or from our kvm-nest parent. */
struct kn_cmd {
	u8 cmd;			/* KVM_NEST_CMD_ENV_SET, _ENV_DEL, _PING, _DELEG_SET */
	bool dry;		/* ENV_SET: check only */
	bool deleg_on;		/* DELEG_SET: on, else off */
	u32 id;			/* the doll, as this kernel numbers it */
	u32 deleg_classes;	/* DELEG_SET: KVM_NEST_DELEG_* */
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
/*
 * Runs a DELEG_SET if this kernel holds the doll's switches (a doll of
 * level 1 or 2): 0 or a negative errno.  1, doing nothing, for a deeper
 * doll: the kvm-nest that reported it holds the policy its hypervisor
 * delegated, so kn_cmd_exec() sends it there and waits for the answer.
 */
int kn_cmd_deleg_here(const struct kn_cmd *cmd, struct kn_cmd_result *res);

#endif
