// SPDX-License-Identifier: GPL-2.0
/*
 * A delegation policy dies with the L1 hypervisor that registered it
 * (issue 10, section 6). Our L1 delegates its table for its vmcb12/vmcs12
 * and L0 answers L2's CPUIDs from it; then that hypervisor ends and a new
 * one starts at the same address, answering from another table:
 *  1. off and on: L1 clears EFER.SVME (SVM) or executes VMXOFF (VMX),
 *     then enters SVM or VMX operation again;
 *  2. INIT of L1's vCPU, latched by the host as QEMU does when it loads
 *     a vCPU's events: on SVM, with GIF set as a hypervisor leaves it
 *     between VMRUNs, KVM resets the vCPU (the host then loads its
 *     registers back); on VMX, INIT is blocked in VMX root operation
 *     (SDM vol. 3C, 26.2), nothing ends, and the policy must live on.
 * After an end, every CPUID of the new L2 reaches L1 until the new L1
 * delegates its own table; then L0 answers with that table's values.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "kn_dl1.h"
#include "kn_nstate.h"
#include "kn_tap.h"

static struct {
	unsigned long n;
	struct kn_dl1_tables tt;
} g;

static const struct kn_dl1_query hits[] = {
	{ 0x0, 0 }, { 0x4, 1 }, { 0x80000000, 0 }, { 0x80000002, 0 },
	{ 0x80000008, 7 },
};
#define NHITS (sizeof(hits) / sizeof(hits[0]))

/* A burst of g.n: all answered by L0 (@by_l0) or all by L1, none wrong. */
static bool expect(struct kn_dl1 *t, bool by_l0, const char *what, const char *when)
{
	unsigned long want_l0 = by_l0 ? g.n : 0;
	struct kn_dl1_delta d;
	bool ok;

	kn_dl1_burst(t, hits, NHITS, g.n, &d);
	ok = kn_ok(d.ok && d.delegated == want_l0 && d.l1_cpuid == g.n - want_l0 &&
		   !t->j->l2_bad,
		   "%s: %s: L0 answered %lu of %lu CPUIDs (expected %lu), L1 saw %lu, %lu wrong answers",
		   what, when, d.delegated, g.n, want_l0, d.l1_cpuid, t->j->l2_bad);
	if (!ok)
		kn_dl1_show_dolls(t);
	return ok;
}

/* L1 delegates table @tab (0: g.tt.pol, 1: g.tt.pol2) and answers from it. */
static int64_t use_table(struct kn_dl1 *t, unsigned int tab)
{
	t->j->cur = tab;
	return kn_dl1_delegate(t, t->ctx, KVM_NEST_DELEG_CPUID, 0,
			       tab ? &g.tt.pol2 : &g.tt.pol);
}

/* The new hypervisor's part, after the old one ended. */
#define PLAN_NEW 3
static void new_hypervisor(struct kn_dl1 *t, const char *what)
{
	int64_t r;

	t->j->cur = 1;
	expect(t, false, what, "the policy died with its L1");
	r = use_table(t, 1);
	kn_ok(!r, "%s: the new L1 delegates its own table at the same address: %ld", what, r);
	expect(t, true, what, "the new table delegated");
	if (use_table(t, 0))
		kn_diag("%s: delegating the first table again failed", what);
}

#define PLAN_OFF (3 + PLAN_NEW)
static void off_on(struct kn_dl1 *t)
{
	const char *what = kn_vendor == KN_AMD ? "EFER.SVME off and on" : "VMXOFF and VMXON";

	kn_ok(kn_dl1_warm(t, hits, NHITS), "%s: delegation armed", what);
	expect(t, true, what, "before");
	kn_ok(kn_dl1_reinit(t, true), "%s: L1 set up its L2 again at %#lx (now %#lx)", what,
	      t->ctx, t->j->ctx_now);
	new_hypervisor(t, what);
}

#define PLAN_INIT (3 + PLAN_NEW)
static void init_signal(struct kn_dl1 *t)
{
	const char *what = "INIT";
	bool reset;

	kn_ok(kn_dl1_warm(t, hits, NHITS), "%s: delegation armed", what);
	expect(t, true, what, "before");
	if (kn_vendor == KN_AMD)
		kn_dl1_stgi(t);
	reset = kn_vcpu_init_signal(t->vcpu);
	if (kn_vendor == KN_AMD) {
		kn_ok(reset, "%s: the vCPU was reset (L1 outside guest mode with GIF set)", what);
		if (!kn_dl1_reinit(t, false))
			kn_diag("%s: L1's new L2 is at %#lx, not %#lx", what, t->j->ctx_now, t->ctx);
		new_hypervisor(t, what);
		return;
	}
	kn_ok(!reset, "%s: blocked in VMX root operation: the vCPU was not reset", what);
	for (unsigned int i = 0; i < PLAN_NEW - 1; i++)
		kn_skip("%s blocked in VMX root operation: the hypervisor did not end", what);
	expect(t, true, what, "blocked, the policy lives on");
}

int main(int argc, char **argv)
{
	static struct kn_dl1 a;
	int64_t r;

	g.n = kn_dl1_arg_n(argc, argv, 500);
	kn_dl1_tables(&g.tt);
	kn_dl1_start_irqchip(&a, KN_MEM_DEFAULT, &g.tt.t, &g.tt.t2);
	kn_dl1_accel_keep();
	kn_plan(2 + PLAN_OFF + PLAN_INIT);
	kn_diag("%s, vmcb12/vmcs12 at %#lx, %lu CPUIDs a burst",
		kn_vendor == KN_AMD ? "SVM" : "VMX", a.ctx, g.n);
	a.j->nq = 0;
	kn_dl1_run(&a, KN_DL2_SEQ, NULL);
	r = kn_dl1_hello(&a);
	kn_ok(!r, "HELLO: %ld", r);
	r = use_table(&a, 0);
	kn_ok(!r, "DELEGATE of L1's table: %ld", r);

	off_on(&a);
	init_signal(&a);

	kn_dl1_stop(&a);
	kn_finish();
}
