/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest side: what an L1 may add to kn_l2's minimal L2 after kn_l2_init():
 * PAUSE, RDMSR and WRMSR intercepts and nested paging (kn_tdp.h), and the names
 * of the exits these bring. One implementation per vendor.
 */
#ifndef KN_L2_EXTRAS_H
#define KN_L2_EXTRAS_H

#include <stdbool.h>
#include <stdint.h>

#include "kn_l2.h"
#include "kn_tdp.h"

enum kn_l2_extras_exit { KN_X_RDMSR, KN_X_WRMSR, KN_X_PAUSE, KN_X_NPF, KN_X_OTHER };

/* L2's state as L1 finds it at an exit (vmcb12 save area, VMCS guest fields). */
struct kn_l2_extras_state {
	uint64_t rip, rsp, rflags;
	uint32_t shadow;	/* non-zero: in an STI or MOV SS interrupt shadow */
};

struct kn_l2_extras_ops {
	/* Names l2->exit (a raw code that kn_l2_run() called KN_OTHER_EXIT). */
	enum kn_l2_extras_exit (*kind)(const struct kn_l2 *l2);
	void (*intercept_pause)(struct kn_l2 *l2);
	void (*intercept_rdmsr)(struct kn_l2 *l2, uint32_t msr);
	void (*intercept_wrmsr)(struct kn_l2 *l2, uint32_t msr);
	/* Runs L2 on the tables at @root; false if the CPU cannot nest them. */
	bool (*paging)(struct kn_l2 *l2, uint64_t root);
	/* The guest-physical address of the last nested page fault. */
	uint64_t (*fault_gpa)(const struct kn_l2 *l2);
	void (*state)(const struct kn_l2 *l2, struct kn_l2_extras_state *s);
	/* Sets whether L2's CPUIDs exit to L1; false if they always do (VMX). */
	bool (*intercept_cpuid)(struct kn_l2 *l2, bool on);
	const struct kn_tdp_fmt *fmt;
};

extern const struct kn_l2_extras_ops kn_l2_extras_svm, kn_l2_extras_vmx;

/* The current vendor's. */
const struct kn_l2_extras_ops *kn_l2_extras(void);

#endif
