// SPDX-License-Identifier: GPL-2.0-only
/*
 * The parent side of the channel: calls from the kvm-nest of a guest.
 * Nothing the guest sends is trusted: it is copied, then checked, every
 * size is bounded, and calls are rate limited per VM.
 */
#include <linux/ctype.h>
#include <linux/mm.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include <uapi/linux/kvm_nest.h>

#include "../deleg/slot.h"
#include "../deleg/store.h"
#include "../deleg/switch.h"
#include "../doll.h"
#include "../doll_report.h"
#include "../kvm/boundary.h"
#include "depth.h"
#include "parent.h"
#include "report_tree.h"
#include "request.h"
#include "resend.h"

/* A child reports about once a second; this leaves it plenty of room. */
#define KN_CH_RATE		200	/* calls per second, and the burst */

static const struct nla_policy kn_ch_doll_policy[KVM_NEST_CH_A_CTX_NESTED + 1] = {
	[KVM_NEST_A_DOLL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KVM_NEST_A_DOLL_PARENT] = { .type = NLA_U32 },
	[KVM_NEST_A_DOLL_LEVEL] = NLA_POLICY_RANGE(NLA_U32, 1,
						   KVM_NEST_CH_MAX_LEVEL),
	[KVM_NEST_A_DOLL_PID] = { .type = NLA_U32 },
	[KVM_NEST_A_DOLL_NAME] = { .type = NLA_NUL_STRING,
				   .len = KN_NAME_LEN - 1 },
	[KVM_NEST_A_DOLL_VCPUS] = { .type = NLA_U32 },
	[KVM_NEST_A_DOLL_MEM] = { .type = NLA_U64 },
	[KVM_NEST_A_DOLL_GUEST_NS] = { .type = NLA_U64 },
	[KVM_NEST_A_DOLL_EXITS] = { .type = NLA_U64 },
	[KVM_NEST_A_DOLL_REFLECTED] = { .type = NLA_U64 },
	[KVM_NEST_A_DOLL_ENV] = NLA_POLICY_NESTED(kn_env_policy),
	[KVM_NEST_A_DOLL_USAGE_CPU] = { .type = NLA_U32 },
	[KVM_NEST_A_DOLL_USAGE_MEM] = { .type = NLA_U64 },
	[KVM_NEST_A_DOLL_DELEG_OFF] = NLA_POLICY_MASK(NLA_U32,
						      KN_DELEG_CTL_ALL),
	[KVM_NEST_CH_A_CTX_SELF] = { .type = NLA_U64 },
	[KVM_NEST_CH_A_CTX_NESTED] = { .type = NLA_U64 },
};

static const struct nla_policy kn_ch_report_policy[KVM_NEST_CH_A_DOLL + 1] = {
	[KVM_NEST_CH_A_DOLL] = NLA_POLICY_NESTED(kn_ch_doll_policy),
};

/* Token bucket per VM: 0, or -KVM_NEST_EBUSY when it called too often. */
static int kn_ch_admit(struct kn_channel *ch, void *arg)
{
	u64 now = local_clock();

	if (now - ch->refill_ns >= NSEC_PER_SEC) {
		ch->tokens = KN_CH_RATE;
		ch->refill_ns = now;
	}
	ch->calls++;
	if (!ch->tokens) {
		ch->refused++;
		return -KVM_NEST_EBUSY;
	}
	ch->tokens--;
	return 0;
}

static int kn_ch_version(struct kn_channel *ch, void *arg)
{
	return ch->version ? 0 : -KVM_NEST_EPROTO;
}

static int kn_ch_set_version(struct kn_channel *ch, void *arg)
{
	ch->version = *(u32 *)arg;
	return 0;
}

static long kn_ch_hello(struct kvm *vm, u64 gpa, u64 len)
{
	struct kvm_nest_ch_hello h;

	if (len != sizeof(h))
		return -KVM_NEST_EINVAL;
	if (kn_kvm_read_guest(vm, gpa, &h, sizeof(h)))
		return -KVM_NEST_EFAULT;
	if (!h.version || h.reserved)
		return -KVM_NEST_EINVAL;

	h.version = min_t(u32, h.version, KVM_NEST_CH_VERSION);
	h.features = 0;
	h.depth = kn_depth() + 1;
	if (kn_kvm_write_guest(vm, gpa, &h, sizeof(h)))
		return -KVM_NEST_EFAULT;
	/* A new kernel in the VM: its old contexts mean nothing now. */
	kn_deleg_revoke_all(vm);
	return kn_doll_channel(vm, kn_ch_set_version, &h.version) ?
	       -KVM_NEST_EPROTO : 0;
}

