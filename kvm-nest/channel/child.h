/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_CHANNEL_CHILD_H
#define KN_CHANNEL_CHILD_H

#include <linux/types.h>

void kn_child_init(void);
void kn_child_exit(void);

#endif
