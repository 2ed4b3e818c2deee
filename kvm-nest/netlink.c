// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kvm_nest generic netlink family.  The protocol is described in
 * include/uapi/linux/kvm_nest.h and Documentation/netlink/specs/.
 */
#include <linux/utsname.h>
#include <net/genetlink.h>
#include <uapi/linux/kvm_nest.h>

#include "channel/depth.h"
#include "compat.h"
#include "deleg/netlink.h"
#include "doll.h"
#include "doll_measure.h"
#include "doll_totals.h"
#include "env/admit.h"
#include "env/agent.h"
#include "env/netlink.h"
#include "env/over.h"
#include "event.h"
#include "kvm/boundary.h"
#include "netlink.h"
#include "version.h"

enum { KN_NL_MCGRP_EVENTS, KN_NL_MCGRP_AGENT };

/*
 * Both groups need CAP_NET_ADMIN to join: events name pids and tenants'
 * VMs, and a listener on agent would pass for the agent (INFO_AGENT, and
 * envelope changes waiting on it).  See Documentation/security.rst.
 */
static const struct genl_multicast_group kn_nl_mcgrps[] = {
	[KN_NL_MCGRP_EVENTS] = { .name = KVM_NEST_MCGRP_EVENTS,
				 .flags = KN_GENL_MCGRP_ADMIN },
	[KN_NL_MCGRP_AGENT] = { .name = KVM_NEST_MCGRP_AGENT,
				.flags = KN_GENL_MCGRP_ADMIN },
};

/*
 * Whether the sender of @skb may read everything.  Others read the shape
 * of the tree only: what a doll's activity, identity or placement tells
 * one tenant about another needs CAP_NET_ADMIN (Documentation/security.rst).
 */
static bool kn_nl_full(const struct sk_buff *skb)
{
	return netlink_capable(skb, CAP_NET_ADMIN);
}

static const struct nla_policy kn_nl_doll_id_policy[KVM_NEST_A_DOLL_ID + 1] = {
	[KVM_NEST_A_DOLL_ID] = { .type = NLA_U32 },
};

void *kn_nl_put_header(struct sk_buff *skb, const struct genl_info *info, u8 cmd)
{
	return genlmsg_put(skb, info->snd_portid, info->snd_seq, &kn_nl_family,
			   0, cmd);
}

