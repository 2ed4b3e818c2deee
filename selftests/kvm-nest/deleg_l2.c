// SPDX-License-Identifier: GPL-2.0
/*
 * Delegated exits (issue 6). Our L1 runs an L2 and answers its CPUIDs
 * from a table; it registers that table with kvm-nest over the channel
 * (HELLO, then DELEGATE keyed by its vmcb12/vmcs12 address), minus the
 * leaves L0 must never answer. With /sys/module/kvm_nest/parameters/accel
 * at 1, L0 answers the hits itself and L1 never sees them:
 *  1. same answers: one CPUID sequence (hits, misses, subleaves, leaves
 *     L1 keeps) gives byte-identical results with accel 0 and 1, and the
 *     table's values;
 *  2. exact counts: N CPUIDs then a VMMCALL are N delegated exits and one
 *     reflected (accel 1), or N + 1 reflected (accel 0), on the ctx doll;
 *  3. consistency: CPUID in prefixed, REX, 15-byte and page-crossing
 *     forms with canaries in the other GPRs, the last in a MOV SS shadow;
 *     at the HLT that follows, L1 finds RIP, RSP, RAX..RDX, the canaries
 *     and no interrupt shadow, as if it had answered;
 *  4. revocation and replacement by L1 between batches of one run, and
 *     by L1's other vCPU while L2 runs: every answer right, delegated +
 *     seen by L1 == the CPUIDs made, exactly;
 *  5. a hostile L1: each malformed policy gets its exact error and
 *     changes nothing; 256 policies, not 257; a good policy still works;
 *  6. L2's CPUIDs that L1 does not intercept (SVM) are L0's own answers,
 *     never the policy's; another VM with the same vmcb12/vmcs12 address
 *     is not affected;
 *  7. the vCPU's nested state saved and loaded back (KVM_GET/SET_NESTED_
 *     STATE) between two bursts of L2, as QEMU does at reset, loadvm and
 *     incoming migration: the policy dies with it, and the L1 that goes on
 *     at the same vmcb12/vmcs12 address, answering from another table,
 *     gets every CPUID; once it delegates that table, L0 answers with its
 *     values;
 *  8. RDMSR: L1 also delegates MSRs it intercepts; same answers (compared
 *     by L2 itself and here), exact counts, MSRs L1 does not intercept
 *     for reads and writes are never answered from the policy (SVM), and
 *     an L2 WRMSR of a delegated MSR reaches L1 and ends its delegation.
 * L0 arms delegation only once it has seen an L2 exit reach L1, so each
 * switch to accel 1 starts with warm-up round trips (not counted).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kn_cpuforms.h"
#include "kn_dl1.h"
#include "kn_dlbad.h"
#include "kn_dolls.h"
#include "kn_hc.h"
#include "kn_nstate.h"
#include "kn_tap.h"


static struct {
	unsigned long n;
	/* L1's tables, and the policies of them it gives L0 */
	struct kn_dl1_table t, t2, pol, pol2;
	struct kn_dl1_table mpol;	/* pol and MSRs */
	unsigned int msr_hits;		/* of kn_dl1_msrs: delegable ones */
} g;


static void tables(void)
{
	struct kn_dl1_tables tt;

	kn_dl1_tables(&tt);
	g.t = tt.t;
	g.t2 = tt.t2;
	g.pol = tt.pol;
	g.pol2 = tt.pol2;
}

/* Hits of the policy, for bursts. */
static const struct kn_dl1_query hits[] = {
	{ 0x0, 0 }, { 0x4, 1 }, { 0x80000000, 0 }, { 0x80000002, 0 },
	{ 0x80000008, 7 },
};
#define NHITS (sizeof(hits) / sizeof(hits[0]))

static void burst(struct kn_dl1 *t, unsigned long n, struct kn_dl1_delta *d)
{
	kn_dl1_burst(t, hits, NHITS, n, d);
}

/* False if delegation never armed. */
static bool warm(struct kn_dl1 *t, const char *what)
{
	unsigned int r = kn_dl1_warm(t, hits, NHITS);

	if (r > 1)
		kn_diag("%s: delegation armed after %u warm-up rounds", what, r);
	if (!r)
		kn_diag("%s: L1 still saw CPUIDs after %u warm-up rounds of 10: not armed", what,
			KN_DL1_WARM_ROUNDS);
	return r;
}

