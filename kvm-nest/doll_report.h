/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_DOLL_REPORT_H
#define KN_DOLL_REPORT_H

#include "doll.h"

/* One doll of a child's report, after the channel checked it. */
struct kn_report_entry {
	u32 rparent;		/* the child's id of its parent, 0: top */
	u32 level;		/* as the child sees it */
	pid_t pid;
	char name[KN_NAME_LEN];
	struct kn_env env;
	u64 usage_mem;
	struct kn_reported rep;
};

/*
 * Replace what the VM's kvm-nest reported with @n entries, parents first.
 * Dolls keep their ids from one report to the next.
 */
int kn_doll_apply_report(struct kvm *vm, const struct kn_report_entry *e,
			 unsigned int n);

#endif
