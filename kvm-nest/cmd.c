// SPDX-License-Identifier: GPL-2.0-only
/*
 * Commands on dolls at any depth.  This kernel runs those on its own VMs;
 * a doll deeper down is hosted by the kvm-nest of one of our VMs, so the
 * command goes down that VM's channel, hop by hop, and the answer comes
 * back the same way.
 */
#include <uapi/linux/kvm_nest.h>

#include "channel/request.h"
#include "cmd.h"
#include "deleg/switch.h"
#include "doll.h"
#include "env/set.h"

struct kn_cmd_route {
	u8 kind;
	u32 vm_id;		/* the VM whose kvm-nest hosts it */
	u32 rid;		/* its id there */
};

static int kn_cmd_route_fill(struct kn_doll *d, void *arg)
{
	struct kn_cmd_route *r = arg;

	r->kind = d->kind;
	r->vm_id = kn_doll_vm_of(d)->id;
	r->rid = d->kind == KN_DOLL_REPORTED ? d->rep.rid : 0;
	return 0;
}

/*
 * The child applied @arg's change: our copy of the doll's envelope takes
 * it now, not at the child's next REPORT, so that a change judged here
 * right after sees it.  Only if the doll is still the one we sent it to.
 */
static int kn_cmd_copy_env(struct kn_doll *d, void *arg)
{
	const struct kn_cmd *down = arg;

	kn_dolls_assert_locked();
	if (d->kind != KN_DOLL_REPORTED || d->rep.rid != down->id)
		return 0;
	if (down->cmd == KVM_NEST_CMD_ENV_DEL)
		memset(&d->env, 0, sizeof(d->env));
	else
		kn_env_merge(&d->env, &down->change);
	return 0;
}

static int kn_cmd_find(u32 id, struct kn_cmd_route *r,
		       struct kn_cmd_result *res)
{
	res->hops = 0;
	res->why[0] = 0;
	if (kn_doll_with_id(id, KN_KIND_ANY, kn_cmd_route_fill, r)) {
		scnprintf(res->why, sizeof(res->why), "no doll %u at this level",
			  id);
		return -ENOENT;
	}
	if (r->kind == KN_DOLL_CTX) {
		scnprintf(res->why, sizeof(res->why),
			  "doll %u is a nested context whose hypervisor does not run kvm-nest; it has no envelope",
			  id);
		return -EHOSTUNREACH;
	}
	return 0;
}

int kn_cmd_route(u32 id, struct kn_cmd_result *res)
{
	struct kn_cmd_route r;

	return kn_cmd_find(id, &r, res);
}

struct kn_cmd_deleg {
	const struct kn_cmd *cmd;
	struct kn_cmd_result *res;
	bool remote;		/* the reporting kvm-nest holds the switch */
	struct kn_cmd_route r;
};

static int kn_cmd_deleg_one(struct kn_doll *d, void *arg)
{
	struct kn_cmd_deleg *x = arg;

	if (kn_deleg_ctl_remote(d)) {
		x->remote = true;
		return kn_cmd_route_fill(d, &x->r);
	}
	return kn_deleg_ctl_set(d, x->cmd->deleg_classes, x->cmd->deleg_on,
				x->res->why, sizeof(x->res->why));
}

static int kn_cmd_deleg_find(struct kn_cmd_deleg *x)
{
	int err;

	x->res->hops = 0;
	x->res->why[0] = 0;
	err = kn_doll_with_id(x->cmd->id, KN_KIND_ANY, kn_cmd_deleg_one, x);
	if (err == -ENOENT)
		scnprintf(x->res->why, sizeof(x->res->why),
			  "no doll %u at this level", x->cmd->id);
	return err ?: x->remote;
}

int kn_cmd_deleg_here(const struct kn_cmd *cmd, struct kn_cmd_result *res)
{
	struct kn_cmd_deleg x = { .cmd = cmd, .res = res };

	return kn_cmd_deleg_find(&x);
}

/* Here, or down the channel to the kvm-nest that holds the switches. */
static int kn_cmd_deleg(const struct kn_cmd *cmd, struct kn_cmd_result *res)
{
	struct kn_cmd_deleg x = { .cmd = cmd, .res = res };
	char why[KN_ENV_WHY_LEN];
	struct kn_cmd down;
	int err;

	err = kn_cmd_deleg_find(&x);
	if (err <= 0)
		return err;
	down = *cmd;
	down.id = x.r.rid;
	err = kn_ch_request(x.r.vm_id, &down, res);
	res->hops++;
	if (!err)
		return 0;
	/* Its ids are not ours: say whose kernel answered, and for what. */
	if (err == -EOPNOTSUPP && !res->why[0])
		scnprintf(res->why, sizeof(res->why),
			  "its kvm-nest predates routed switches; update it, or run 'nestctl doll set' in doll %u",
			  x.r.vm_id);
	if (!res->why[0])
		scnprintf(res->why, sizeof(res->why), "error %d, no reason given",
			  -err);
	strscpy(why, res->why, sizeof(why));
	scnprintf(res->why, sizeof(res->why),
		  "doll %u's switches live in the kvm-nest inside doll %u (its doll %u there): %s",
		  cmd->id, x.r.vm_id, x.r.rid, why);
	return err;
}

int kn_cmd_exec(const struct kn_cmd *cmd, struct kn_cmd_result *res)
{
	struct kn_cmd_route r;
	struct kn_cmd down;
	int err;

	/*
	 * Not by kn_cmd_find(): a nested context has switches, and a
	 * reported doll of level 2 has them here.
	 */
	if (cmd->cmd == KVM_NEST_CMD_DELEG_SET)
		return kn_cmd_deleg(cmd, res);
	err = kn_cmd_find(cmd->id, &r, res);
	if (err)
		return err;
	if (r.kind == KN_DOLL_REPORTED) {
		down = *cmd;
		down.id = r.rid;
		err = kn_ch_request(r.vm_id, &down, res);
		res->hops++;
		if (!err && !down.dry && down.cmd != KVM_NEST_CMD_PING)
			kn_doll_with_id(cmd->id, KN_KIND_REPORTED,
					kn_cmd_copy_env, &down);
		return err;
	}
	switch (cmd->cmd) {
	case KVM_NEST_CMD_PING:
		return 0;
	case KVM_NEST_CMD_ENV_SET:
	case KVM_NEST_CMD_ENV_DEL:
		return kn_env_set_local(cmd->id, &cmd->change,
					cmd->cmd == KVM_NEST_CMD_ENV_DEL,
					cmd->dry, res->why, sizeof(res->why));
	default:
		return -EOPNOTSUPP;
	}
}
