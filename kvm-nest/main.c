// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-nest: per-level accounting of nested KVM guests ("dolls").
 *
 * Load and unload are one table of steps.  Init runs it in order; a failed
 * step undoes those before it in reverse, and unload undoes them all the
 * same way, so an init failure leaves exactly what an unload leaves.  The
 * order gives the rules: accounting and registry exist before any hook can
 * call into them; hooks are gone and drained before they are freed; the
 * netlink family comes last and goes first, so that no command from
 * userspace runs on a half-built or half-freed module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "acct.h"
#include "channel/child.h"
#include "channel/exec.h"
#include "channel/parent.h"
#include "debugfs.h"
#include "deleg/grant.h"
#include "deleg/slot.h"
#include "deleg/store.h"
#include "deleg/vcpu.h"
#include "doll.h"
#include "env/fit.h"
#include "env/set.h"
#include "env/sysfs.h"
#include "env/usage.h"
#include "event.h"
#include "kvm/boundary.h"
#include "lifecycle.h"
#include "netlink.h"
#include "version.h"

/* A test aid (selftests/kvm-nest/init_unwind.sh): step N fails at load. */
static unsigned int fail_init_step;
module_param(fail_init_step, uint, 0);
MODULE_PARM_DESC(fail_init_step,
		 "test aid: make init step N (from 1) fail; 0 (default): none");

static int kn_sysfs_step(void)
{
	int err = kn_sysfs_init();

	if (err)
		pr_err("cannot create /sys/kernel/kvm_nest (%d)\n", err);
	return err;
}

static int kn_nl_step(void)
{
	int err = kn_nl_init();

	if (err)
		pr_err("cannot register the %s netlink family (%d)\n",
		       "kvm_nest", err);
	return err;
}

/* Steps that cannot fail: debugfs is an aid, the others only start work. */
static int kn_debugfs_step(void)
{
	kn_debugfs_init();
	return 0;
}

static int kn_usage_step(void)
{
	kn_usage_init();
	return 0;
}

static int kn_child_step(void)
{
	kn_child_init();
	return 0;
}

/*
 * Where what the KVM boundary reports goes: the one place that wires kvm/
 * to the rest, so kvm/ includes nothing of it (Documentation/architecture.rst).
 */
static const struct kn_kvm_ops kn_kvm_ops = {
	.vm_created	= kn_vm_created,
	.vm_found	= kn_vm_found,
	.vm_destroyed	= kn_vm_destroyed,
	.nested_run	= kn_doll_nested_run,
	.vcpu_exited	= kn_doll_exited,
	.exit_reflected	= kn_doll_reflected,
	.exit_answered	= kn_doll_delegated,
	.answer_cpuid	= kn_deleg_cpuid,
	.answer_rdmsr	= kn_deleg_rdmsr,
	.answer_pause	= kn_deleg_pause,
	.slot_of	= kn_slot_of,
	.nested_entered	= kn_slot_entered,
	.msr_written	= kn_deleg_msr_written,
	.hypercall	= kn_ch_call,
	.nested_reset	= kn_deleg_revoke_all,
	.vcpu_changing	= kn_deleg_vcpu_changing,
	.vcpu_changed	= kn_deleg_vcpu_changed,
};

static int kn_kvm_step(void)
{
	return kn_kvm_attach(&kn_kvm_ops);
}

/*
 * @init NULL: nothing to set up, only something to free (the dolls the
 * hooks created).  @exit runs only if @init ran and succeeded.
 */
static const struct kn_step {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
} kn_steps[] = {
	{ "accounting",	kn_acct_init,	 kn_acct_exit_module },
	{ "events",	kn_event_init,	 kn_event_exit },
	{ "envelopes",	kn_env_init,	 kn_env_exit },
	{ "exec",	kn_exec_init,	 kn_exec_exit },
	/* Netlink ops in the background: finished after the dolls fail them. */
	{ "ops",	kn_nl_op_init,	 kn_nl_op_exit },
	/* Fails what waits on a child; then nothing waits on our dolls. */
	{ "dolls",	NULL,		 kn_vms_exit },
	/* Unhooked before: no hook grants any more, take back what we did. */
	{ "grants",	kn_grant_init,	 kn_grant_exit },
	{ "sysfs",	kn_sysfs_step,	 kn_sysfs_exit },
	{ "kvm",	kn_kvm_step,	 kn_kvm_detach },
	{ "debugfs",	kn_debugfs_step, kn_debugfs_exit },
	{ "usage",	kn_usage_step,	 kn_usage_exit },
	/* Before the child's first envelope, gone after its last. */
	{ "fit",	kn_fit_init,	 kn_fit_exit },
	{ "child",	kn_child_step,	 kn_child_exit },
	{ "netlink",	kn_nl_step,	 kn_nl_exit },
};

static void kn_steps_undo(unsigned int n)
{
	while (n--)
		kn_steps[n].exit();
}

static int kn_step_run(unsigned int i)
{
	const struct kn_step *s = &kn_steps[i];

	if (fail_init_step == i + 1) {
		pr_err("init step %u (%s) fails as fail_init_step=%u asked\n",
		       i + 1, s->name, fail_init_step);
		return -ECANCELED;
	}
	return s->init ? s->init() : 0;
}

static int __init kn_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(kn_steps); i++) {
		err = kn_step_run(i);
		if (err) {
			kn_steps_undo(i);
			return err;
		}
	}
	pr_info("%s attached to KVM (%s)\n", KN_VERSION, kn_kvm_vendor());
	return 0;
}

static void __exit kn_exit(void)
{
	kn_steps_undo(ARRAY_SIZE(kn_steps));
}

module_init(kn_init);
module_exit(kn_exit);

MODULE_DESCRIPTION("Per-level accounting and control of nested KVM guests");
MODULE_AUTHOR("The kvm-nest authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(KN_VERSION);
MODULE_SOFTDEP("pre: kvm");
