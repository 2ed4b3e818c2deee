// SPDX-License-Identifier: GPL-2.0
/*
 * A delegation policy dies with the L1 hypervisor that registered it
 * (security.rst, "Policies that die with their kernel"). Our L1 delegates
 * its table for its vmcb12/vmcs12 and L0 answers L2's CPUIDs from it;
 * then that hypervisor ends and a new
 * one goes on at the same address, answering from another table:
 *  1. nested state saved and loaded back (KVM_GET/SET_NESTED_STATE)
 *     while L2 waits between two bursts, as QEMU does at reset, loadvm
 *     and incoming migration;
 *  2. L1 clears EFER.SVME (SVM) or executes VMXOFF (VMX), then enters SVM
 *     or VMX operation again and sets up its L2 anew;
 *  3. INIT of L1's vCPU, latched by the host as QEMU does when it loads
 *     a vCPU's events: on SVM, with GIF set as a hypervisor leaves it
 *     between VMRUNs, KVM resets the vCPU (the host then loads its
 *     registers back); on VMX, INIT is blocked in VMX root operation
 *     (SDM vol. 3C, 26.2), nothing ends, and the policy must live on.
 * After an end, every CPUID of the new L2 reaches L1 until the new L1
 * delegates its own table; then L0 answers with that table's values.
 * First, though, the same kernel after a reset, as after loadvm: L0,
 * having dropped its policy unasked, tells L1 (a command it fetches, no
 * HELLO) to send its grants again, and L0 answers again once it has; 20
 * resets in a row make one such command at once and one more a second
 * later, no more (delegation.rst, "After a reset").
 * Shared set-up: kn_deleg_scene.h.
 */
#include <string.h>
#include <unistd.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "kn_deleg_scene.h"
#include "kn_genl.h"
#include "kn_nested_state.h"
#include "kn_nla.h"
#include "kn_tap.h"

/* A burst of kn_scene.n: all answered by L0 (@by_l0) or all by L1, none wrong. */
static void expect(struct kn_deleg_l1 *t, bool by_l0, const char *what, const char *when)
{
	unsigned long n = kn_scene.n, want_l0 = by_l0 ? n : 0;
	struct kn_deleg_l1_delta d;

	kn_scene_burst(t, n, &d);
	if (!kn_ok(d.ok && d.delegated == want_l0 && d.l1_cpuid == n - want_l0 &&
		   !t->j->l2_bad,
		   "%s: %s: L0 answered %lu of %lu CPUIDs (expected %lu), L1 saw %lu, %lu wrong answers",
		   what, when, d.delegated, n, want_l0, d.l1_cpuid, t->j->l2_bad))
		kn_deleg_l1_show_dolls(t);
}

/* The new L1 delegates its own table; L0 then answers from it. */
#define PLAN_NEW_TABLE 2
static void new_table(struct kn_deleg_l1 *t, const char *what)
{
	int64_t r = kn_scene_grant(t, &kn_scene.tt.pol2);

	kn_ok(!r, "%s: the new L1 delegates its own table at the same address: %ld", what, r);
	expect(t, true, what, "the new table delegated");
	if (kn_scene_grant(t, &kn_scene.tt.pol))
		kn_diag("%s: delegating the first table again failed", what);
}

/* The resend commands of one FETCH by L1: how many, the last's cookie. */
struct resends {
	unsigned int n, other;
	uint64_t cookie;
	uint32_t id;
};

static void resends_of(const void *buf, size_t len, struct resends *r)
{
	kn_nla_for_each(a, buf, len) {
		uint32_t op = 0;

		if (kn_nla_type(a) != KVM_NEST_CH_A_CMD)
			continue;
		kn_nla_for_each(c, kn_nla_data(a), kn_nla_len(a)) {
			const void *v = kn_nla_data(c);

			if (kn_nla_type(c) == KVM_NEST_A_DOLL_COOKIE)
				memcpy(&r->cookie, v, 8);
			else if (kn_nla_type(c) == KVM_NEST_CH_A_OP)
				memcpy(&op, v, 4);
			else if (kn_nla_type(c) == KVM_NEST_A_DOLL_ID)
				memcpy(&r->id, v, 4);
		}
		if (op == KVM_NEST_CH_OP_DELEG_RESEND)
			r->n++;
		else
			r->other++;
	}
}

