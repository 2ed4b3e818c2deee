/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A kvm-nest request that the kernel may queue for a child (envelope
 * changes, pings, deep switches): its refusal text, and for a queued one
 * the outcome that RESULT_NTF brings later.
 */
#ifndef KN_ROUTED_H
#define KN_ROUTED_H

#include <stddef.h>

#include "kn_genl.h"

/*
 * Sends @m on @g and fills @ack; a queued request waits (100 s at most)
 * for its RESULT_NTF, whose error becomes ack->error (-ETIME if none
 * came). The kernel's refusal text, if any, goes to @refusal.
 */
int kn_routed_xfer(struct kn_genl *g, struct kn_genl_msg *m, struct kn_genl_ack *ack,
		   char *refusal, size_t len);

#endif
