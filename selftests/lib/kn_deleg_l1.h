/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test L1 that delegates (delegation.rst). Guest code: an L1 that runs one L2
 * and answers its CPUIDs from a table of its own and its RDMSRs of the
 * MSRs of kn_deleg_l1_msrs (taking its WRMSRs of them), and an L2 that runs
 * jobs (CPUID sequences, bursts, kn_cpuforms.h, batches with a DELEGATE
 * by L1 between them). Host code: the driver, which queues L1's channel
 * calls (waiting out the rate limit), runs L2's jobs, and reads what
 * kvm-nest counted meanwhile on the ctx doll and on our L1 doll; and
 * kvm-nest's accel switch.
 */
#ifndef KN_DELEG_L1_H
#define KN_DELEG_L1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kn_deleg.h"
#include "kn_hypercall.h"
#include "kn_vm.h"
#include "kn_x86.h"

#define KN_ACCEL_PARAM		"/sys/module/kvm_nest/parameters/accel"
#define KN_DELEG_L1_MAGIC		0x4b4e4c31	/* in L1's own answers: "KNL1" */
#define KN_DELEG_L1_MAX_T		16		/* entries of a table */
#define KN_DELEG_L1_MAX_Q		24		/* queries of a job */
#define KN_DELEG_L1_MAX_CALLS	300		/* calls queued at once */
#define KN_DELEG_L1_MAX_B		12		/* batches of KN_DELEG_L2_BATCHES */
#define KN_DELEG_L1_ARENA		(64UL << 10)	/* guest memory for call buffers */
#define KN_DELEG_L1_MAX_M		8		/* MSRs of a table */

/* What the host asks of L1 (job.op). */
enum {
	KN_DELEG_L1_CALLS = 1, KN_DELEG_L1_RUN, KN_DELEG_L1_NATIVE, KN_DELEG_L1_REINIT,
	KN_DELEG_L1_STGI, KN_DELEG_L1_END,
};
/* What L2 does when L1 runs it (job.l2op); each ends with a VMMCALL. */
enum {
	KN_DELEG_L2_SEQ = 1, KN_DELEG_L2_BURST, KN_DELEG_L2_FORMS, KN_DELEG_L2_BATCHES, KN_DELEG_L2_PAUSED,
	KN_DELEG_L2_MSRS, KN_DELEG_L2_MSR_BURST, KN_DELEG_L2_MSR_WRITE,
};
/* KN_DELEG_L2_PAUSED: a burst, a SYNC to the host right from L2, a burst. */
#define KN_DELEG_L2_SYNC		0x4b4e4c32

struct kn_deleg_l1_table {
	uint32_t n;
	struct kvm_nest_ch_cpuid e[KN_DELEG_L1_MAX_T];
	/* MSRs: sent only with KVM_NEST_DELEG_RDMSR in the classes */
	uint32_t nm;
	struct kvm_nest_ch_msr m[KN_DELEG_L1_MAX_M];
};

/* What L1 intercepts of an MSR for L2 (kn_deleg_l1_msr.icpt). */
enum { KN_DELEG_L1_RD = 1, KN_DELEG_L1_WR = 2 };

/* An MSR L1 knows: whether it intercepts it, and its first answer. */
struct kn_deleg_l1_msr {
	uint32_t index, icpt;
	uint64_t value;
};

/* L1's MSRs (guest and host code), fixed: L1 sets its intercepts once. */
extern const struct kn_deleg_l1_msr kn_deleg_l1_msrs[];
extern const unsigned int kn_deleg_l1_nr_msrs;

struct kn_deleg_l1_query {
	uint32_t leaf, sub;
};

