/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_CHANNEL_REQUEST_H
#define KN_CHANNEL_REQUEST_H

#include "../cmd.h"

struct kn_doll;
struct kvm;

/* A child's kvm-nest polls every 250 ms; a balloon may take a minute. */
#define KN_CH_REQUEST_TIMEOUT	(90 * HZ)
/* Commands queued for one child at a time. */
#define KN_CH_MAX_REQUESTS	16

/*
 * Sends @cmd (whose id is the child's) to the kvm-nest of level-1 doll
 * @vm_id and waits for the answer.
 */
int kn_ch_request(u32 vm_id, const struct kn_cmd *cmd,
		  struct kn_cmd_result *res);
/* @vm is dying: whoever waits on it gets -ESRCH. */
void kn_ch_requests_fail(struct kn_doll *vm);
/* Number of commands the child has not fetched yet. */
unsigned int kn_ch_requests_waiting(struct kn_doll *vm);

/* Hypercalls, from the child whose VM is @vm. */
long kn_ch_fetch(struct kvm *vm, u64 gpa, u64 len);
long kn_ch_reply(struct kvm *vm, u64 gpa, u64 len);

#endif
