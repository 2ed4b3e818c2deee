/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the delegation scenarios (selftests/kvm-nest/deleg_*.c) share: our
 * test L1 (kn_deleg_l1.h) started, with HELLO made and the policy of its
 * table granted; its tables; the policy's hits, for bursts; and the
 * policy of the MSRs it intercepts.
 */
#ifndef KN_DELEG_SCENE_H
#define KN_DELEG_SCENE_H

#include <stdbool.h>
#include <stdint.h>

#include "kn_deleg_l1.h"

#define KN_SCENE_MSR_KEPT	0x345	/* L1 intercepts it, keeps it to itself */
#define KN_SCENE_MSR_WRITTEN	0x1a0	/* guest-writable: L2 writes it */

struct kn_scene {
	unsigned long n;		/* CPUIDs or RDMSRs of a burst (-n N) */
	struct kn_deleg_l1 l1;
	struct kn_deleg_l1_tables tt;
	struct kn_deleg_l1_table mpol;	/* tt.pol and MSRs */
	unsigned int msr_hits;		/* of kn_deleg_l1_msrs: delegable ones */
	int64_t early;			/* a DELEGATE before HELLO: its answer */
};

extern struct kn_scene kn_scene;

/* The policy's hits (tt.pol), for bursts. */
#define KN_SCENE_NHITS 5
extern const struct kn_deleg_l1_query kn_scene_hits[KN_SCENE_NHITS];

/*
 * Starts our L1 (with an in-kernel irqchip if @irqchip), plans @plan
 * checks and two of its own (HELLO, and the first policy granted), and
 * returns the L1. @n: the burst size without -n.
 */
struct kn_deleg_l1 *kn_scene_begin(int argc, char **argv, unsigned long n,
				   unsigned int plan, bool irqchip);
/* Stops the L1 and ends the TAP output (exit status per kn_tap.h). */
void kn_scene_end(void);

void kn_scene_burst(struct kn_deleg_l1 *t, unsigned long n, struct kn_deleg_l1_delta *d);
/* kn_deleg_l1_warm() with the hits; says so if it never armed. */
bool kn_scene_warm(struct kn_deleg_l1 *t, const char *what);
/* L1 delegates @tab (tt.pol, tt.pol2...) for CPUID, and answers from it. */
int64_t kn_scene_grant(struct kn_deleg_l1 *t, const struct kn_deleg_l1_table *tab);

/* Whether the MSR policy holds @index with L1's answer. */
bool kn_scene_msr_delegable(uint32_t index);
/* Whether L1 gets L2's reads of @index: VMX always (our L1 has no bitmap). */
bool kn_scene_msr_l1_reads(uint32_t index);
void kn_scene_msr_queries(struct kn_deleg_l1 *t, const uint32_t *q, unsigned int n);
/* L1 delegates CPUID and its MSRs (mpol); says so if refused. */
void kn_scene_msr_grant(struct kn_deleg_l1 *t, const char *what);
void kn_scene_msr_burst(struct kn_deleg_l1 *t, const uint32_t *q, unsigned int nq,
			unsigned long n, struct kn_deleg_l1_delta *d);

#endif