static int kn_nl_put_hook(const struct kn_hook_info *h, void *arg)
{
	struct sk_buff *skb = arg;
	struct nlattr *nest;

	nest = nla_nest_start(skb, KVM_NEST_A_INFO_HOOK);
	if (!nest ||
	    nla_put_string(skb, KVM_NEST_A_HOOK_NAME, h->name) ||
	    nla_put_string(skb, KVM_NEST_A_HOOK_KIND, h->kind) ||
	    nla_put_u64_64bit(skb, KVM_NEST_A_HOOK_CALLS, h->calls,
			      KVM_NEST_A_HOOK_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Depth, own envelope and use, and what this kernel hands out. */
static int kn_nl_put_self(struct sk_buff *skb, bool full)
{
	struct kn_env_room room;
	struct kn_env env;
	u32 ucpu, rcpu;
	u64 umem, rmem;

	kn_env_self_get(&env, &ucpu, &umem);
	kn_env_room(&room);
	kn_env_reserved(&rcpu, &rmem);
	if (nla_put_u32(skb, KVM_NEST_A_INFO_DEPTH, kn_depth()) ||
	    (kn_depth() &&
	     (kn_env_put(skb, KVM_NEST_A_INFO_ENV, &env) ||
	      nla_put_u32(skb, KVM_NEST_A_INFO_USAGE_CPU, ucpu) ||
	      nla_put_u64_64bit(skb, KVM_NEST_A_INFO_USAGE_MEM, umem,
				KVM_NEST_A_INFO_PAD))) ||
	    nla_put_u32(skb, KVM_NEST_A_INFO_CAP_CPU, room.cpu_cap) ||
	    nla_put_u64_64bit(skb, KVM_NEST_A_INFO_CAP_MEM, room.mem_cap,
			      KVM_NEST_A_INFO_PAD) ||
	    (full &&
	     (nla_put_u32(skb, KVM_NEST_A_INFO_RESV_CPU, rcpu) ||
	      nla_put_u64_64bit(skb, KVM_NEST_A_INFO_RESV_MEM, rmem,
				KVM_NEST_A_INFO_PAD))) ||
	    (kn_env_overcommitted_self() &&
	     nla_put_flag(skb, KVM_NEST_A_INFO_OVERCOMMITTED)) ||
	    (genl_has_listeners(&kn_nl_family, &init_net, KN_NL_MCGRP_AGENT) &&
	     nla_put_flag(skb, KVM_NEST_A_INFO_AGENT)))
		return -EMSGSIZE;
	return 0;
}

static int kn_nl_info_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool full = kn_nl_full(skb);
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = kn_nl_put_header(msg, info, KVM_NEST_CMD_INFO_GET);
	if (!hdr ||
	    nla_put_string(msg, KVM_NEST_A_INFO_VERSION, KN_VERSION) ||
	    nla_put_string(msg, KVM_NEST_A_INFO_VENDOR, kn_kvm_vendor()) ||
	    nla_put_string(msg, KVM_NEST_A_INFO_KERNEL, init_utsname()->release) ||
	    kn_nl_put_self(msg, full) ||
	    (full && kn_kvm_visit_hooks(kn_nl_put_hook, msg)))
		goto err_size;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_size:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int kn_nl_put_exit(u32 code, bool tracked, u64 count, void *arg)
{
	struct sk_buff *skb = arg;
	struct nlattr *nest;

	nest = nla_nest_start(skb, KVM_NEST_A_DOLL_EXIT);
	if (!nest ||
	    (tracked && (nla_put_u32(skb, KVM_NEST_A_EXIT_CODE, code) ||
			 nla_put_string(skb, KVM_NEST_A_EXIT_REASON,
					kn_kvm_exit_name(code)))) ||
	    (!tracked && nla_put_string(skb, KVM_NEST_A_EXIT_REASON, "other")) ||
	    nla_put_u64_64bit(skb, KVM_NEST_A_EXIT_COUNT, count,
			      KVM_NEST_A_EXIT_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The attributes every doll message starts with, notifications included. */
int kn_nl_put_doll_id(struct sk_buff *skb, u32 id, const char *path,
		      u32 level, u32 parent, u32 pid, const char *name)
{
	if (nla_put_u32(skb, KVM_NEST_A_DOLL_ID, id) ||
	    nla_put_string(skb, KVM_NEST_A_DOLL_PATH, path) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_LEVEL, level) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_PARENT, parent) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_PID, pid))
		return -EMSGSIZE;
	if (strcmp(name, "-") && nla_put_string(skb, KVM_NEST_A_DOLL_NAME, name))
		return -EMSGSIZE;
	return 0;
}

static const u32 kn_nl_kind[] = {
	[KN_DOLL_VM] = KVM_NEST_DOLL_VM,
	[KN_DOLL_CTX] = KVM_NEST_DOLL_CTX,
	[KN_DOLL_REPORTED] = KVM_NEST_DOLL_REPORTED,
};

static int kn_nl_put_u64(struct sk_buff *skb, int type, u64 v)
{
	return nla_put_u64_64bit(skb, type, v, KVM_NEST_A_DOLL_PAD);
}

static int kn_nl_put_vm(struct sk_buff *skb, const struct kn_doll *d)
{
	return nla_put_u32(skb, KVM_NEST_A_DOLL_VCPUS, kn_kvm_vm_vcpus(d->vm)) ||
	       kn_nl_put_u64(skb, KVM_NEST_A_DOLL_MEM,
			     kn_kvm_vm_mem_bytes(d->vm)) ||
	       kn_nl_put_u64(skb, KVM_NEST_A_DOLL_IDS_MINTED, d->ids.minted) ||
	       kn_nl_put_u64(skb, KVM_NEST_A_DOLL_IDS_REFUSED, d->ids.refused);
}

static int kn_nl_put_ctx(struct sk_buff *skb, const struct kn_doll *d)
{
	struct kn_doll *runs;
	bool nested;

	if (kn_nl_put_u64(skb, KVM_NEST_A_DOLL_CTX, d->ctx))
		return -EMSGSIZE;
	runs = kn_doll_ctx_runs(d, &nested);
	if (runs && (nla_put_u32(skb, KVM_NEST_A_DOLL_RUNS, runs->id) ||
		     (nested && nla_put_flag(skb, KVM_NEST_A_DOLL_RUNS_NESTED))))
		return -EMSGSIZE;
	return 0;
}

static int kn_nl_put_reported(struct sk_buff *skb, const struct kn_doll *d)
{
	const struct kn_reported *r = &d->rep;
	u64 self, nested;

	kn_doll_measured(d, &self, &nested);
	return nla_put_u32(skb, KVM_NEST_A_DOLL_VCPUS, r->vcpus) ||
	       kn_nl_put_u64(skb, KVM_NEST_A_DOLL_MEM, r->mem) ||
	       kn_nl_put_u64(skb, KVM_NEST_A_DOLL_GUEST_NS, r->guest_ns) ||
	       kn_nl_put_u64(skb, KVM_NEST_A_DOLL_EXITS, r->exits) ||
	       kn_nl_put_u64(skb, KVM_NEST_A_DOLL_REFLECTED, r->reflected) ||
	       kn_nl_put_u64(skb, KVM_NEST_A_DOLL_MEASURED_EXITS, self) ||
	       kn_nl_put_u64(skb, KVM_NEST_A_DOLL_MEASURED_NESTED_EXITS,
			     nested);
}

/* What this kernel counted itself, for its VMs and their contexts. */
static int kn_nl_put_acct(struct sk_buff *skb, struct kn_doll *d)
{
	u64 exits, guest_ns;

	kn_doll_totals(d, &exits, &guest_ns);
	if (kn_nl_put_u64(skb, KVM_NEST_A_DOLL_GUEST_NS, guest_ns) ||
	    kn_nl_put_u64(skb, KVM_NEST_A_DOLL_EXITS, exits) ||
	    kn_nl_put_u64(skb, KVM_NEST_A_DOLL_REFLECTED,
			  atomic64_read(&d->acct.reflected)))
		return -EMSGSIZE;
	if (d->kind == KN_DOLL_CTX &&
	    kn_nl_put_u64(skb, KVM_NEST_A_DOLL_DELEGATED,
			  atomic64_read(&d->acct.delegated)))
		return -EMSGSIZE;
	return kn_acct_visit_exits(&d->acct, kn_nl_put_exit, skb);
}

/* A context's envelope is that of the doll it runs. */
static int kn_nl_put_env(struct sk_buff *skb, struct kn_doll *d)
{
	if (d->kind == KN_DOLL_CTX)
		return 0;
	if (kn_env_put(skb, KVM_NEST_A_DOLL_ENV, &d->env) ||
	    (kn_env_overcommitted(d) &&
	     nla_put_flag(skb, KVM_NEST_A_DOLL_OVERCOMMITTED)) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_USAGE_CPU, d->use.cpu) ||
	    kn_nl_put_u64(skb, KVM_NEST_A_DOLL_USAGE_CPU_NS, d->use.ns) ||
	    kn_nl_put_u64(skb, KVM_NEST_A_DOLL_USAGE_MEM, d->use.mem))
		return -EMSGSIZE;
	return 0;
}

/* What every user may read of a doll: where it sits in the tree. */
static int kn_nl_put_shape(struct sk_buff *skb, const struct kn_doll *d,
			   const char *path)
{
	if (nla_put_u32(skb, KVM_NEST_A_DOLL_ID, d->id) ||
	    nla_put_string(skb, KVM_NEST_A_DOLL_PATH, path) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_LEVEL, d->level) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_PARENT,
			d->parent ? d->parent->id : 0) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_KIND, kn_nl_kind[d->kind]))
		return -EMSGSIZE;
	return 0;
}