/* 1. Same answers with and without delegation, and the table's. */
#define PLAN_SAME 7
static void same_answers(struct kn_dl1 *t)
{
	static const struct kn_dl1_query seq[] = {
		{ 0x0, 0 }, { 0x0, 5 }, { 0x4, 0 }, { 0x4, 1 }, { 0x4, 2 },
		{ 0x4, 3 }, { 0x6, 7 }, { 0xa, 0 }, { 0x80000000, 0 },
		{ 0x80000002, 3 }, { 0x80000008, 0 }, { 0x3fffffff, 0 },
		{ 0x50000000, 0 }, { 0x1, 0 }, { 0xd, 1 }, { 0xd, 0 },
		{ 0x40000000, 0 }, { 0x80000003, 0 }, { 0x7, 0 }, { 0xb, 1 },
	};
	unsigned int n = sizeof(seq) / sizeof(seq[0]), hit = 0, wrong = 0;
	struct kn_cpuid r0[KN_DL1_MAX_Q];
	struct kn_dl1_delta d0, d1;
	bool armed;

	for (unsigned int i = 0; i < n; i++)
		hit += !!kn_deleg_find(g.pol.e, g.pol.n, seq[i].leaf, seq[i].sub);
	kn_accel_set(0);
	kn_dl1_queries(t, seq, n);
	kn_dl1_run(t, KN_DL2_SEQ, &d0);
	memcpy(r0, t->j->res, sizeof(r0));
	for (unsigned int i = 0; i < n; i++) {
		struct kn_cpuid e = kn_dl1_answer(&g.t, seq[i].leaf, seq[i].sub);

		if (memcmp(&e, &r0[i], sizeof(e))) {
			if (!wrong++)
				kn_diag("CPUID %#x.%u: %08x %08x %08x %08x, expected %08x %08x %08x %08x",
					seq[i].leaf, seq[i].sub, r0[i].eax, r0[i].ebx,
					r0[i].ecx, r0[i].edx, e.eax, e.ebx, e.ecx, e.edx);
		}
	}
	kn_ok(!wrong, "same answers: accel 0: %u CPUIDs answered from L1's table or its own way (%u wrong)",
	      n, wrong);
	kn_ok(d0.l1_cpuid == n && d0.ok && d0.delegated == 0,
	      "same answers: accel 0: L1 saw %lu of %u CPUIDs, ctx doll delegated %lu (expected 0)",
	      d0.l1_cpuid, n, d0.delegated);

	armed = warm(t, "same answers");
	kn_ok(armed, "same answers: delegation armed within %u warm-up rounds", KN_DL1_WARM_ROUNDS);
	kn_dl1_queries(t, seq, n);
	kn_dl1_run(t, KN_DL2_SEQ, &d1);
	wrong = 0;
	for (unsigned int i = 0; i < n; i++)
		if (memcmp(&r0[i], &t->j->res[i], sizeof(r0[i])) && !wrong++)
			kn_diag("CPUID %#x.%u with accel 1: %08x %08x %08x %08x, accel 0 gave %08x %08x %08x %08x",
				seq[i].leaf, seq[i].sub, t->j->res[i].eax, t->j->res[i].ebx,
				t->j->res[i].ecx, t->j->res[i].edx, r0[i].eax, r0[i].ebx,
				r0[i].ecx, r0[i].edx);
	kn_ok(!wrong, "same answers: accel 1 gives byte for byte what accel 0 gave (%u of %u differ)",
	      wrong, n);
	kn_ok(d1.ok && d1.delegated == hit,
	      "same answers: accel 1: ctx doll delegated %lu, expected %u (the policy's hits)",
	      d1.delegated, hit);
	kn_ok(d1.l1_cpuid == n - hit,
	      "same answers: accel 1: L1 saw %lu CPUIDs, expected %u (misses and leaves it keeps)",
	      d1.l1_cpuid, n - hit);
	kn_ok(d1.cpuid == n, "same answers: accel 1: ctx doll counted %lu CPUID exits, expected %u",
	      d1.cpuid, n);
}

/* 2. Exact counts. */
#define PLAN_COUNTS 14
static void counts(struct kn_dl1 *t, bool on)
{
	const char *m = on ? "accel 1" : "accel 0";
	unsigned long n = g.n;
	struct kn_dl1_delta d;

	if (on)
		warm(t, "exact counts");
	else
		kn_accel_set(0);
	burst(t, n, &d);
	kn_ok(d.ok && t->j->l2_bad == 0,
	      "exact counts: %s: %lu CPUIDs, %lu wrong answers", m, n, t->j->l2_bad);
	kn_ok(d.ok && d.delegated == (on ? n : 0),
	      "exact counts: %s: ctx doll delegated %lu, expected %lu", m, d.delegated, on ? n : 0);
	kn_ok(d.ok && d.reflected == (on ? 1 : n + 1),
	      "exact counts: %s: ctx doll reflected %lu, expected %lu", m, d.reflected,
	      on ? 1 : n + 1);
	kn_ok(d.ok && d.cpuid == n,
	      "exact counts: %s: ctx doll counted %lu CPUID exits, expected %lu", m, d.cpuid, n);
	kn_ok(d.l1_cpuid == (on ? 0 : n),
	      "exact counts: %s: L1 saw %lu CPUID exits, expected %lu", m, d.l1_cpuid, on ? 0 : n);
	kn_ok(d.ok && d.l1doll_cpuid == 0,
	      "exact counts: %s: L1 doll counted %lu CPUID exits, expected 0 (L1 makes none)",
	      m, d.l1doll_cpuid);
	kn_ok(d.ok && d.vmrun == (on ? 1 : n + 1),
	      "exact counts: %s: L1 doll counted %lu VMRUN/VMRESUME exits (%#x), expected %lu",
	      m, d.vmrun, kn_dl1_vmrun_code(), on ? 1 : n + 1);
}

