/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_CHANNEL_RESEND_H
#define KN_CHANNEL_RESEND_H

#include <linux/list.h>

struct kn_doll;
struct kvm;
struct task_struct;

/*
 * A child's call that may revoke all it delegated (HELLO, DELEGATE): no
 * resend is asked for what the child itself revokes.  On the stack.
 */
struct kn_ch_caller {
	struct hlist_node node;		/* kn_channel.callers, under the lock */
	struct task_struct *task;
};

void kn_ch_caller_enter(struct kvm *vm, struct kn_ch_caller *c);
void kn_ch_caller_leave(struct kvm *vm, struct kn_ch_caller *c);
/*
 * Level-1 doll @vm lost every policy and slot it gave us.  Unless its
 * kernel asked for that, it is told to send them again, at most once a
 * second.  Under RCU; never sleeps.
 */
void kn_ch_resend_ask(struct kn_doll *vm);
int kn_ch_resend_init(void);
void kn_ch_resend_exit(void);

#endif
