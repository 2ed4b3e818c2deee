/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kn-bench: what guest and host code share. The host writes a command into
 * the guest's knb_cmd between two ucalls; the guest runs its loop of n ops
 * and answers with the next ucall. See Documentation/bench.rst.
 */
#ifndef KNB_BENCH_H
#define KNB_BENCH_H

#include <stdint.h>

enum knb_op { KNB_CPUID, KNB_RDMSR, KNB_HCALL, KNB_HLT, KNB_TOUCH, KNB_PAUSE, KNB_NR_OPS };
#define KNB_QUIT KNB_NR_OPS

/* IA32_MISC_ENABLE: KVM emulates it in the kernel; the bench's own L1 intercepts it. */
#define KNB_MSR		0x1a0
/* KVM_HC_VAPIC_POLL_IRQ: KVM answers 0 in the kernel, without userspace. */
#define KNB_HC_NR	1
/* L2's last hypercall to the bench's L1: "KNBD". */
#define KNB_HC_DONE	0x4b4e4244

struct knb_cmd {
	uint64_t op, n;
	uint64_t arg;		/* TOUCH: first fresh page; HLT: timer delay in TSC ticks */
};

/* Set by the host before the vCPU first runs. */
struct knb_params {
	uint64_t level;		/* 1: ops in this VM; 2: ops in L2 under the bench's L1 */
	uint64_t mem_size;
	uint64_t lazy, lazy_size;	/* L2's lazily mapped window (kn_tdp.h) */
};

extern volatile struct knb_cmd knb_cmd;
extern volatile struct knb_params knb_params;

/*
 * Guest entry. Its ucalls: SYNC(wake, early) after every command, where
 * for HLT wake is the sum of TSC ticks from each deadline to the op's
 * return and early counts deadlines that passed before the HLT.
 */
void knb_guest_main(uint64_t unused);

#endif
