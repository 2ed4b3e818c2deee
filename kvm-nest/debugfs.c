// SPDX-License-Identifier: GPL-2.0-only
/*
 * Read-only debugfs view of the dolls and their accounting; the format is
 * in Documentation/debugfs.rst.  Netlink replaces it as the interface.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "debugfs.h"
#include "doll.h"
#include "kvm/boundary.h"

static struct dentry *kn_debugfs_dir;

static void kn_doll_show(struct kn_doll *d, void *arg)
{
	struct seq_file *m = arg;
	u64 exits = kn_acct_total(&d->acct);
	u64 reflected = atomic64_read(&d->acct.reflected);
	unsigned int i;
	u32 code;

	seq_printf(m, "doll id=%u level=%u parent=%u pid=%d name=%s",
		   d->id, d->level, d->parent ? d->parent->id : 0, d->pid,
		   d->name);
	if (d->level == 1)
		seq_printf(m, " vcpus=%u mem=%llu ctx=0x0",
			   kn_kvm_vm_vcpus(d->vm), kn_kvm_vm_mem_bytes(d->vm));
	else
		seq_printf(m, " vcpus=0 mem=0 ctx=%#llx", d->ctx);
	seq_printf(m, " guest_ns=%llu exits=%llu reflected=%llu kept=%llu\n",
		   (u64)atomic64_read(&d->acct.guest_ns), exits, reflected,
		   d->level > 1 && exits > reflected ? exits - reflected : 0);

	for (i = 0; i < KN_NR_CODES; i++) {
		u64 n = atomic64_read(&d->acct.exits[i]);

		if (!n)
			continue;
		if (kn_code_of_index(i, &code))
			seq_printf(m, "exit doll=%u code=%#x reason=%s count=%llu\n",
				   d->id, code, kn_kvm_exit_name(code), n);
		else
			seq_printf(m, "exit doll=%u code=other reason=other count=%llu\n",
				   d->id, n);
	}
}

static int kn_dolls_seq_show(struct seq_file *m, void *v)
{
	kn_dolls_for_each(kn_doll_show, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kn_dolls_seq);

static void kn_doll_count(struct kn_doll *d, void *arg)
{
	unsigned int *dolls = arg;

	if (d->level >= 1 && d->level <= KN_MAX_LEVEL)
		dolls[d->level - 1]++;
}

static int kn_levels_seq_show(struct seq_file *m, void *v)
{
	unsigned int dolls[KN_MAX_LEVEL] = {};

	kn_dolls_for_each(kn_doll_count, dolls);
	kn_levels_show(m, dolls);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kn_levels_seq);

static int kn_hooks_seq_show(struct seq_file *m, void *v)
{
	kn_kvm_hooks_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kn_hooks_seq);

void kn_debugfs_init(void)
{
	/* debugfs is a debugging aid: the module works without it. */
	kn_debugfs_dir = debugfs_create_dir("kvm_nest", NULL);
	debugfs_create_file("dolls", 0444, kn_debugfs_dir, NULL,
			    &kn_dolls_seq_fops);
	debugfs_create_file("levels", 0444, kn_debugfs_dir, NULL,
			    &kn_levels_seq_fops);
	debugfs_create_file("hooks", 0444, kn_debugfs_dir, NULL,
			    &kn_hooks_seq_fops);
}

void kn_debugfs_exit(void)
{
	debugfs_remove_recursive(kn_debugfs_dir);
}