/* L1 fetches every 50 ms for @ms at most, until a command comes. */
static struct resends fetch(struct kn_deleg_l1 *t, unsigned int ms)
{
	static uint8_t answer[KVM_NEST_CH_FETCH_MAX];
	struct resends r = { 0 };
	uint64_t gpa;
	int64_t len;

	for (unsigned int i = 0; i <= ms / 50; i++) {
		kn_deleg_l1_reset(t);
		gpa = kn_deleg_l1_put(t, answer, sizeof(answer));
		len = kn_deleg_l1_call(t, KVM_NEST_CH_FETCH, gpa, KVM_NEST_CH_FETCH_MAX);
		if (len > 0)
			resends_of(kn_gpa(&t->vm, gpa, (size_t)len), (size_t)len, &r);
		if (r.n || r.other || i == ms / 50)
			break;
		usleep(50000);
	}
	return r;
}

/* L1 answers the command: done. */
static int64_t reply(struct kn_deleg_l1 *t, uint64_t cookie)
{
	static uint8_t buf[64];
	struct kn_nla b;

	kn_nla_init(&b, buf, sizeof(buf));
	kn_nla_u64(&b, KVM_NEST_A_DOLL_COOKIE, cookie);
	kn_nla_u32(&b, KVM_NEST_A_DOLL_ERROR, 0);
	kn_nla_u32(&b, KVM_NEST_A_DOLL_HOPS, 0);
	kn_deleg_l1_reset(t);
	return kn_deleg_l1_call(t, KVM_NEST_CH_REPLY, kn_deleg_l1_put(t, buf, b.len), b.len);
}

/*
 * The same L1 after its nested state was loaded back: L0 asks it to send
 * its grants again, it does, and L0 answers from them; no HELLO.
 */
#define PLAN_RESEND 7
static void resend(struct kn_deleg_l1 *t)
{
	const char *what = "the same L1 after a reset";
	struct kn_nested_state_info info;
	struct resends r;
	int64_t g, rr;

	kn_ok(kn_scene_warm(t, what), "%s: delegation armed", what);
	if (!kn_nested_state_roundtrip(t->vcpu, &info)) {
		for (unsigned int i = 1; i < PLAN_RESEND; i++)
			kn_skip("KVM has no KVM_CAP_NESTED_STATE");
		return;
	}
	expect(t, false, what, "L0 dropped the policy");
	r = fetch(t, 5000);
	kn_ok(r.n == 1 && !r.other && !r.id,
	      "%s: L1 fetched %u resend commands (expected 1, doll id %u, 0 expected) and %u others",
	      what, r.n, r.id, r.other);
	/* Only when asked, as a kernel that knows nothing of the reset. */
	g = r.n ? kn_scene_grant(t, &kn_scene.tt.pol) : -1;
	rr = r.n ? reply(t, r.cookie) : -1;
	kn_ok(!g && !rr, "%s: L1 delegated its table again (%ld) and answered the command (%ld)",
	      what, (long)g, (long)rr);
	expect(t, true, what, "L1 sent its grants again, without a HELLO");

	/* A loop of resets: one command at once, one more a second later. */
	for (int i = 0; i < 20; i++)
		kn_nested_state_roundtrip(t->vcpu, &info);
	r = fetch(t, 5000);
	rr = r.n ? reply(t, r.cookie) : -1;
	kn_ok(r.n == 1 && !r.other && !rr,
	      "20 resets in a row: L1 fetched %u resend commands at once (expected 1) and %u others, answered %ld",
	      r.n, r.other, (long)rr);
	r = fetch(t, 3000);
	rr = r.n ? reply(t, r.cookie) : -1;
	sleep(2);
	{
		struct resends r2 = fetch(t, 0);

		kn_ok(r.n == 1 && !rr && !r2.n && !r2.other,
		      "within 3 s one more, for the resets it folded (%u, answered %ld), then none for 2 s (%u)",
		      r.n, (long)rr, r2.n);
	}
	if (kn_scene_grant(t, &kn_scene.tt.pol))
		kn_diag("%s: delegating the table again failed", what);
}

#define PLAN_NSTATE (2 + PLAN_NEW_TABLE)
static struct kn_nested_state_info ns_info;
static bool ns_done;

