// SPDX-License-Identifier: GPL-2.0-only
/* This kernel's depth below kvm-nest hosts, apart so that reading it is a leaf. */
#include <linux/compiler.h>

#include "depth.h"

static u32 kn_depth_val;	/* 0: nobody above us listens */

u32 kn_depth(void)
{
	return READ_ONCE(kn_depth_val);
}

void kn_depth_set(u32 depth)
{
	WRITE_ONCE(kn_depth_val, depth);
}