/* 3. Consistency after delegated CPUIDs of every form. */
#define PLAN_FORMS 3
static void forms(struct kn_dl1 *t, bool on)
{
	static const struct kn_dl1_query q[KN_FORMS] = {
		{ 0x0, 0 }, { 0x4, 1 }, { 0x4, 3 }, { 0x6, 2 }, { 0x80000002, 1 },
		{ 0x80000008, 0 }, { 0xa, 0 }, { 0x3fffffff, 0 }, { 0x4, 0 },
		{ 0x80000000, 4 }, { 0x50000000, 9 },
	};
	struct kn_form_in *in = *KN_GUEST_VAR(&t->vm, kn_forms_in);
	uint64_t (*res)[4] = *KN_GUEST_VAR(&t->vm, kn_forms_res);
	const char *m = on ? "accel 1" : "accel 0";
	unsigned int wrong = 0, plain = 0;
	struct kn_dl1_delta d;

	for (unsigned int i = 0; i < KN_FORMS; i++) {
		plain += kn_forms_plain[i];
		in[i].rax = 0xdeadbeef00000000UL | q[i].leaf;
		in[i].rcx = 0xfeedface00000000UL | q[i].sub;
	}
	memset(res, 0, sizeof(kn_forms_res));
	if (on)
		warm(t, "consistency");
	else
		kn_accel_set(0);
	kn_dl1_run(t, KN_DL2_FORMS, &d);
	for (unsigned int i = 0; i < KN_FORMS; i++) {
		struct kn_cpuid e = kn_dl1_answer(&g.t, q[i].leaf, q[i].sub);
		const uint64_t want[4] = { e.eax, e.ebx, e.ecx, e.edx };

		if (memcmp(want, res[i], sizeof(want))) {
			wrong++;
			kn_diag("%s: form %s: %lx %lx %lx %lx, expected %lx %lx %lx %lx", m,
				kn_forms_name[i], res[i][0], res[i][1], res[i][2], res[i][3],
				want[0], want[1], want[2], want[3]);
		}
	}
	kn_ok(!wrong, "consistency: %s: %u CPUID forms answered, zero-extended (%u wrong)",
	      m, KN_FORMS, wrong);
	kn_ok(t->j->l1_hlt == 1 && !t->j->hlt_bad,
	      "consistency: %s: at the HLT L1 finds rip %#lx (expected %#lx), rsp %#lx (expected %#lx), failed checks %#x (rip 1 rsp 2 rax..rdx 4 canaries 8 shadow 16)",
	      m, t->j->hlt_rip, (uint64_t)kn_forms_hlt, t->j->hlt_rsp,
	      *KN_GUEST_VAR(&t->vm, kn_forms_rsp), t->j->hlt_bad);
	/* Forms past a minimal decoder may go either way, but not both. */
	if (on)
		kn_ok(d.ok && d.delegated >= plain && d.delegated + d.l1_cpuid == KN_FORMS,
		      "consistency: accel 1: delegated %lu (at least %u), L1 saw %lu; together %u",
		      d.delegated, plain, d.l1_cpuid, KN_FORMS);
	else
		kn_ok(d.ok && d.delegated == 0 && d.l1_cpuid == KN_FORMS,
		      "consistency: accel 0: delegated %lu, L1 saw %lu; expected 0 and %u",
		      d.delegated, d.l1_cpuid, KN_FORMS);
	kn_diag("consistency: %s: HLT at %#lx", m, t->j->hlt_rip);
}

/* 4. Revocation and replacement between batches of one run. */
#define PLAN_REVOKE 5
static void revocation(struct kn_dl1 *t)
{
	/* Per batch: G grant pol, g grant pol2 (L1 switches tables), r revoke, A revoke all. */
	static const char plan[KN_DL1_MAX_B + 1] = "GrGgAGrrGAgG";
	unsigned int m = 40, granted = 0, bad_ret = 0;
	unsigned long total = (unsigned long)m * KN_DL1_MAX_B;
	struct kn_dl1_delta d;

	if (!warm(t, "revocation"))
		kn_diag("revocation: continuing unarmed");
	/* Batch 0 runs under the policy in place: pol, table 0. */
	if (kn_dl1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &g.pol))
		kn_diag("revocation: granting the first policy failed");
	/* The schedule's buffers stay until the run is over. */
	kn_dl1_reset(t);
	for (unsigned int b = 0; b < KN_DL1_MAX_B; b++) {
		uint64_t ctx = plan[b] == 'A' ? 0 : t->ctx;
		uint32_t cls = plan[b] == 'G' || plan[b] == 'g' ? KVM_NEST_DELEG_CPUID : 0;
		uint32_t fl = plan[b] == 'A' ? KVM_NEST_DELEG_F_REVOKE_ALL : 0;
		const struct kn_dl1_table *tab = plan[b] == 'G' ? &g.pol : plan[b] == 'g' ? &g.pol2 : NULL;
		static uint8_t buf[KVM_NEST_CH_DELEGATE_MAX];
		size_t len = kn_deleg_put(buf, ctx, cls, fl, tab ? tab->e : NULL,
					  tab ? tab->n : 0);

		t->j->sched[b].gpa = kn_dl1_put(t, buf, len);
		t->j->sched[b].len = len;
		/* L1 answers from the table it granted last; a revoke keeps it. */
		t->j->sched[b].tab = plan[b] == 'g' ? 1 : plan[b] == 'G' ? 0 :
				     b ? t->j->sched[b - 1].tab : 0;
		t->j->sched_ret[b] = 0;
		granted += cls != 0;
	}
	t->j->cur = 0;
	kn_dl1_queries(t, hits, NHITS);
	t->j->n = m;
	t->j->batches = KN_DL1_MAX_B;
	kn_dl1_run(t, KN_DL2_BATCHES, &d);
	for (unsigned int b = 1; b < KN_DL1_MAX_B; b++)
		if (t->j->sched_ret[b]) {
			bad_ret++;
			kn_diag("revocation: batch %u: DELEGATE (%c) answered %ld", b, plan[b],
				t->j->sched_ret[b]);
		}
	kn_ok(!bad_ret, "revocation: L1's %u grants, revokes and revoke-alls mid-run all answered 0",
	      KN_DL1_MAX_B - 1);
	kn_ok(t->j->l2_bad == 0, "revocation: %lu CPUIDs in %u batches, %lu wrong answers",
	      total, KN_DL1_MAX_B, t->j->l2_bad);
	kn_ok(d.ok && d.delegated + d.l1_cpuid == total,
	      "revocation: delegated %lu + seen by L1 %lu == %lu CPUIDs", d.delegated,
	      d.l1_cpuid, total);
	kn_ok(d.ok && d.delegated == (unsigned long)m * granted,
	      "revocation: delegated %lu, expected %lu (%u granted batches of %u)",
	      d.delegated, (unsigned long)m * granted, granted, m);
	kn_ok(d.ok && d.cpuid == total && d.reflected == d.l1_cpuid + KN_DL1_MAX_B,
	      "revocation: ctx doll counted %lu CPUID exits (expected %lu), reflected %lu (expected %lu)",
	      d.cpuid, total, d.reflected, d.l1_cpuid + KN_DL1_MAX_B);
	t->j->cur = 0;
}