/* The new L1 at the same address answers from its other table. */
static void save_load(struct kn_deleg_l1 *t)
{
	ns_done = kn_nested_state_roundtrip(t->vcpu, &ns_info);
	t->j->cur = 1;
}

static void nested_state(struct kn_deleg_l1 *t)
{
	const char *what = "nested state";
	unsigned long n = kn_scene.n;
	struct kn_deleg_l1_delta d;

	kn_scene_warm(t, what);
	kn_deleg_l1_queries(t, kn_scene_hits, KN_SCENE_NHITS);
	t->j->n = (uint32_t)n;
	kn_deleg_l1_run_mid(t, KN_DELEG_L2_PAUSED, &d, save_load);
	if (!ns_done) {
		for (unsigned int i = 0; i < PLAN_NSTATE; i++)
			kn_skip("KVM has no KVM_CAP_NESTED_STATE");
		return;
	}
	kn_ok(ns_info.flags & KVM_STATE_NESTED_GUEST_MODE && ns_info.ctx == t->ctx,
	      "%s: saved in guest mode (flags %#x) with vmcb12/vmcs12 %#lx (ours %#lx), %u bytes, loaded back",
	      what, ns_info.flags, ns_info.ctx, t->ctx, ns_info.size);
	if (!kn_ok(d.ok && d.delegated == n && d.l1_cpuid == n && !t->j->l2_bad &&
		   d.cpuid == 2 * n && d.reflected == n + 1 && !d.l1doll_cpuid,
		   "%s: L0 answered %lu before it and L1 saw %lu after it (expected %lu each), %lu wrong; ctx doll counted %lu CPUID exits (expected %lu), reflected %lu (expected %lu); L1 doll %lu CPUID exits (expected 0)",
		   what, d.delegated, d.l1_cpuid, n, t->j->l2_bad, d.cpuid, 2 * n,
		   d.reflected, n + 1, d.l1doll_cpuid))
		kn_deleg_l1_show_dolls(t);
	new_table(t, what);
}

#define PLAN_OFF (3 + 1 + PLAN_NEW_TABLE)
static void off_on(struct kn_deleg_l1 *t)
{
	const char *what = kn_vendor == KN_AMD ? "EFER.SVME off and on" : "VMXOFF and VMXON";

	kn_ok(kn_scene_warm(t, what), "%s: delegation armed", what);
	expect(t, true, what, "before");
	kn_ok(kn_deleg_l1_reinit(t, true), "%s: L1 set up its L2 again at %#lx (now %#lx)", what,
	      t->ctx, t->j->ctx_now);
	t->j->cur = 1;
	expect(t, false, what, "the policy died with its L1");
	new_table(t, what);
}

#define PLAN_INIT (3 + 1 + PLAN_NEW_TABLE)
static void init_signal(struct kn_deleg_l1 *t)
{
	const char *what = "INIT";
	bool reset;

	kn_ok(kn_scene_warm(t, what), "%s: delegation armed", what);
	expect(t, true, what, "before");
	if (kn_vendor == KN_AMD)
		kn_deleg_l1_stgi(t);
	reset = kn_vcpu_init_signal(t->vcpu);
	if (kn_vendor != KN_AMD) {
		kn_ok(!reset, "%s: blocked in VMX root operation: the vCPU was not reset", what);
		for (unsigned int i = 0; i < PLAN_NEW_TABLE; i++)
			kn_skip("%s blocked in VMX root operation: the hypervisor did not end", what);
		expect(t, true, what, "blocked, the policy lives on");
		return;
	}
	kn_ok(reset, "%s: the vCPU was reset (L1 outside guest mode with GIF set)", what);
	if (!kn_deleg_l1_reinit(t, false))
		kn_diag("%s: L1's new L2 is at %#lx, not %#lx", what, t->j->ctx_now, t->ctx);
	t->j->cur = 1;
	expect(t, false, what, "the policy died with its L1");
	new_table(t, what);
}

int main(int argc, char **argv)
{
	struct kn_deleg_l1 *t = kn_scene_begin(argc, argv, 500,
					       PLAN_RESEND + PLAN_NSTATE + PLAN_OFF + PLAN_INIT,
					       true);

	resend(t);
	nested_state(t);
	off_on(t);
	init_signal(t);
	kn_scene_end();
}
