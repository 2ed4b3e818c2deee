/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_DEBUGFS_H
#define KN_DEBUGFS_H

void kn_debugfs_init(void);
void kn_debugfs_exit(void);

#endif
