// SPDX-License-Identifier: GPL-2.0-only
/*
 * Read-only debugfs view of the dolls and their accounting; the format is
 * in Documentation/debugfs.rst.  Netlink replaces it as the interface.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "debugfs.h"
#include "doll.h"
#include "doll_measure.h"
#include "doll_totals.h"
#include "kvm/boundary.h"
#include "kvm/ops.h"

static struct dentry *kn_debugfs_dir;

struct kn_exit_line {
	struct seq_file *m;
	u32 doll;
};

static int kn_exit_line_show(u32 code, bool tracked, u64 count, void *arg)
{
	struct kn_exit_line *line = arg;

	seq_printf(line->m, "exit doll=%u", line->doll);
	if (tracked)
		seq_printf(line->m, " code=%#x reason=%s", code,
			   kn_kvm_exit_name(code));
	else
		seq_puts(line->m, " code=other reason=other");
	seq_printf(line->m, " count=%llu\n", count);
	return 0;
}

static const char *const kn_detail_kinds[KN_DETAIL_KINDS] = {
	[KN_DETAIL_MSR_READ] = "msr-read",
	[KN_DETAIL_MSR_WRITE] = "msr-write",
	[KN_DETAIL_VMCS_FIELD] = "vmcs-field",
};

static int kn_census_line_show(u32 code, u64 detail, u64 count, void *arg)
{
	struct kn_exit_line *line = arg;
	u32 kind = KN_DETAIL_KIND(detail);

	seq_printf(line->m, "census doll=%u code=%#x kind=%s detail=%#x count=%llu\n",
		   line->doll, code,
		   kind < KN_DETAIL_KINDS && kn_detail_kinds[kind] ?
		   kn_detail_kinds[kind] : "unknown",
		   KN_DETAIL_VAL(detail), count);
	return 0;
}

static const char *const kn_kind_names[] = {
	[KN_DOLL_VM] = "vm",
	[KN_DOLL_CTX] = "ctx",
	[KN_DOLL_REPORTED] = "reported",
};

/* Where a doll's numbers come from depends on its kind. */
static void kn_doll_show_kind(struct seq_file *m, struct kn_doll *d)
{
	u64 exits, guest_ns, self, nested;
	struct kn_doll *runs;
	bool in_guests;

	switch (d->kind) {
	case KN_DOLL_VM:
		seq_printf(m, " vcpus=%u mem=%llu ctx=0x0 ids_minted=%llu ids_refused=%llu",
			   kn_kvm_vm_vcpus(d->vm), kn_kvm_vm_mem_bytes(d->vm),
			   d->ids.minted, d->ids.refused);
		break;
	case KN_DOLL_CTX:
		runs = kn_doll_ctx_runs(d, &in_guests);
		seq_printf(m, " vcpus=0 mem=0 ctx=%#llx runs=%u%s", d->ctx,
			   runs ? runs->id : 0, in_guests ? "+guests" : "");
		break;
	case KN_DOLL_REPORTED:
		kn_doll_measured(d, &self, &nested);
		seq_printf(m, " vcpus=%u mem=%llu ctx=0x0 guest_ns=%llu exits=%llu reflected=%llu measured=%llu measured_guests=%llu\n",
			   d->rep.vcpus, d->rep.mem, d->rep.guest_ns,
			   d->rep.exits, d->rep.reflected, self, nested);
		return;
	}
	kn_doll_totals(d, &exits, &guest_ns);
	seq_printf(m, " guest_ns=%llu exits=%llu reflected=%llu kept=%llu\n",
		   guest_ns, exits,
		   (u64)atomic64_read(&d->acct.reflected),
		   d->kind == KN_DOLL_CTX ?
		   exits - min_t(u64, exits, atomic64_read(&d->acct.reflected)) : 0);
}

static int kn_doll_show(struct kn_doll *d, void *arg)
{
	struct kn_exit_line line = { .m = arg, .doll = d->id };
	struct seq_file *m = arg;

	seq_printf(m, "doll id=%u level=%u parent=%u kind=%s pid=%d name=%s",
		   d->id, d->level, d->parent ? d->parent->id : 0,
		   kn_kind_names[d->kind], d->pid, d->name);
	kn_doll_show_kind(m, d);
	kn_acct_visit_exits(&d->acct, kn_exit_line_show, &line);
	kn_census_visit(&d->acct.census, kn_census_line_show, &line);
	if (atomic64_read(&d->acct.census.overflow))
		seq_printf(m, "census doll=%u code=other kind=overflow detail=0x0 count=%llu\n",
			   d->id, (u64)atomic64_read(&d->acct.census.overflow));
	return 0;
}

static int kn_dolls_seq_show(struct seq_file *m, void *v)
{
	kn_dolls_for_each(kn_doll_show, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kn_dolls_seq);

static int kn_levels_seq_show(struct seq_file *m, void *v)
{
	unsigned int dolls[KN_MAX_LEVEL], level;
	u64 exits, guest_ns;

	kn_dolls_count(dolls);
	for (level = 1; level <= KN_MAX_LEVEL; level++) {
		kn_levels_sum(level, &exits, &guest_ns);
		seq_printf(m, "level=%u dolls=%u exits=%llu guest_ns=%llu\n",
			   level, dolls[level - 1], exits, guest_ns);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kn_levels_seq);

static int kn_hook_show(const struct kn_hook_info *h, void *arg)
{
	seq_printf(arg, "hook name=%s kind=%s calls=%llu\n", h->name, h->kind,
		   h->calls);
	return 0;
}

static int kn_hooks_seq_show(struct seq_file *m, void *v)
{
	return kn_kvm_visit_hooks(kn_hook_show, m);
}
DEFINE_SHOW_ATTRIBUTE(kn_hooks_seq);

/*
 * The exit census switch: 1 counts the VMs' own exits by code too, and
 * gives every exit its detail (census.h).
 */
static int kn_census_get(void *data, u64 *val)
{
	*val = kn_kvm_census_get();
	return 0;
}

static int kn_census_set(void *data, u64 val)
{
	if (val > 1)
		return -EINVAL;
	return kn_kvm_census_set(val);
}
DEFINE_DEBUGFS_ATTRIBUTE(kn_census_fops, kn_census_get, kn_census_set, "%llu\n");

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
	debugfs_create_file_unsafe("census", 0600, kn_debugfs_dir, NULL,
				   &kn_census_fops);
}

void kn_debugfs_exit(void)
{
	debugfs_remove_recursive(kn_debugfs_dir);
}