/* Shared by the host, L1 and L2 (one copy per VM, in its memory). */
struct kn_deleg_l1_job {
	uint32_t op;
	uint32_t first, ncalls, busy_at;	/* KN_DELEG_L1_CALLS */
	struct kn_hypercall_call calls[KN_DELEG_L1_MAX_CALLS];
	struct kn_deleg_l1_table tab[2];		/* L1 answers from tab[cur] */
	uint32_t cur;
	uint32_t l2op, n, nq, batches;		/* L2's work */
	struct kn_deleg_l1_query q[KN_DELEG_L1_MAX_Q];
	/* KN_DELEG_L2_BATCHES: before batch b > 0, L1 calls DELEGATE with sched[b] */
	struct {
		uint64_t gpa, len;
		uint32_t tab;			/* and answers from tab[tab] */
	} sched[KN_DELEG_L1_MAX_B];
	int64_t sched_ret[KN_DELEG_L1_MAX_B];
	uint32_t more;				/* L2 -> L1: between batches */
	uint32_t no_icpt;			/* KN_DELEG_L1_RUN: L1 lets CPUID be */
	struct kn_cpuid res[KN_DELEG_L1_MAX_Q];	/* KN_DELEG_L2_SEQ: L2's results */
	struct kn_cpuid native[KN_DELEG_L1_MAX_Q];	/* KN_DELEG_L1_NATIVE: L1's */
	/* KN_DELEG_L2_MSRS, _MSR_BURST: L2 reads MSR mq[i % nmq] (n times) */
	uint32_t nmq, mq[KN_DELEG_L1_MAX_Q];
	uint64_t mres[KN_DELEG_L1_MAX_Q];		/* KN_DELEG_L2_MSRS: L2's results */
	uint64_t mref[KN_DELEG_L1_MAX_Q];		/* and with mcheck, what they must be */
	uint32_t mcheck;
	uint32_t wr_msr;			/* KN_DELEG_L2_MSR_WRITE: L2 writes, then reads */
	uint64_t wr_val;
	uint64_t mval[KN_DELEG_L1_MAX_M];		/* L1's answers: kn_deleg_l1_msrs, as written */
	uint64_t l1_rdmsr, l1_wrmsr;		/* exits L1 saw */
	uint64_t l2_bad;			/* wrong answers L2 got */
	uint64_t l1_cpuid, l1_hlt;		/* exits L1 saw */
	uint32_t hlt_bad;			/* KN_DELEG_L1_HLT_* that failed */
	uint64_t hlt_rip, hlt_rsp;
	uint32_t off;				/* KN_DELEG_L1_REINIT: SVM/VMX off first */
	uint64_t ctx_now;			/* and the vmcb12/vmcs12 it set up */
};

/* L1's checks at the HLT of kn_cpuid_forms(). */
enum {
	KN_DELEG_L1_HLT_RIP = 1, KN_DELEG_L1_HLT_RSP = 2, KN_DELEG_L1_HLT_ANSWER = 4,
	KN_DELEG_L1_HLT_CANARY = 8, KN_DELEG_L1_HLT_SHADOW = 16,
};

/* The host's handle on one such L1 (its VM). */
struct kn_deleg_l1 {
	struct kn_vm vm;
	struct kn_vcpu *vcpu;
	struct kn_deleg_l1_job *j;		/* the guest's copy */
	uint64_t ctx;			/* L1's vmcb12/vmcs12 */
	uint64_t arena, used;		/* guest memory for call buffers */
	unsigned int busy;		/* waits for the rate limit */
};

/* Counted around a run (kn_deleg_l1_run). */
struct kn_deleg_l1_delta {
	bool ok;			/* both snapshots found the dolls */
	uint64_t cpuid, reflected, delegated;	/* the ctx doll's */
	uint64_t vmrun;			/* our L1 doll's VMRUN/VMRESUME exits */
	uint64_t l1doll_cpuid;		/* and its CPUID exits: L1 makes none */
	uint64_t l1_cpuid;		/* CPUID exits L1 saw */
	uint64_t msr;			/* the ctx doll's MSR exits (SVM: reads and writes) */
	uint64_t l1_rdmsr, l1_wrmsr;	/* MSR exits L1 saw */
};

/*
 * The test tables: L1's (hits, subleaves, boundary leaves, leaves L1
 * keeps), a replacement with the same keys and other values, and the
 * policies of both (minus the leaves L1 keeps).
 */
struct kn_deleg_l1_tables {
	struct kn_deleg_l1_table t, t2, pol, pol2;
};
void kn_deleg_l1_tables(struct kn_deleg_l1_tables *tt);

/* Guest and host: what L1 answers with table @t, or its own way without. */
struct kn_cpuid kn_deleg_l1_answer(const struct kn_deleg_l1_table *t, uint32_t leaf,
			      uint32_t sub);

/* Host: a VM whose L1 answers from @t0 (tab[0]) or @t1; L2 not yet run. */
void kn_deleg_l1_start(struct kn_deleg_l1 *t, uint64_t mem, const struct kn_deleg_l1_table *t0,
		  const struct kn_deleg_l1_table *t1);
/* The same with an in-kernel irqchip (LAPIC: INIT can be latched). */
void kn_deleg_l1_start_irqchip(struct kn_deleg_l1 *t, uint64_t mem,
			  const struct kn_deleg_l1_table *t0,
			  const struct kn_deleg_l1_table *t1);
void kn_deleg_l1_stop(struct kn_deleg_l1 *t);
/*
 * L1 sets up its L2 again, at the same vmcb12/vmcs12, as a new hypervisor
 * would; with @off, it first leaves SVM or VMX operation. False if the
 * address changed.
 */
bool kn_deleg_l1_reinit(struct kn_deleg_l1 *t, bool off);
/*
 * SVM: L1 sets GIF, as a hypervisor does after each #VMEXIT (which
 * clears it); our minimal L1 otherwise leaves it clear, blocking INIT.
 */
