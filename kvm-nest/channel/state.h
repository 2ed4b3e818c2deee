/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_CHANNEL_STATE_H
#define KN_CHANNEL_STATE_H

#include <linux/types.h>
#include <uapi/linux/kvm_nest_channel.h>

#define KN_CH_MAX_CTX	KVM_NEST_CH_MAX_CTX

/* The parent's view of one child's channel, in the child's level-1 doll. */
struct kn_channel {
	u32 version;		/* 0 until HELLO */
	u32 tokens;		/* calls left before the rate limit */
	u64 refill_ns;		/* when tokens were last topped up */
	u64 calls;
	u64 refused;
	/* Resending delegation after a reset: channel/resend.c. */
	struct hlist_head callers;	/* tasks in its HELLO or DELEGATE */
	bool resend_busy;		/* a resend command is on its way */
	bool resend_again;		/* and another reset came meanwhile */
	unsigned long resend_at;	/* jiffies: when the last one went */
};

#endif