void *kn_ch_copy_in(struct kvm *vm, u64 gpa, u64 len, u64 max)
{
	void *buf;

	if (len > max)
		return ERR_PTR(-KVM_NEST_E2BIG);
	buf = kvmalloc(len ?: 1, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return ERR_PTR(-KVM_NEST_EBUSY);
	if (kn_kvm_read_guest(vm, gpa, buf, len)) {
		kvfree(buf);
		return ERR_PTR(-KVM_NEST_EFAULT);
	}
	return buf;
}

/* Up to n addresses of one kind; more than the bound is an error. */
static int kn_ch_ctx(const struct nlattr *nest, int type, u64 *out,
		     unsigned int *n)
{
	const struct nlattr *a;
	int rem;

	*n = 0;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != type)
			continue;
		if (*n == KVM_NEST_CH_MAX_CTX)
			return -KVM_NEST_E2BIG;
		out[(*n)++] = nla_get_u64(a);
	}
	return 0;
}

static void kn_ch_name(const struct nlattr *a, char *name)
{
	size_t i;

	strscpy(name, "-", KN_NAME_LEN);
	if (!a)
		return;
	nla_strscpy(name, a, KN_NAME_LEN);
	/* It is shown in space-separated text: keep it one printable word. */
	for (i = 0; name[i]; i++)
		if (!isgraph(name[i]))
			name[i] = '_';
	if (!name[0])
		strscpy(name, "-", KN_NAME_LEN);
}

static u64 kn_ch_u64(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u64(tb[type]) : 0;
}

static u32 kn_ch_u32(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u32(tb[type]) : 0;
}

static int kn_ch_entry(const struct nlattr *nest, struct kn_report_entry *e,
		       unsigned int n, struct kn_report_entry *out)
{
	struct nlattr *tb[KVM_NEST_CH_A_CTX_NESTED + 1];
	int err;

	if (nla_parse_nested(tb, KVM_NEST_CH_A_CTX_NESTED, nest,
			     kn_ch_doll_policy, NULL))
		return -KVM_NEST_EINVAL;
	if (!tb[KVM_NEST_A_DOLL_ID] || !tb[KVM_NEST_A_DOLL_PARENT] ||
	    !tb[KVM_NEST_A_DOLL_LEVEL])
		return -KVM_NEST_EINVAL;

	memset(out, 0, sizeof(*out));
	out->rep.rid = nla_get_u32(tb[KVM_NEST_A_DOLL_ID]);
	out->rparent = nla_get_u32(tb[KVM_NEST_A_DOLL_PARENT]);
	out->level = nla_get_u32(tb[KVM_NEST_A_DOLL_LEVEL]);
	if (kn_report_place(e, n, out))
		return -KVM_NEST_EINVAL;

	out->pid = kn_ch_u32(tb, KVM_NEST_A_DOLL_PID);
	kn_ch_name(tb[KVM_NEST_A_DOLL_NAME], out->name);
	out->rep.vcpus = kn_ch_u32(tb, KVM_NEST_A_DOLL_VCPUS);
	out->rep.mem = kn_ch_u64(tb, KVM_NEST_A_DOLL_MEM);
	out->rep.guest_ns = kn_ch_u64(tb, KVM_NEST_A_DOLL_GUEST_NS);
	out->rep.exits = kn_ch_u64(tb, KVM_NEST_A_DOLL_EXITS);
	out->rep.reflected = kn_ch_u64(tb, KVM_NEST_A_DOLL_REFLECTED);
	out->rep.usage_cpu = kn_ch_u32(tb, KVM_NEST_A_DOLL_USAGE_CPU);
	out->usage_mem = kn_ch_u64(tb, KVM_NEST_A_DOLL_USAGE_MEM);
	out->rep.deleg_known = !!tb[KVM_NEST_A_DOLL_DELEG_OFF];
	out->rep.deleg_off = kn_ch_u32(tb, KVM_NEST_A_DOLL_DELEG_OFF);
	if (tb[KVM_NEST_A_DOLL_ENV]) {
		struct kn_env_change c;

		if (kn_env_parse(tb[KVM_NEST_A_DOLL_ENV], &c, NULL))
			return -KVM_NEST_EINVAL;
		kn_env_merge(&out->env, &c);
	}

	err = kn_ch_ctx(nest, KVM_NEST_CH_A_CTX_SELF, out->rep.self,
			&out->rep.nr_self);
	if (!err)
		err = kn_ch_ctx(nest, KVM_NEST_CH_A_CTX_NESTED, out->rep.nested,
				&out->rep.nr_nested);
	/* Only the child's own VMs run on vmcbs that we can see. */
	if (!err && out->level != 1 && (out->rep.nr_self || out->rep.nr_nested))
		err = -KVM_NEST_EINVAL;
	return err;
}

