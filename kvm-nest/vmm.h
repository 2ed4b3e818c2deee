/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_VMM_H
#define KN_VMM_H

#include <linux/types.h>

struct task_struct;

/* The guest name a VMM was started with (QEMU's -name), or -ENOENT. */
int kn_vmm_name(struct task_struct *task, char *buf, size_t len);

#endif
