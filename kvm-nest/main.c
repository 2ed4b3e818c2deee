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
#include "debugfs.h"
#include "doll.h"
#include "kvm/boundary.h"

static int __init kn_init(void)
{
	int err;

	err = kn_acct_init();
	if (err)
		return err;
	err = kn_kvm_attach();
	if (err)
		goto err_acct;
	kn_debugfs_init();
	pr_info("attached to KVM (%s)\n", kn_kvm_vendor());
	return 0;

err_acct:
	kn_acct_exit_module();
	return err;
}

static void __exit kn_exit(void)
{
	kn_debugfs_exit();
	kn_kvm_detach();
	kn_dolls_exit();
	kn_acct_exit_module();
}

module_init(kn_init);
module_exit(kn_exit);

MODULE_DESCRIPTION("Per-level accounting and control of nested KVM guests");
MODULE_AUTHOR("The kvm-nest authors");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("pre: kvm");
