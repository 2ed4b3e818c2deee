/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ACCT_H
#define KN_ACCT_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "census.h"

/*
 * Exit codes of both vendors fold into one small index space: SVM and VMX
 * basic reasons below 0x100 map to themselves, SVM's 0x400 block (NPF,
 * AVIC, ...) follows, and everything else shares one "other" slot.
 */
#define KN_CODE_LOW		0x100
#define KN_CODE_HIGH_BASE	0x400
#define KN_CODE_HIGH_NR		0x10
#define KN_CODE_OTHER		(KN_CODE_LOW + KN_CODE_HIGH_NR)
#define KN_NR_CODES		(KN_CODE_OTHER + 1)

/*
 * Deepest level this kernel tells apart: its VMs, their guests, and the
 * guests of those, on the contexts a child reports for them.
 */
#define KN_MAX_LEVEL		3

struct kn_acct {
	atomic64_t exits[KN_NR_CODES];
	atomic64_t guest_ns;
	atomic64_t reflected;
	atomic64_t delegated;	/* exits answered here for the hypervisor */
	struct kn_census census;
};

unsigned int kn_code_index(u32 code);
/* Returns false for the "other" slot, which has no single code. */
bool kn_code_of_index(unsigned int idx, u32 *code);

/* A nested exit, counted at @level (2..KN_MAX_LEVEL) after @ns in the guest. */
void kn_acct_exit(struct kn_acct *a, unsigned int level, u32 code, u64 ns);
/* An exit by code only: a VM's own, which KVM counts (doll_totals.c). */
void kn_acct_code(struct kn_acct *a, u32 code);
u64 kn_acct_total(const struct kn_acct *a);

/* @tracked is false for the bucket of codes outside the index space. */
typedef int (*kn_exit_fn)(u32 code, bool tracked, u64 count, void *arg);
/* Calls @fn for every non-zero exit count, until @fn returns non-zero. */
int kn_acct_visit_exits(const struct kn_acct *a, kn_exit_fn fn, void *arg);

/* Totals of level 2..KN_MAX_LEVEL since the module was loaded. */
void kn_level_sum(unsigned int level, u64 *exits, u64 *guest_ns);
int kn_acct_init(void);
void kn_acct_exit_module(void);

#endif
