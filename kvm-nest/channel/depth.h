/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_CHANNEL_DEPTH_H
#define KN_CHANNEL_DEPTH_H

#include <linux/types.h>

/*
 * How deep this kernel runs below a kvm-nest host: 0 if none is above.
 * The child side of the channel learns it (child.c); everyone reads it.
 */
u32 kn_depth(void);
void kn_depth_set(u32 depth);

#endif