/* 4b. Revoke and grant from L1's other vCPU while L2 runs. */
#define PLAN_RACE 2
struct racer {
	struct kn_dl1 *t;
	struct kn_dl1_delta d;
	volatile int done;
};

static void *race_run(void *arg)
{
	struct racer *r = arg;

	kn_dl1_run(r->t, KN_DL2_BURST, &r->d);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* A DELEGATE buffer of its own, for the whole test. */
static uint64_t buffer(struct kn_dl1 *t, uint64_t ctx, uint32_t classes,
		       const struct kn_dl1_table *tab, uint64_t *len)
{
	static uint8_t buf[KVM_NEST_CH_DELEGATE_MAX];
	uint64_t gpa;

	*len = kn_deleg_put(buf, ctx, classes, 0, tab ? tab->e : NULL, tab ? tab->n : 0);
	gpa = kn_vm_alloc(&t->vm, *len);
	memcpy(kn_gpa(&t->vm, gpa, *len), buf, *len);
	return gpa;
}

static void race(struct kn_dl1 *t)
{
	static struct kn_hc_queue q;
	unsigned long n = 3000, revokes = 0, grants = 0, rbusy = 0, gbusy = 0;
	struct racer r = { .t = t };
	uint64_t g_gpa, g_len, r_gpa, r_len;
	pthread_t th;

	kn_hc_init(&q, &t->vm, 2, NULL);	/* vCPU 1: L1 making calls */
	g_gpa = buffer(t, t->ctx, KVM_NEST_DELEG_CPUID, &g.pol, &g_len);
	r_gpa = buffer(t, t->ctx, 0, NULL, &r_len);
	warm(t, "race");
	kn_dl1_queries(t, hits, NHITS);
	t->j->n = (uint32_t)n;
	if (pthread_create(&th, NULL, race_run, &r))
		kn_bail("pthread_create failed");
	while (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE)) {
		kn_hc_add(&q, KVM_NEST_HC, KVM_NEST_CH_DELEGATE, r_gpa, r_len);
		kn_hc_add(&q, KVM_NEST_HC, KVM_NEST_CH_DELEGATE, g_gpa, g_len);
		kn_hc_flush(&q);
		revokes += !q.calls[0].ret;
		grants += !q.calls[1].ret;
		rbusy += q.calls[0].ret == -KVM_NEST_EBUSY;
		gbusy += q.calls[1].ret == -KVM_NEST_EBUSY;
	}
	pthread_join(th, NULL);
	kn_hc_end(&q);
	kn_diag("race: meanwhile vCPU 1 revoked %lu and granted %lu times (refused busy: %lu and %lu)",
		revokes, grants, rbusy, gbusy);
	kn_ok(r.d.ok && !t->j->l2_bad && r.d.delegated + r.d.l1_cpuid == n,
	      "race: %lu CPUIDs, %lu wrong; delegated %lu + seen by L1 %lu == %lu",
	      n, t->j->l2_bad, r.d.delegated, r.d.l1_cpuid, n);
	kn_ok(r.d.ok && r.d.cpuid == n && r.d.reflected == r.d.l1_cpuid + 1,
	      "race: ctx doll counted %lu CPUID exits (expected %lu), reflected %lu (expected %lu)",
	      r.d.cpuid, n, r.d.reflected, r.d.l1_cpuid + 1);
	if (kn_dl1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &g.pol))
		kn_diag("race: granting the policy again failed");
}

