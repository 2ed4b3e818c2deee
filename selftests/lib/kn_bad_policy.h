/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Malformed DELEGATE calls for deleg_hostile, each with the answer kvm-nest
 * owes it (kvm_nest_channel.h): lengths, bounds, reserved fields, unknown
 * classes and flags, bad ctx, bad and duplicate entries, leaves computed
 * at run time, MSRs off the allowlist, twice, too many or without their
 * class, buffers outside the VM's memory; and some valid calls
 * among them, so that a parent that refused everything would fail too.
 * Every call names one context; the valid ones only other contexts.
 */
#ifndef KN_BAD_POLICY_H
#define KN_BAD_POLICY_H

#include <stdint.h>

#include "kn_deleg_l1.h"

#define KN_BAD_POLICY_NR	57
#define KN_BAD_POLICY_NO_ALT	1	/* never an answer: no second one accepted */
#define KN_BAD_POLICY_EXACT	UINT64_MAX	/* len: what the header says */

/* A call and what it is owed. */
struct kn_bad_policy {
	const char *what;
	int64_t err, alt;	/* expected answer; alt: another acceptable one, or 1 */
	uint64_t gpa, len;	/* gpa if not 0; len unless _EXACT */
	struct kvm_nest_ch_delegate h;
	uint32_t n;
	struct kvm_nest_ch_cpuid e[2];
	uint32_t nm;		/* MSRs sent after the entries */
	struct kvm_nest_ch_msr m[KVM_NEST_DELEG_MAX_MSR + 1];
};

/* The cases against context @ctx of a VM with @mem bytes at GPA 0. */
unsigned int kn_bad_policy_cases(struct kn_bad_policy *c, uint64_t ctx, uint64_t mem);
/* An entry with values no L1 of ours answers: a policy that took would show. */
struct kvm_nest_ch_cpuid kn_bad_policy_entry(uint32_t fn, uint32_t idx, uint32_t flags);
/* Queues the call of @c on @t (kn_deleg_l1_queue). */
void kn_bad_policy_queue(struct kn_deleg_l1 *t, const struct kn_bad_policy *c);

#endif