static int kn_ch_waiting(struct kn_doll *d, void *arg)
{
	return kn_ch_requests_waiting(d);
}

static long kn_ch_report(struct kvm *vm, u64 gpa, u64 len)
{
	struct kn_report_entry *entries = NULL;
	const struct nlattr *a;
	unsigned int n = 0;
	void *buf;
	long ret;
	int rem;

	if (kn_doll_channel(vm, kn_ch_version, NULL))
		return -KVM_NEST_EPROTO;
	buf = kn_ch_copy_in(vm, gpa, len, KVM_NEST_CH_REPORT_MAX);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = -KVM_NEST_EINVAL;
	if (nla_validate(buf, len, KVM_NEST_CH_A_DOLL, kn_ch_report_policy,
			 NULL))
		goto out;

	nla_for_each_attr(a, buf, len, rem)
		n++;
	ret = -KVM_NEST_E2BIG;
	if (n > KVM_NEST_CH_MAX_DOLLS)
		goto out;
	entries = kvmalloc_array(n ?: 1, sizeof(*entries), GFP_KERNEL_ACCOUNT);
	ret = -KVM_NEST_EBUSY;
	if (!entries)
		goto out;

	n = 0;
	nla_for_each_attr(a, buf, len, rem) {
		ret = kn_ch_entry(a, entries, n, &entries[n]);
		if (ret)
			goto out;
		n++;
	}
	ret = kn_doll_apply_report(vm, entries, n) ? -KVM_NEST_EBUSY : 0;
	if (!ret)
		ret = kn_doll_with_vm(vm, kn_ch_waiting, NULL);
out:
	kvfree(entries);
	kvfree(buf);
	return ret;
}

int kn_ch_admit_vm(struct kvm *vm)
{
	return kn_doll_channel(vm, kn_ch_admit, NULL) ? -KVM_NEST_EBUSY : 0;
}

static long kn_ch_dispatch(struct kvm *vm, u64 op, u64 gpa, u64 len)
{
	switch (op) {
	case KVM_NEST_CH_HELLO:
		return kn_ch_hello(vm, gpa, len);
	case KVM_NEST_CH_REPORT:
		return kn_ch_report(vm, gpa, len);
	case KVM_NEST_CH_FETCH:
	case KVM_NEST_CH_REPLY:
	case KVM_NEST_CH_DELEGATE:
	case KVM_NEST_CH_SLOT:
		if (kn_doll_channel(vm, kn_ch_version, NULL))
			return -KVM_NEST_EPROTO;
		if (op == KVM_NEST_CH_DELEGATE)
			return kn_deleg_call(vm, gpa, len);
		if (op == KVM_NEST_CH_SLOT)	/* RCX: ctx, RDX: the slot */
			return kn_slot_call(vm, gpa, len);
		return op == KVM_NEST_CH_FETCH ? kn_ch_fetch(vm, gpa, len) :
						 kn_ch_reply(vm, gpa, len);
	default:
		return -KVM_NEST_EINVAL;
	}
}

long kn_ch_call(struct kvm *vm, u64 op, u64 gpa, u64 len)
{
	struct kn_ch_caller me;
	long ret;

	/* DELEGATE is admitted inside: a refused one still revokes. */
	if (op != KVM_NEST_CH_DELEGATE && kn_ch_admit_vm(vm))
		return -KVM_NEST_EBUSY;
	if (op != KVM_NEST_CH_HELLO && op != KVM_NEST_CH_DELEGATE)
		return kn_ch_dispatch(vm, op, gpa, len);
	/* What the child revokes itself it need not be told to resend. */
	kn_ch_caller_enter(vm, &me);
	ret = kn_ch_dispatch(vm, op, gpa, len);
	kn_ch_caller_leave(vm, &me);
	return ret;
}