/* 5. A hostile L1. */
#define PLAN_HOSTILE (KN_DLBAD_NR + 11)
#define FAKE_CTX(i) ((1UL << 32) + (i) * KN_PAGE_SIZE)
static void hostile(struct kn_dl1 *t, int64_t before_hello)
{
	static struct kn_dlbad c[KN_DLBAD_NR];
	unsigned int n = kn_dlbad_cases(c, t->ctx, t->vm.mem_size), base, first, ok, busy;
	struct kn_dl1_table one = { .n = 1 };
	struct kn_dl1_delta d;
	int64_t r;

	if (n != KN_DLBAD_NR)
		kn_bail("%u hostile cases, KN_DLBAD_NR says %u", n, KN_DLBAD_NR);
	kn_ok(before_hello == -KVM_NEST_EPROTO,
	      "hostile: DELEGATE before HELLO: %ld, expected %d", before_hello, -KVM_NEST_EPROTO);
	/*
	 * The policy every bad call aims at, and must leave alone. A call
	 * refused for the rate limit revokes what it names, by design: a full
	 * bucket first (the window is 1 s), so that none is.
	 */
	usleep(1100000);
	r = kn_dl1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &g.pol);
	kn_dl1_reset(t);
	for (unsigned int i = 0; i < n; i++)
		kn_dlbad_queue(t, &c[i]);
	busy = t->busy;
	kn_dl1_flush(t);
	busy = t->busy - busy;
	if (busy)
		kn_diag("hostile: %u bad calls met the rate limit, which revokes the policy they name",
			busy);
	for (unsigned int i = 0; i < n; i++) {
		int64_t got = t->j->calls[i].ret;

		kn_ok(got == c[i].err || got == c[i].alt, "hostile: %s: %ld, expected %ld%s",
		      c[i].what, got, c[i].err, c[i].alt != KN_DLBAD_NO_ALT ? " (or the other bound)" : "");
	}
	kn_ok(!r, "hostile: the policy every bad call aims at, granted first: %ld", r);
	/* Nothing changed: L0 still answers from L1's table, every time. */
	warm(t, "hostile");
	burst(t, 200, &d);
	kn_ok(d.ok && d.delegated == 200 && d.l1_cpuid == 0 && !t->j->l2_bad,
	      "hostile: after them the policy answers: delegated %lu of 200, L1 saw %lu, %lu wrong",
	      d.delegated, d.l1_cpuid, t->j->l2_bad);

	/* KVM_NEST_DELEG_MAX_CTX policies, ours among them, and not one more. */
	kn_dl1_reset(t);
	first = kn_dl1_queue_pol(t, 0, 0, KVM_NEST_DELEG_F_REVOKE_ALL, NULL);
	kn_dl1_queue_pol(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &g.pol);
	one.e[0] = kn_dlbad_entry(0x80000000, 0, 0);
	/* Contexts are only keys: these need not be anything's address. */
	for (unsigned int i = 1; i <= KVM_NEST_DELEG_MAX_CTX; i++)
		base = kn_dl1_queue_pol(t, FAKE_CTX(i), KVM_NEST_DELEG_CPUID, 0, &one);
	kn_dl1_queue_pol(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &g.pol);	/* base + 1 */
	kn_dl1_queue_pol(t, FAKE_CTX(1), 0, 0, NULL);				/* base + 2 */
	kn_dl1_queue_pol(t, FAKE_CTX(KVM_NEST_DELEG_MAX_CTX), KVM_NEST_DELEG_CPUID, 0,
			 &one);						/* base + 3 */
	kn_dl1_flush(t);
	ok = 0;
	for (unsigned int i = first; i < base; i++)
		ok += !t->j->calls[i].ret;
	kn_ok(ok == base - first, "hostile: REVOKE_ALL, then %u policies: %u of %u calls answered 0",
	      KVM_NEST_DELEG_MAX_CTX, ok, base - first);
	kn_ok(t->j->calls[base].ret == -KVM_NEST_ENOSPC,
	      "hostile: policy %u: %ld, expected %d", KVM_NEST_DELEG_MAX_CTX + 1,
	      t->j->calls[base].ret, -KVM_NEST_ENOSPC);
	kn_ok(!t->j->calls[base + 1].ret, "hostile: with %u policies, replacing ours: %ld, expected 0",
	      KVM_NEST_DELEG_MAX_CTX, t->j->calls[base + 1].ret);
	kn_ok(!t->j->calls[base + 2].ret && !t->j->calls[base + 3].ret,
	      "hostile: one revoked (%ld), then the extra policy fits (%ld)",
	      t->j->calls[base + 2].ret, t->j->calls[base + 3].ret);
	kn_diag("hostile: waited %u times for the rate limit", t->busy);

	/* REVOKE_ALL takes ours too: stock until granted again. */
	r = kn_dl1_delegate(t, 0, 0, KVM_NEST_DELEG_F_REVOKE_ALL, NULL);
	burst(t, 100, &d);
	kn_ok(!r && d.ok && d.delegated == 0 && d.l1_cpuid == 100 && !t->j->l2_bad,
	      "hostile: REVOKE_ALL (%ld): delegated %lu, L1 saw %lu of 100", r, d.delegated,
	      d.l1_cpuid);
	r = kn_dl1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &g.pol);
	burst(t, 200, &d);
	kn_ok(!r && d.ok && d.delegated == 200 && d.l1_cpuid == 0 && !t->j->l2_bad,
	      "hostile: granted again (%ld): delegated %lu of 200, L1 saw %lu, %lu wrong", r,
	      d.delegated, d.l1_cpuid, t->j->l2_bad);
	/* A new HELLO means a new kernel in the VM: its policies go. */
	r = kn_dl1_hello(t);
	burst(t, 100, &d);
	kn_ok(!r && d.ok && d.delegated == 0 && d.l1_cpuid == 100,
	      "hostile: HELLO again (%ld) drops the policy: delegated %lu, L1 saw %lu of 100",
	      r, d.delegated, d.l1_cpuid);
	r = kn_dl1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &g.pol);
	kn_ok(!r, "hostile: granted after the new HELLO: %ld", r);
}

/* 6a. L1 lets CPUID through: L0 answers as for L1 itself, never from the policy. */
#define PLAN_NOICPT 3
static void no_intercept(struct kn_dl1 *t)
{
	unsigned int n = NHITS, same = 0, fromt = 0;
	struct kn_dl1_delta d;

	if (kn_vendor != KN_AMD) {
		for (unsigned int i = 0; i < PLAN_NOICPT; i++)
			kn_skip("VMX: CPUID exits to L1 unconditionally");
		return;
	}
	warm(t, "no intercept");
	kn_dl1_queries(t, hits, n);
	kn_dl1_native(t);
	t->j->no_icpt = 1;
	kn_dl1_run(t, KN_DL2_SEQ, &d);
	t->j->no_icpt = 0;
	for (unsigned int i = 0; i < n; i++) {
		struct kn_cpuid e = kn_dl1_answer(&g.t, hits[i].leaf, hits[i].sub);

		same += !memcmp(&t->j->res[i], &t->j->native[i], sizeof(e));
		fromt += !memcmp(&t->j->res[i], &e, sizeof(e));
	}
	kn_ok(same == n, "no intercept: %u of %u L2 CPUIDs answered as L1's own", same, n);
	kn_ok(!fromt, "no intercept: %u of %u answered from the policy, expected 0", fromt, n);
	kn_ok(d.ok && d.delegated == 0 && d.l1_cpuid == 0 && d.cpuid == n,
	      "no intercept: delegated %lu, L1 saw %lu, ctx doll CPUID exits %lu; expected 0, 0, %u",
	      d.delegated, d.l1_cpuid, d.cpuid, n);
}

