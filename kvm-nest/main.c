// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-nest: per-level accounting of nested KVM guests ("dolls").
 *
 * Load order matters: the accounting and registry exist before any hook
 * can call into them, and on unload every hook is gone and drained before
 * they are freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "acct.h"
#include "channel/child.h"
#include "channel/exec.h"
#include "channel/grant.h"
#include "debugfs.h"
#include "doll.h"
#include "env/set.h"
#include "env/sysfs.h"
#include "env/usage.h"
#include "event.h"
#include "kvm/boundary.h"
#include "netlink.h"
#include "version.h"

static int __init kn_init(void)
{
	int err;

	err = kn_acct_init();
	if (err)
		return err;
	err = kn_env_init();
	if (err)
		goto err_acct;
	err = kn_exec_init();
	if (err)
		goto err_env;
	err = kn_grant_init();
	if (err)
		goto err_exec;
	err = kn_sysfs_init();
	if (err) {
		pr_err("cannot create /sys/kernel/kvm_nest (%d)\n", err);
		goto err_grant;
	}
	err = kn_nl_init();
	if (err) {
		pr_err("cannot register the %s netlink family (%d)\n",
		       "kvm_nest", err);
		goto err_sysfs;
	}
	err = kn_kvm_attach();
	if (err)
		goto err_nl;
	kn_debugfs_init();
	kn_usage_init();
	kn_child_init();
	kn_nl_set_attached(true);
	pr_info("%s attached to KVM (%s)\n", KN_VERSION, kn_kvm_vendor());
	return 0;

err_nl:
	kn_nl_exit();
err_sysfs:
	kn_sysfs_exit();
err_grant:
	kn_grant_exit();
err_exec:
	kn_exec_exit();
err_env:
	kn_env_exit();
err_acct:
	kn_acct_exit_module();
	return err;
}

static void __exit kn_exit(void)
{
	kn_nl_set_attached(false);
	kn_child_exit();
	kn_usage_exit();
	kn_debugfs_exit();
	kn_kvm_detach();
	/* No hook grants any more: take back what we granted. */
	kn_grant_exit();
	/* Fails what waits on a child; then nothing waits on our dolls. */
	kn_dolls_exit();
	kn_exec_exit();
	kn_env_exit();
	kn_event_exit();
	kn_nl_exit();
	kn_sysfs_exit();
	kn_acct_exit_module();
}

module_init(kn_init);
module_exit(kn_exit);

MODULE_DESCRIPTION("Per-level accounting and control of nested KVM guests");
MODULE_AUTHOR("The kvm-nest authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(KN_VERSION);
MODULE_SOFTDEP("pre: kvm");
