// SPDX-License-Identifier: GPL-2.0-only
/* ftrace IPMODIFY redirects of KVM functions, and their call counters. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>

#include "boundary.h"
#include "compat.h"
#include "hook.h"
#include "sym.h"

DEFINE_PER_CPU(u64, kn_hook_calls[KN_MAX_HOOKS]);
DEFINE_PER_CPU(long, kn_hook_inflight);

static struct {
	const char *name;
	const char *kind;
} kn_hooks[KN_MAX_HOOKS];
static unsigned int kn_nr_hooks;

unsigned int kn_hook_new_id(const char *name, const char *kind)
{
	if (WARN_ON_ONCE(kn_nr_hooks == KN_MAX_HOOKS))
		return KN_MAX_HOOKS - 1;
	kn_hooks[kn_nr_hooks].name = name;
	kn_hooks[kn_nr_hooks].kind = kind;
	return kn_nr_hooks++;
}

void kn_hooks_reset(void)
{
	kn_nr_hooks = 0;
}

u64 kn_hook_calls_sum(unsigned int id)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(kn_hook_calls, cpu)[id]);
	return sum;
}

int kn_hooks_visit(int (*fn)(const struct kn_hook_info *h, void *arg),
		   void *arg)
{
	struct kn_hook_info h;
	unsigned int i;
	int ret;

	for (i = 0; i < kn_nr_hooks; i++) {
		h.name = kn_hooks[i].name;
		h.kind = kn_hooks[i].kind;
		h.calls = kn_hook_calls_sum(i);
		ret = fn(&h, arg);
		if (ret)
			return ret;
	}
	return 0;
}

static void notrace kn_redirect_thunk(unsigned long ip, unsigned long parent_ip,
				      struct ftrace_ops *ops,
				      struct ftrace_regs *fregs)
{
	struct kn_redirect *r = container_of(ops, struct kn_redirect, ops);

	/* Our wrapper calling the original must reach the original. */
	if (!within_module(parent_ip, THIS_MODULE))
		kn_ftrace_set_ip(fregs, (unsigned long)r->wrapper);
}

static int kn_redirect_resolve(struct kn_redirect *r)
{
	r->orig = kn_call_resolve(r->mod, r->sym, r->orig_key, r->orig_tramp);
	if (!r->orig)
		return -ENOENT;
	r->id = kn_hook_new_id(r->sym, r->kind);
	r->ops.func = kn_redirect_thunk;
	r->ops.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY;
	return 0;
}

int kn_redirects_resolve(struct kn_redirect *r, unsigned int n)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < n && !err; i++)
		err = kn_redirect_resolve(&r[i]);
	return err;
}

static int kn_redirect_attach(struct kn_redirect *r)
{
	unsigned long addr = r->orig;
	int err;

	err = ftrace_set_filter_ip(&r->ops, addr, 0, 0);
	if (err) {
		pr_err("cannot filter %s:%s (%d); this kernel is not supported\n",
		       r->mod, r->sym, err);
		return err;
	}
	err = register_ftrace_function(&r->ops);
	if (err) {
		pr_err("cannot redirect %s:%s (%d); is another livepatch on it?\n",
		       r->mod, r->sym, err);
		ftrace_set_filter_ip(&r->ops, addr, 1, 0);
	}
	return err;
}

static void kn_redirect_detach(struct kn_redirect *r)
{
	unregister_ftrace_function(&r->ops);
	ftrace_set_filter_ip(&r->ops, r->orig, 1, 0);
}

int kn_redirects_attach(struct kn_redirect *r, unsigned int n)
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		err = kn_redirect_attach(&r[i]);
		if (err)
			goto err_detach;
	}
	return 0;

err_detach:
	while (i--)
		kn_redirect_detach(&r[i]);
	kn_redirects_drain();
	return err;
}

void kn_redirects_detach(struct kn_redirect *r, unsigned int n)
{
	unsigned int i;

	for (i = n; i--; )
		kn_redirect_detach(&r[i]);
}

static long kn_hooks_inflight(void)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(kn_hook_inflight, cpu));
	return sum;
}

/*
 * After the redirects are gone no new call enters a wrapper, but a vCPU
 * may still be inside one, even asleep in the original.  Wait for every
 * wrapper to leave, then for every task to pass a voluntary schedule so
 * that none is still on a wrapper's last instructions.
 */
void kn_redirects_drain(void)
{
	while (kn_hooks_inflight())
		msleep(20);
	synchronize_rcu_tasks();
}
