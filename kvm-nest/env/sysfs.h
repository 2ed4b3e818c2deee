/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_SYSFS_H
#define KN_ENV_SYSFS_H

/* /sys/kernel/kvm_nest: this kernel's depth, envelope and usage. */
int kn_sysfs_init(void);
void kn_sysfs_exit(void);

#endif