void kn_deleg_l1_stgi(struct kn_deleg_l1 *t);
/* Guest memory for a call's buffer; reused after kn_deleg_l1_reset(). */
uint64_t kn_deleg_l1_put(struct kn_deleg_l1 *t, const void *data, size_t len);
/* Forgets the queued calls and their buffers. */
void kn_deleg_l1_reset(struct kn_deleg_l1 *t);
/* Queues a DELEGATE of @len bytes at @gpa; returns its index in j->calls. */
unsigned int kn_deleg_l1_queue(struct kn_deleg_l1 *t, uint64_t gpa, uint64_t len);
/* Queues a well-formed DELEGATE (@tab may be NULL: no entries). */
unsigned int kn_deleg_l1_queue_pol(struct kn_deleg_l1 *t, uint64_t ctx, uint32_t classes,
			      uint32_t flags, const struct kn_deleg_l1_table *tab);
/* L1 makes the queued calls, in order; -EBUSY: waits and goes on. */
void kn_deleg_l1_flush(struct kn_deleg_l1 *t);
/* One call, right away: its answer. */
int64_t kn_deleg_l1_delegate(struct kn_deleg_l1 *t, uint64_t ctx, uint32_t classes,
			uint32_t flags, const struct kn_deleg_l1_table *tab);
int64_t kn_deleg_l1_hello(struct kn_deleg_l1 *t);
/* One channel call by L1: op, RCX, RDX; its RAX. */
int64_t kn_deleg_l1_call(struct kn_deleg_l1 *t, uint64_t op, uint64_t gpa, uint64_t len);
/* L1 forwards @tab (its MSRs with KVM_NEST_DELEG_RDMSR) as the policy of its inner VM @inner's context @ctx. */
int64_t kn_deleg_l1_delegate_inner(struct kn_deleg_l1 *t, uint32_t inner, uint64_t ctx,
				   uint32_t classes, const struct kn_deleg_l1_table *tab);
/* L2's queries for KN_DELEG_L2_SEQ, _BURST and _BATCHES. */
void kn_deleg_l1_queries(struct kn_deleg_l1 *t, const struct kn_deleg_l1_query *q, unsigned int n);
/* L2 does @l2op, L1 handles what reaches it; with @d, what was counted. */
void kn_deleg_l1_run(struct kn_deleg_l1 *t, uint32_t l2op, struct kn_deleg_l1_delta *d);
/* The same; @mid runs while L2 waits at its KN_DELEG_L2_SYNC. */
void kn_deleg_l1_run_mid(struct kn_deleg_l1 *t, uint32_t l2op, struct kn_deleg_l1_delta *d,
		    void (*mid)(struct kn_deleg_l1 *t));
/* L2 makes @n CPUIDs of @q (in turn); L1 answers those that reach it. */
void kn_deleg_l1_burst(struct kn_deleg_l1 *t, const struct kn_deleg_l1_query *q, unsigned int nq,
		  unsigned long n, struct kn_deleg_l1_delta *d);
/*
 * accel 1, then bursts of 10 of @q until L0 answers one alone: it arms
 * delegation only after an L2 exit reached L1. The rounds it took, or 0
 * if it never did in KN_DELEG_L1_WARM_ROUNDS.
 */
#define KN_DELEG_L1_WARM_ROUNDS	20
unsigned int kn_deleg_l1_warm(struct kn_deleg_l1 *t, const struct kn_deleg_l1_query *q,
			      unsigned int nq);
/* L1 runs the queries itself, into j->native. */
void kn_deleg_l1_native(struct kn_deleg_l1 *t);
/* Diagnostics: our dolls and every level-2 doll, with their counts. */
void kn_deleg_l1_show_dolls(const struct kn_deleg_l1 *t);
/* Guest and host: the index of MSR @index in kn_deleg_l1_msrs, or -1. */
int kn_deleg_l1_msr_find(uint32_t index);
/* The exit code of L2's RDMSR (SVM: of its RDMSR and WRMSR). */
uint32_t kn_deleg_l1_msr_code(void);
/* The exit code of L1's VMRUN (SVM) or VMRESUME (VMX). */
uint32_t kn_deleg_l1_vmrun_code(void);

/* A delegation test's "-n N" option; @n without it. */
unsigned long kn_deleg_l1_arg_n(int argc, char **argv, unsigned long n);
/*
 * Bails unless kvm-nest counts exits; returns accel as it is, and puts it
 * back so at exit.
 */
int kn_deleg_l1_accel_keep(void);
/* kvm-nest's accel parameter; both bail if it cannot be read or written. */
int kn_accel_get(void);
void kn_accel_set(int v);

#endif