/* 7. KVM_GET/SET_NESTED_STATE between two bursts: the policy dies. */
#define PLAN_NSTATE 4
static struct {
	bool done;
	struct kn_nstate_info info;
} ns;

/* A new L1 at the same address: it answers from its other table. */
static void save_load(struct kn_dl1 *t)
{
	ns.done = kn_nstate_roundtrip(t->vcpu, &ns.info);
	t->j->cur = 1;
}

static void nested_state(struct kn_dl1 *t)
{
	unsigned long n = 200;
	struct kn_dl1_delta d;

	warm(t, "nested state");
	kn_dl1_queries(t, hits, NHITS);
	t->j->n = (uint32_t)n;
	kn_dl1_run_mid(t, KN_DL2_PAUSED, &d, save_load);
	if (!ns.done) {
		for (unsigned int i = 0; i < PLAN_NSTATE; i++)
			kn_skip("KVM has no KVM_CAP_NESTED_STATE");
		return;
	}
	kn_ok(ns.info.flags & KVM_STATE_NESTED_GUEST_MODE && ns.info.ctx == t->ctx,
	      "nested state: saved in guest mode (flags %#x) with vmcb12/vmcs12 %#lx (ours %#lx), %u bytes, loaded back",
	      ns.info.flags, ns.info.ctx, t->ctx, ns.info.size);
	kn_ok(d.ok && d.delegated == n && d.l1_cpuid == n && !t->j->l2_bad,
	      "nested state: delegated %lu before it (expected %lu), L1 saw %lu after it (expected %lu), %lu wrong answers",
	      d.delegated, n, d.l1_cpuid, n, t->j->l2_bad);
	if (!kn_ok(d.ok && d.cpuid == 2 * n && d.reflected == n + 1 && !d.l1doll_cpuid,
		   "nested state: ctx doll counted %lu CPUID exits (expected %lu), reflected %lu (expected %lu); L1 doll %lu CPUID exits (expected 0)",
		   d.cpuid, 2 * n, d.reflected, n + 1, d.l1doll_cpuid))
		kn_dl1_show_dolls(t);
	/* The new L1 delegates its own table, at the same address. */
	if (kn_dl1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &g.pol2))
		kn_diag("nested state: delegating the new table failed");
	burst(t, n, &d);
	kn_ok(d.ok && d.delegated == n && d.l1_cpuid == 0 && !t->j->l2_bad,
	      "nested state: the new table delegated: %lu of %lu answered by L0, L1 saw %lu, %lu wrong answers",
	      d.delegated, n, d.l1_cpuid, t->j->l2_bad);
	/* Back to the first table for what follows. */
	t->j->cur = 0;
	if (kn_dl1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0, &g.pol))
		kn_diag("nested state: delegating the first table again failed");
}

/* 6b. The same ctx address in another VM that has no policy. */
#define PLAN_OTHER 3
static void other_vm(struct kn_dl1 *a)
{
	static struct kn_dl1 b;
	struct kn_dl1_delta d;

	kn_dl1_start(&b, a->vm.mem_size + (8UL << 20), &g.t, &g.t2);
	kn_ok(b.ctx == a->ctx, "other VM: its vmcb12/vmcs12 is at %#lx too (ours: %#lx)",
	      b.ctx, a->ctx);
	kn_accel_set(1);
	b.j->nq = 0;
	kn_dl1_run(&b, KN_DL2_SEQ, NULL);
	burst(&b, 200, &d);
	kn_ok(d.ok && d.delegated == 0 && d.l1_cpuid == 200 && !b.j->l2_bad,
	      "other VM, no policy: delegated %lu, its L1 saw %lu of 200", d.delegated, d.l1_cpuid);
	burst(a, 200, &d);
	kn_ok(d.ok && d.delegated == 200 && d.l1_cpuid == 0,
	      "meanwhile ours: delegated %lu of 200, L1 saw %lu", d.delegated, d.l1_cpuid);
	kn_dl1_stop(&b);
}

/* 8. RDMSR. */
#define MSR_ALL		(KN_DL1_RD | KN_DL1_WR)
#define MSR_KEPT	0x345	/* L1 intercepts it but keeps it to itself */
#define MSR_WRITTEN	0x1a0

/*
 * L1's MSR policy: what it intercepts both ways, but MSR_KEPT; on SVM
 * also what it does not fully intercept, with values that are not L1's
 * answers, which L0 must never give.
 */
static void msr_tables(void)
{
	g.mpol = g.pol;
	for (unsigned int i = 0; i < kn_dl1_nr_msrs; i++) {
		const struct kn_dl1_msr *m = &kn_dl1_msrs[i];
		bool all = m->icpt == MSR_ALL && m->index != MSR_KEPT;

		if (!all && (m->icpt == MSR_ALL || kn_vendor != KN_AMD))
			continue;
		g.mpol.m[g.mpol.nm++] = (struct kvm_nest_ch_msr){
			.index = m->index, .value = all ? m->value : ~m->value,
		};
		g.msr_hits += all;
	}
}

static bool msr_delegable(uint32_t index)
{
	int i = kn_dl1_msr_find(index);

	return i >= 0 && kn_dl1_msrs[i].icpt == MSR_ALL && index != MSR_KEPT;
}

/* Whether L1 gets L2's reads of @index: VMX always (no MSR bitmap). */
static bool msr_l1_reads(uint32_t index)
{
	int i = kn_dl1_msr_find(index);

	return kn_vendor != KN_AMD || (i >= 0 && kn_dl1_msrs[i].icpt & KN_DL1_RD);
}