static int kn_nl_put_doll(struct sk_buff *skb, struct kn_doll *d, bool full)
{
	char path[KN_PATH_LEN];

	kn_doll_path(d, path, sizeof(path));
	if (!full)
		return kn_nl_put_shape(skb, d, path);
	if (kn_nl_put_doll_id(skb, d->id, path, d->level,
			      d->parent ? d->parent->id : 0, d->pid, d->name) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_KIND, kn_nl_kind[d->kind]) ||
	    kn_nl_put_env(skb, d) || kn_nl_put_deleg(skb, d))
		return -EMSGSIZE;
	switch (d->kind) {
	case KN_DOLL_VM:
		return kn_nl_put_vm(skb, d) ? -EMSGSIZE : kn_nl_put_acct(skb, d);
	case KN_DOLL_CTX:
		return kn_nl_put_ctx(skb, d) ?: kn_nl_put_acct(skb, d);
	default:
		return kn_nl_put_reported(skb, d) ? -EMSGSIZE : 0;
	}
}

struct kn_nl_doll_reply {
	struct sk_buff *skb;
	struct genl_info *info;
	bool full;
};

static int kn_nl_doll_reply_fill(struct kn_doll *d, void *arg)
{
	struct kn_nl_doll_reply *r = arg;
	void *hdr;

	hdr = kn_nl_put_header(r->skb, r->info, KVM_NEST_CMD_DOLL_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (kn_nl_put_doll(r->skb, d, r->full)) {
		genlmsg_cancel(r->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(r->skb, hdr);
	return 0;
}

static int kn_nl_doll_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kn_nl_doll_reply r = { .info = info, .full = kn_nl_full(skb) };
	u32 id;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KVM_NEST_A_DOLL_ID))
		return -EINVAL;
	id = nla_get_u32(info->attrs[KVM_NEST_A_DOLL_ID]);

	r.skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!r.skb)
		return -ENOMEM;
	err = kn_doll_with_id(id, KN_KIND_ANY, kn_nl_doll_reply_fill, &r);
	if (err) {
		nlmsg_free(r.skb);
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[KVM_NEST_A_DOLL_ID],
					    "no doll with this id");
		return err;
	}
	return genlmsg_reply(r.skb, info);
}