static void msr_queries(struct kn_dl1 *t, const uint32_t *q, unsigned int n)
{
	memcpy(t->j->mq, q, n * sizeof(*q));
	t->j->nmq = n;
}

static void msr_grant(struct kn_dl1 *t, const char *what)
{
	int64_t r = kn_dl1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID | KVM_NEST_DELEG_RDMSR,
				    0, &g.mpol);

	if (r)
		kn_diag("%s: granting CPUID and %u MSRs: %ld", what, g.mpol.nm, r);
}

#define PLAN_MSR_SAME 6
static void msr_same(struct kn_dl1 *t)
{
	static const uint32_t seq[] = {
		0xfe, 0x10a, 0x1a0, 0xc0011029, MSR_KEPT, 0xce, 0x8b, 0xfe, 0x1a0,
	};
	unsigned int n = sizeof(seq) / sizeof(seq[0]), hits = 0, icpt = 0, wrong = 0;
	uint64_t r0[KN_DL1_MAX_Q];
	struct kn_dl1_delta d0, d1;
	int g8b = kn_dl1_msr_find(0x8b), gce = kn_dl1_msr_find(0xce);

	for (unsigned int i = 0; i < n; i++) {
		hits += msr_delegable(seq[i]);
		icpt += msr_l1_reads(seq[i]);
	}
	msr_grant(t, "RDMSR same answers");
	kn_accel_set(0);
	msr_queries(t, seq, n);
	t->j->mcheck = 0;
	kn_dl1_run(t, KN_DL2_MSRS, &d0);
	memcpy(r0, t->j->mres, sizeof(r0));
	for (unsigned int i = 0; i < n; i++) {
		int k = kn_dl1_msr_find(seq[i]);

		if (msr_l1_reads(seq[i]) && r0[i] != kn_dl1_msrs[k].value && !wrong++)
			kn_diag("RDMSR %#x: %#lx, L1's answer is %#lx", seq[i], r0[i],
				kn_dl1_msrs[k].value);
	}
	kn_ok(!wrong, "RDMSR same answers: accel 0: %u RDMSRs, those L1 takes answered as L1 does (%u wrong)",
	      n, wrong);
	kn_ok(d0.ok && d0.l1_rdmsr == icpt && d0.delegated == 0,
	      "RDMSR same answers: accel 0: L1 saw %lu of %u RDMSRs (expected %u), delegated %lu (expected 0)",
	      d0.l1_rdmsr, n, icpt, d0.delegated);

	if (!warm(t, "RDMSR same answers"))
		kn_diag("RDMSR same answers: continuing unarmed");
	memcpy(t->j->mref, r0, sizeof(r0));
	t->j->mcheck = 1;
	kn_dl1_run(t, KN_DL2_MSRS, &d1);
	t->j->mcheck = 0;
	wrong = 0;
	for (unsigned int i = 0; i < n; i++)
		if (r0[i] != t->j->mres[i] && !wrong++)
			kn_diag("RDMSR %#x with accel 1: %#lx, accel 0 gave %#lx", seq[i],
				t->j->mres[i], r0[i]);
	kn_ok(!wrong && !t->j->l2_bad,
	      "RDMSR same answers: accel 1 gives byte for byte what accel 0 gave (L2 found %lu of %u differ, we %u)",
	      t->j->l2_bad, n, wrong);
	kn_ok(d1.ok && d1.delegated == hits,
	      "RDMSR same answers: accel 1: ctx doll delegated %lu, expected %u", d1.delegated, hits);
	kn_ok(d1.ok && d1.l1_rdmsr == icpt - hits && d1.msr == n,
	      "RDMSR same answers: accel 1: L1 saw %lu RDMSRs (expected %u), ctx doll counted %lu MSR exits (expected %u)",
	      d1.l1_rdmsr, icpt - hits, d1.msr, n);
	if (kn_vendor != KN_AMD) {
		kn_skip("VMX: our L1 has no MSR bitmap, it takes every RDMSR and WRMSR");
		return;
	}
	/* In the policy with other values: 0x8b not intercepted, 0xce not for writes. */
	kn_ok(t->j->mres[6] != ~kn_dl1_msrs[g8b].value && t->j->mres[6] == r0[6] &&
	      t->j->mres[5] == kn_dl1_msrs[gce].value,
	      "RDMSR not fully intercepted: 0x8b answered %#lx by L0 for L1 (the policy says %#lx), 0xce %#lx by L1 (the policy says %#lx)",
	      t->j->mres[6], ~kn_dl1_msrs[g8b].value, t->j->mres[5], ~kn_dl1_msrs[gce].value);
}

static const uint32_t msr_hits[] = { 0xfe, 0x10a, 0x1a0, 0xc0011029 };

static void msr_burst(struct kn_dl1 *t, const uint32_t *q, unsigned int nq,
		      unsigned long n, struct kn_dl1_delta *d)
{
	msr_queries(t, q, nq);
	t->j->n = (uint32_t)n;
	kn_dl1_run(t, KN_DL2_MSR_BURST, d);
}

#define PLAN_MSR_COUNTS 6
static void msr_counts(struct kn_dl1 *t, bool on)
{
	const char *m = on ? "accel 1" : "accel 0";
	unsigned long n = g.n;
	struct kn_dl1_delta d;

	if (on)
		warm(t, "RDMSR exact counts");
	else
		kn_accel_set(0);
	msr_burst(t, msr_hits, sizeof(msr_hits) / sizeof(msr_hits[0]), n, &d);
	kn_ok(d.ok && t->j->l2_bad == 0,
	      "RDMSR exact counts: %s: %lu RDMSRs, %lu wrong answers", m, n, t->j->l2_bad);
	kn_ok(d.ok && d.delegated == (on ? n : 0),
	      "RDMSR exact counts: %s: ctx doll delegated %lu, expected %lu", m, d.delegated,
	      on ? n : 0);
	kn_ok(d.ok && d.reflected == (on ? 1 : n + 1),
	      "RDMSR exact counts: %s: ctx doll reflected %lu, expected %lu", m, d.reflected,
	      on ? 1 : n + 1);
	kn_ok(d.ok && d.msr == n,
	      "RDMSR exact counts: %s: ctx doll counted %lu MSR exits, expected %lu", m, d.msr, n);
	kn_ok(d.l1_rdmsr == (on ? 0 : n),
	      "RDMSR exact counts: %s: L1 saw %lu RDMSR exits, expected %lu", m, d.l1_rdmsr,
	      on ? 0 : n);
	kn_ok(d.ok && d.vmrun == (on ? 1 : n + 1),
	      "RDMSR exact counts: %s: L1 doll counted %lu VMRUN/VMRESUME exits (%#x), expected %lu",
	      m, d.vmrun, kn_dl1_vmrun_code(), on ? 1 : n + 1);
}

#define PLAN_MSR_WRITE 4
static void msr_write(struct kn_dl1 *t)
{
	static const uint32_t others[] = { 0xfe, 0x10a, 0xc0011029 };
	static const uint32_t written[] = { MSR_WRITTEN };
	int k = kn_dl1_msr_find(MSR_WRITTEN);
	uint64_t v = 0x4b4e000077770001UL;
	struct kn_dl1_delta d;

	msr_grant(t, "RDMSR after WRMSR");
	warm(t, "RDMSR after WRMSR");
	msr_burst(t, written, 1, 10, &d);
	if (d.delegated != 10)
		kn_diag("RDMSR after WRMSR: before the write %lu of 10 delegated", d.delegated);
	t->j->wr_msr = MSR_WRITTEN;
	t->j->wr_val = v;
	kn_dl1_run(t, KN_DL2_MSR_WRITE, &d);
	kn_ok(d.ok && d.l1_wrmsr == 1 && t->j->mval[k] == v && d.l1_rdmsr == 1 &&
	      t->j->mres[0] == v,
	      "RDMSR after WRMSR: L1 saw %lu WRMSR (now %#lx) and %lu RDMSR, L2 read %#lx (expected %#lx)",
	      d.l1_wrmsr, t->j->mval[k], d.l1_rdmsr, t->j->mres[0], v);
	kn_ok(d.ok && d.delegated == 0 && d.reflected == 3,
	      "RDMSR after WRMSR: delegated %lu (expected 0), reflected %lu (expected 3: WRMSR, RDMSR, VMMCALL)",
	      d.delegated, d.reflected);
	msr_burst(t, written, 1, 50, &d);
	kn_ok(d.ok && d.delegated == 0 && d.l1_rdmsr == 50 && !t->j->l2_bad,
	      "RDMSR after WRMSR: %#x stays with L1: delegated %lu, L1 saw %lu of 50, %lu wrong",
	      MSR_WRITTEN, d.delegated, d.l1_rdmsr, t->j->l2_bad);
	msr_burst(t, others, sizeof(others) / sizeof(others[0]), 50, &d);
	kn_ok(d.ok && d.delegated == 50 && d.l1_rdmsr == 0 && !t->j->l2_bad,
	      "RDMSR after WRMSR: the other MSRs stay delegated: %lu of 50, L1 saw %lu, %lu wrong",
	      d.delegated, d.l1_rdmsr, t->j->l2_bad);
	t->j->mval[k] = kn_dl1_msrs[k].value;
}

int main(int argc, char **argv)
{
	static struct kn_dl1 a;
	int64_t early, r;
	int accel0;

	g.n = kn_dl1_arg_n(argc, argv, 1000);
	tables();
	kn_dl1_start(&a, KN_MEM_DEFAULT, &g.t, &g.t2);
	msr_tables();	/* needs the vendor */
	accel0 = kn_dl1_accel_keep();
	kn_plan(2 + PLAN_SAME + PLAN_COUNTS + 2 * PLAN_FORMS + PLAN_REVOKE +
		PLAN_RACE + PLAN_NOICPT + PLAN_NSTATE + PLAN_HOSTILE + PLAN_OTHER +
		PLAN_MSR_SAME + 2 * PLAN_MSR_COUNTS + PLAN_MSR_WRITE);
	kn_diag("%s, vmcb12/vmcs12 at %#lx, accel was %d", kn_vendor == KN_AMD ? "SVM" : "VMX",
		a.ctx, accel0);

	/* One round trip: L0 now has our ctx doll. */
	a.j->nq = 0;
	kn_dl1_run(&a, KN_DL2_SEQ, NULL);
	/* Before HELLO: judged with the hostile cases. */
	early = kn_dl1_delegate(&a, a.ctx, KVM_NEST_DELEG_CPUID, 0, &g.pol);
	r = kn_dl1_hello(&a);
	kn_ok(!r, "HELLO: %ld", r);
	r = kn_dl1_delegate(&a, a.ctx, KVM_NEST_DELEG_CPUID, 0, &g.pol);
	kn_ok(!r, "DELEGATE of L1's table minus the leaves it keeps (%u of %u entries): %ld",
	      g.pol.n, g.t.n, r);

	same_answers(&a);
	counts(&a, true);
	counts(&a, false);
	forms(&a, false);
	forms(&a, true);
	revocation(&a);
	race(&a);
	no_intercept(&a);
	nested_state(&a);
	msr_same(&a);
	msr_counts(&a, true);
	msr_counts(&a, false);
	msr_write(&a);
	hostile(&a, early);
	other_vm(&a);

	kn_dl1_stop(&a);
	kn_finish();
}