/* A dump resumes by position: cb->args[0] dolls were sent already. */
struct kn_nl_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	unsigned long pos;
	bool full;
};

static int kn_nl_doll_dump_one(struct kn_doll *d, void *arg)
{
	struct kn_nl_dump *dump = arg;
	struct netlink_callback *cb = dump->cb;
	void *hdr;

	if (dump->pos++ < cb->args[0])
		return 0;
	hdr = genlmsg_put(dump->skb, NETLINK_CB(cb->skb).portid,
			  cb->nlh->nlmsg_seq, &kn_nl_family, NLM_F_MULTI,
			  KVM_NEST_CMD_DOLL_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (kn_nl_put_doll(dump->skb, d, dump->full)) {
		genlmsg_cancel(dump->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(dump->skb, hdr);
	cb->args[0] = dump->pos;
	return 0;
}

static int kn_nl_doll_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	const struct nlattr *id = kn_genl_dump_attr(cb, KVM_NEST_A_DOLL_ID);
	struct kn_nl_dump dump = {
		.skb = skb, .cb = cb, .full = kn_nl_full(cb->skb),
	};
	int err;

	if (id) {
		NL_SET_ERR_MSG_ATTR(cb->extack, id, "a dump takes no id");
		return -EINVAL;
	}
	cb->seq = kn_dolls_generation();
	err = kn_dolls_for_each(kn_nl_doll_dump_one, &dump);
	/* A full skb ends this part of the dump; netlink calls again. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static int kn_nl_level_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	unsigned int dolls[KN_MAX_LEVEL], level;
	bool full = kn_nl_full(cb->skb);
	u64 exits, guest_ns;
	void *hdr;

	kn_dolls_count(dolls);
	for (level = cb->args[0] + 1; level <= KN_MAX_LEVEL; level++) {
		kn_levels_sum(level, &exits, &guest_ns);
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &kn_nl_family,
				  NLM_F_MULTI, KVM_NEST_CMD_LEVEL_GET);
		if (!hdr)
			break;
		if (nla_put_u32(skb, KVM_NEST_A_LEVEL_LEVEL, level) ||
		    nla_put_u32(skb, KVM_NEST_A_LEVEL_DOLLS, dolls[level - 1]) ||
		    (full &&
		     (nla_put_u64_64bit(skb, KVM_NEST_A_LEVEL_EXITS, exits,
					KVM_NEST_A_LEVEL_PAD) ||
		      nla_put_u64_64bit(skb, KVM_NEST_A_LEVEL_GUEST_NS,
					guest_ns, KVM_NEST_A_LEVEL_PAD)))) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = level;
	}
	return skb->len;
}

static int kn_nl_reset_one(struct kn_doll *d, void *arg)
{
	kn_doll_reset(d);
	return 0;
}

static int kn_nl_stats_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *id = info->attrs[KVM_NEST_A_DOLL_ID];
	int err;

	if (!id)
		return kn_dolls_for_each(kn_nl_reset_one, NULL);
	err = kn_doll_with_id(nla_get_u32(id), KN_KIND_ANY, kn_nl_reset_one,
			      NULL);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, id, "no doll with this id");
	return err;
}

/* In command order: 6.12 refuses split ops out of order. */
static const struct kn_nl_op kn_nl_ops[] = {
	{
		.cmd = KVM_NEST_CMD_INFO_GET,
		.doit = kn_nl_info_get_doit,
	},
	{
		.cmd = KVM_NEST_CMD_DOLL_GET,
		.doit = kn_nl_doll_get_doit,
		.dumpit = kn_nl_doll_get_dumpit,
		.policy = kn_nl_doll_id_policy,
		.maxattr = KVM_NEST_A_DOLL_ID,
	},
	{
		.cmd = KVM_NEST_CMD_LEVEL_GET,
		.dumpit = kn_nl_level_get_dumpit,
	},
	{
		.cmd = KVM_NEST_CMD_STATS_RESET,
		.doit = kn_nl_stats_reset_doit,
		.policy = kn_nl_doll_id_policy,
		.maxattr = KVM_NEST_A_DOLL_ID,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KVM_NEST_CMD_ENV_SET,
		.doit = kn_nl_env_set_doit,
		.policy = kn_nl_env_set_policy,
		.maxattr = KVM_NEST_A_DOLL_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KVM_NEST_CMD_ENV_DEL,
		.doit = kn_nl_env_del_doit,
		.policy = kn_nl_env_del_policy,
		.maxattr = KVM_NEST_A_DOLL_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KVM_NEST_CMD_PING,
		.doit = kn_nl_ping_doit,
		.policy = kn_nl_ping_policy,
		.maxattr = KVM_NEST_A_DOLL_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KVM_NEST_CMD_AGENT_DONE,
		.doit = kn_nl_agent_done_doit,
		.policy = kn_nl_agent_done_policy,
		.maxattr = KVM_NEST_A_DOLL_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KVM_NEST_CMD_DELEG_SET,
		.doit = kn_nl_deleg_set_doit,
		.policy = kn_nl_deleg_set_policy,
		.maxattr = KVM_NEST_A_DOLL_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KVM_NEST_CMD_AGENT_PROGRESS,
		.doit = kn_nl_agent_progress_doit,
		.policy = kn_nl_agent_progress_policy,
		.maxattr = KVM_NEST_A_DOLL_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		/* Names of domains not started yet: as private as their envelopes. */
		.cmd = KVM_NEST_CMD_PENDING_GET,
		.dumpit = kn_nl_pending_get_dumpit,
		.flags = GENL_ADMIN_PERM,
	},
};

static KN_GENL_OPS_STORAGE(kn_nl_kernel_ops, 2 * ARRAY_SIZE(kn_nl_ops));

struct genl_family kn_nl_family __ro_after_init = {
	.name = KVM_NEST_GENL_NAME,
	.version = KVM_NEST_GENL_VERSION,
	.module = THIS_MODULE,
	.netnsok = false,
	.parallel_ops = true,
	.resv_start_op = 0,
	.mcgrps = kn_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kn_nl_mcgrps),
};

/*
 * Before registration the family has no groups yet, and after it they may
 * belong to another family: events are sent only in between.
 */
static bool kn_nl_live;

bool kn_nl_registered(void)
{
	return READ_ONCE(kn_nl_live);
}

bool kn_nl_has_listeners(void)
{
	return READ_ONCE(kn_nl_live) &&
	       genl_has_listeners(&kn_nl_family, &init_net, KN_NL_MCGRP_EVENTS);
}

static const u8 kn_nl_ntf_cmd[] = {
	[KN_EVENT_NEW] = KVM_NEST_CMD_DOLL_NEW_NTF,
	[KN_EVENT_DEL] = KVM_NEST_CMD_DOLL_DEL_NTF,
	[KN_EVENT_ENV] = KVM_NEST_CMD_ENV_NTF,
	[KN_EVENT_LEVEL] = KVM_NEST_CMD_LEVEL_NTF,
	[KN_EVENT_REFUSED] = KVM_NEST_CMD_ENV_REFUSED_NTF,
	[KN_EVENT_PROGRESS] = KVM_NEST_CMD_PROGRESS_NTF,
};

static int kn_nl_put_progress(struct sk_buff *skb, const struct kn_progress *p)
{
	struct nlattr *nest = nla_nest_start(skb, KVM_NEST_A_DOLL_PROGRESS);

	if (!nest ||
	    nla_put_u32(skb, KVM_NEST_A_PROGRESS_STATE, p->state) ||
	    nla_put_u64_64bit(skb, KVM_NEST_A_PROGRESS_MEM_START, p->mem_start,
			      KVM_NEST_A_PROGRESS_PAD) ||
	    nla_put_u64_64bit(skb, KVM_NEST_A_PROGRESS_MEM_NOW, p->mem_now,
			      KVM_NEST_A_PROGRESS_PAD) ||
	    nla_put_u64_64bit(skb, KVM_NEST_A_PROGRESS_MEM_TARGET, p->mem_target,
			      KVM_NEST_A_PROGRESS_PAD) ||
	    nla_put_u32(skb, KVM_NEST_A_PROGRESS_ELAPSED_MS, p->elapsed_ms))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* A refusal: the doll by id, or a pending envelope by name (and uuid). */
static int kn_nl_put_refused(struct sk_buff *skb, const struct kn_event *e)
{
	if (e->id ? kn_nl_put_doll_id(skb, e->id, e->path, e->level,
				      e->parent, e->pid, e->name) :
		    nla_put_string(skb, KVM_NEST_A_DOLL_NAME, e->name))
		return -EMSGSIZE;
	if ((e->uuid[0] && nla_put_string(skb, KVM_NEST_A_DOLL_UUID, e->uuid)) ||
	    kn_env_put(skb, KVM_NEST_A_DOLL_ENV, &e->env) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_ERROR, -e->err) ||
	    nla_put_string(skb, KVM_NEST_A_DOLL_REFUSAL, e->why))
		return -EMSGSIZE;
	return 0;
}

static int kn_nl_put_event(struct sk_buff *skb, const struct kn_event *e)
{
	if (e->type == KN_EVENT_LEVEL)
		return nla_put_u32(skb, KVM_NEST_A_INFO_DEPTH, e->level);
	if (e->type == KN_EVENT_REFUSED)
		return kn_nl_put_refused(skb, e);
	if (kn_nl_put_doll_id(skb, e->id, e->path, e->level, e->parent,
			      e->pid, e->name))
		return -EMSGSIZE;
	if (e->type == KN_EVENT_ENV)
		return kn_env_put(skb, KVM_NEST_A_DOLL_ENV, &e->env);
	if (e->type == KN_EVENT_PROGRESS)
		return kn_nl_put_progress(skb, &e->prog);
	return 0;
}

void kn_nl_notify(const struct kn_event *e)
{
	struct sk_buff *skb;
	void *hdr;

	if (!READ_ONCE(kn_nl_live))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &kn_nl_family, 0, kn_nl_ntf_cmd[e->type]);
	if (!hdr || kn_nl_put_event(skb, e)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&kn_nl_family, skb, 0, KN_NL_MCGRP_EVENTS,
			  GFP_KERNEL);
}

int kn_nl_agent_apply(u64 cookie, const struct kn_agent_req *req)
{
	struct kn_env_room room;
	struct sk_buff *skb;
	void *hdr;

	if (!READ_ONCE(kn_nl_live))
		return -ESRCH;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	kn_env_room(&room);
	hdr = genlmsg_put(skb, 0, 0, &kn_nl_family, 0,
			  KVM_NEST_CMD_AGENT_APPLY);
	if (!hdr ||
	    nla_put_u64_64bit(skb, KVM_NEST_A_DOLL_COOKIE, cookie,
			      KVM_NEST_A_DOLL_PAD) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_ID, req->id) ||
	    nla_put_u32(skb, KVM_NEST_A_DOLL_PID, req->pid) ||
	    nla_put_u64_64bit(skb, KVM_NEST_A_DOLL_PID_START, req->pid_start,
			      KVM_NEST_A_DOLL_PAD) ||
	    (strcmp(req->name, "-") &&
	     nla_put_string(skb, KVM_NEST_A_DOLL_NAME, req->name)) ||
	    kn_env_put_resolved(skb, KVM_NEST_A_DOLL_ENV, req->env, &room)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	/* -ESRCH: nobody listens. */
	return genlmsg_multicast(&kn_nl_family, skb, 0, KN_NL_MCGRP_AGENT,
				 GFP_KERNEL);
}

int kn_nl_init(void)
{
	int err;

	kn_genl_set_ops(&kn_nl_family, kn_nl_kernel_ops, kn_nl_ops,
			ARRAY_SIZE(kn_nl_ops));
	err = genl_register_family(&kn_nl_family);
	if (!err)
		WRITE_ONCE(kn_nl_live, true);
	return err;
}

/* Returns once no command of ours runs: unregistering waits for them. */
void kn_nl_exit(void)
{
	WRITE_ONCE(kn_nl_live, false);
	genl_unregister_family(&kn_nl_family);
}
