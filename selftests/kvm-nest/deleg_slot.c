// SPDX-License-Identifier: GPL-2.0
/*
 * Deep delegation, L0's side (delegation.rst, "At any depth"), with our
 * test L1 as the middle kernel: it forwards a policy for a made-up inner
 * VM 7 and its context INNER, registers a slot for its own vmcb12/vmcs12
 * and (through this program, its VMM) writes the slot, saying that the
 * inner VM's guest runs there. L0 must answer L2's CPUIDs from that
 * policy only while the slot is whole and names it, and never when it
 * is torn, names another context, VM or class, or was dropped; bad SLOT
 * calls are refused. Then RDMSR: the policy holds L1's MSRs too, and L0
 * answers L2's reads of one only while the slot lists it, well formed;
 * L2's write of a listed MSR drops it from the policy at L0. Runs on
 * either vendor: only L0 reads slots.
 */
#include <string.h>
#include <unistd.h>

#include "kn_deleg_scene.h"
#include "kn_tap.h"

#define INNER		7
#define INNER_CTX	0x7654000ULL

static struct kvm_nest_ch_slot *slot;
static uint64_t slot_gpa;

/* A burst: L0 answers all (@by_l0) or none, and none is wrong. */
static void expect(struct kn_deleg_l1 *t, bool by_l0, const char *what)
{
	unsigned long n = kn_scene.n, want = by_l0 ? n : 0;
	struct kn_deleg_l1_delta d;

	kn_scene_burst(t, n, &d);
	if (!kn_ok(d.ok && d.delegated == want && d.l1_cpuid == n - want && !t->j->l2_bad,
		   "%s: L0 answered %lu of %lu CPUIDs (expected %lu), L1 saw %lu, %lu wrong",
		   what, d.delegated, n, want, d.l1_cpuid, t->j->l2_bad))
		kn_deleg_l1_show_dolls(t);
}

/* The slot as an honest middle kernel writes it, for L1's context. */
static void honest(struct kn_deleg_l1 *t)
{
	*slot = (struct kvm_nest_ch_slot){ .seq = 2, .seq_end = 2, .inner = INNER,
		.ctx = t->ctx, .inner_ctx = INNER_CTX, .classes = KVM_NEST_DELEG_CPUID };
}

struct lie {
	const char *what;
	void (*apply)(struct kvm_nest_ch_slot *s);
};

static void torn(struct kvm_nest_ch_slot *s) { s->seq = 3; s->seq_end = 3; }
static void unequal(struct kvm_nest_ch_slot *s) { s->seq_end = 4; }
static void other_ctx(struct kvm_nest_ch_slot *s) { s->ctx += 0x1000; }
static void no_inner(struct kvm_nest_ch_slot *s) { s->inner = 0; }
static void other_inner(struct kvm_nest_ch_slot *s) { s->inner = INNER + 1; }
static void huge_inner(struct kvm_nest_ch_slot *s) { s->inner = 0xffffffff; }
static void other_inner_ctx(struct kvm_nest_ch_slot *s) { s->inner_ctx += 0x1000; }
static void odd_inner_ctx(struct kvm_nest_ch_slot *s) { s->inner_ctx += 8; }
static void pause_only(struct kvm_nest_ch_slot *s) { s->classes = KVM_NEST_DELEG_PAUSE; }

static const struct lie lies[] = {
	{ "seq odd (being written)", torn },
	{ "seq_end not seq", unequal },
	{ "another context", other_ctx },
	{ "inner 0", no_inner },
	{ "another inner VM", other_inner },
	{ "inner 2^32 - 1", huge_inner },
	{ "another inner context", other_inner_ctx },
	{ "inner context not aligned", odd_inner_ctx },
	{ "the inner VM does not intercept CPUID", pause_only },
};
#define NLIES (sizeof(lies) / sizeof(lies[0]))

/* RDMSR: the MSR L2 reads, the policy's MSRs and the slot's honest list. */
#define MSR_READ	0x10a
static const uint32_t listed[] = { 0xfe, MSR_READ, KN_SCENE_MSR_WRITTEN, 0xc0011029 };
#define NLISTED (sizeof(listed) / sizeof(listed[0]))
static struct kn_deleg_l1_table ipol;	/* pol2 and L1's MSRs */

/* A burst of reads of @msr: L0 answers all (@by_l0) or none, none wrong. */
static void expect_msr(struct kn_deleg_l1 *t, uint32_t msr, bool by_l0, const char *what)
{
	unsigned long n = kn_scene.n, want = by_l0 ? n : 0;
	struct kn_deleg_l1_delta d;

	kn_scene_msr_burst(t, &msr, 1, n, &d);
	if (!kn_ok(d.ok && d.delegated == want && d.l1_rdmsr == n - want && !t->j->l2_bad,
		   "RDMSR, %s: L0 answered %lu of %lu reads of %#x (expected %lu), L1 saw %lu, %lu wrong",
		   what, d.delegated, n, msr, want, d.l1_rdmsr, t->j->l2_bad))
		kn_deleg_l1_show_dolls(t);
}

/* The honest slot, saying that the inner VM intercepts reads of listed[]. */
static void honest_msr(struct kn_deleg_l1 *t)
{
	honest(t);
	slot->classes |= KVM_NEST_DELEG_RDMSR;
	slot->nr_msr = NLISTED;
	memcpy(slot->msr, listed, sizeof(listed));
}

struct msr_lie {
	const char *what;
	void (*apply)(struct kvm_nest_ch_slot *s);
	uint32_t msr;		/* what L2 reads */
};

static void left_out(struct kvm_nest_ch_slot *s)
{
	s->msr[1] = s->msr[2];
	s->msr[2] = s->msr[3];
	s->nr_msr--;
}
static void no_rdmsr(struct kvm_nest_ch_slot *s) { s->classes &= ~KVM_NEST_DELEG_RDMSR; }
static void not_held(struct kvm_nest_ch_slot *s) { s->msr[2] = KN_SCENE_MSR_KEPT; }
static void too_many(struct kvm_nest_ch_slot *s)
{
	static const uint32_t all[KVM_NEST_SLOT_MSRS] = {
		0xfe, MSR_READ, 0x1a0, 0x345, 0x480, 0x481, 0xc0011029 };

	memcpy(s->msr, all, sizeof(all));
	s->nr_msr = KVM_NEST_SLOT_MSRS + 1;
}
static void twice(struct kvm_nest_ch_slot *s) { s->msr[2] = MSR_READ; }
static void garbage(struct kvm_nest_ch_slot *s) { s->msr[2] = 0xdeadbeef; s->nr_msr = 3; }
static void unsorted(struct kvm_nest_ch_slot *s) { s->msr[0] = MSR_READ; s->msr[1] = 0xfe; }
static void seq_torn(struct kvm_nest_ch_slot *s) { s->seq_end = 4; }

static const struct msr_lie msr_lies[] = {
	{ "the MSR left out of the list", left_out, MSR_READ },
	{ "listed without the RDMSR class", no_rdmsr, MSR_READ },
	{ "an MSR the policy does not hold", not_held, KN_SCENE_MSR_KEPT },
	{ "a list longer than KVM_NEST_SLOT_MSRS", too_many, MSR_READ },
	{ "the MSR listed twice", twice, MSR_READ },
	{ "a garbage index in the list", garbage, MSR_READ },
	{ "a list out of order", unsorted, MSR_READ },
	{ "seq_end not seq", seq_torn, MSR_READ },
};
#define NMLIES (sizeof(msr_lies) / sizeof(msr_lies[0]))

/*
 * L2 writes a listed MSR: L0 drops it from the inner policy before L1
 * sees the write, so its reads go to L1 though the slot lists it still.
 */
static void msr_write(struct kn_deleg_l1 *t)
{
	int k = kn_deleg_l1_msr_find(KN_SCENE_MSR_WRITTEN);
	uint64_t v = 0x4b4e000077770002UL;
	struct kn_deleg_l1_delta d;

	honest_msr(t);
	t->j->wr_msr = KN_SCENE_MSR_WRITTEN;
	t->j->wr_val = v;
	kn_deleg_l1_run(t, KN_DELEG_L2_MSR_WRITE, &d);
	kn_ok(d.ok && d.l1_wrmsr == 1 && d.l1_rdmsr == 1 && t->j->mres[0] == v && !d.delegated,
	      "RDMSR: L2 wrote %#x, L1 saw %lu WRMSR and %lu RDMSR, L0 answered %lu, L2 read %#lx (expected %#lx)",
	      KN_SCENE_MSR_WRITTEN, d.l1_wrmsr, d.l1_rdmsr, d.delegated, t->j->mres[0], v);
	expect_msr(t, KN_SCENE_MSR_WRITTEN, false, "written, still listed");
	expect_msr(t, MSR_READ, true, "another MSR after the write");
	t->j->mval[k] = kn_deleg_l1_msrs[k].value;
}

/* SLOT for a made-up context @i of L1, waiting out the rate limit. */
static int64_t slot_at(struct kn_deleg_l1 *t, unsigned int i, uint64_t gpa)
{
	uint64_t ctx = (1ULL << 32) + (uint64_t)i * KN_PAGE_SIZE;
	int64_t r;

	while ((r = kn_deleg_l1_call(t, KVM_NEST_CH_SLOT, ctx, gpa)) == -KVM_NEST_EBUSY)
		usleep(20000);
	return r;
}

/* With one slot registered: room for KVM_NEST_SLOT_MAX, counted exactly. */
static void slot_bound(struct kn_deleg_l1 *t)
{
	unsigned int i;
	int64_t r = 0;

	for (i = 0; i < KVM_NEST_SLOT_MAX - 1 && !r; i++)
		r = slot_at(t, i, slot_gpa);
	kn_ok(!r, "%u more slots registered, %d in all: %ld", i, KVM_NEST_SLOT_MAX, r);
	r = slot_at(t, KVM_NEST_SLOT_MAX, slot_gpa);
	kn_ok(r == -KVM_NEST_ENOSPC, "slot %d refused: %ld (expected %d)",
	      KVM_NEST_SLOT_MAX + 1, r, -KVM_NEST_ENOSPC);
	r = slot_at(t, 0, slot_gpa + 64);
	kn_ok(!r, "an existing context's slot moved, at the bound: %ld", r);
	r = slot_at(t, 1, 0);
	r = r ?: slot_at(t, KVM_NEST_SLOT_MAX, slot_gpa);
	kn_ok(!r, "one slot dropped, then a new context fits: %ld", r);
}

struct bad_call {
	const char *what;
	uint64_t ctx, gpa;
};

#define PLAN (4 + NLIES + 1 + 3 + NMLIES + 1 + 3 + 5 + 1 + 2 + 3 + 4)

int main(int argc, char **argv)
{
	struct kn_deleg_l1 *t = kn_scene_begin(argc, argv, 300, PLAN, true);
	int64_t r;

	slot_gpa = kn_vm_alloc(&t->vm, KN_PAGE_SIZE);
	slot = kn_gpa(&t->vm, slot_gpa, sizeof(*slot));

	const struct bad_call bad[] = {
		{ "context 0", 0, slot_gpa },
		{ "context not 4 KiB aligned", t->ctx + 8, slot_gpa },
		{ "context past 2^52", 1ULL << 52, slot_gpa },
		{ "slot not 64-byte aligned", t->ctx, slot_gpa + 8 },
		{ "slot past 2^52", t->ctx, 1ULL << 52 },
	};

	kn_scene_warm(t, "set-up");
	/* Only the inner policy may answer from now on. */
	r = kn_deleg_l1_delegate(t, t->ctx, 0, 0, NULL);
	kn_ok(!r, "L1 revokes its own policy: %ld", r);
	t->j->cur = 1;	/* L1 and the checks answer from pol2 */
	r = kn_deleg_l1_delegate_inner(t, INNER, INNER_CTX, KVM_NEST_DELEG_CPUID, &kn_scene.tt.pol2);
	kn_ok(!r, "L1 forwards pol2 for inner VM %d, context %#llx: %ld", INNER, INNER_CTX, r);
	r = kn_deleg_l1_call(t, KVM_NEST_CH_SLOT, t->ctx, slot_gpa);
	kn_ok(!r, "L1 registers its slot at %#lx for context %#lx: %ld", slot_gpa, t->ctx, r);
	honest(t);
	expect(t, true, "an honest slot");

	for (unsigned int i = 0; i < NLIES; i++) {
		honest(t);
		lies[i].apply(slot);
		expect(t, false, lies[i].what);
	}
	honest(t);
	expect(t, true, "honest again");

	ipol = kn_scene.tt.pol2;
	ipol.nm = kn_scene.mpol.nm;
	memcpy(ipol.m, kn_scene.mpol.m, sizeof(ipol.m));
	r = kn_deleg_l1_delegate_inner(t, INNER, INNER_CTX,
				       KVM_NEST_DELEG_CPUID | KVM_NEST_DELEG_RDMSR, &ipol);
	kn_ok(!r, "L1 forwards pol2 and %u MSRs for inner VM %d: %ld", ipol.nm, INNER, r);
	honest_msr(t);
	expect_msr(t, MSR_READ, true, "an honest slot");
	honest_msr(t);
	expect(t, true, "CPUID, with the MSRs listed");
	for (unsigned int i = 0; i < NMLIES; i++) {
		honest_msr(t);
		msr_lies[i].apply(slot);
		expect_msr(t, msr_lies[i].msr, false, msr_lies[i].what);
	}
	honest_msr(t);
	expect_msr(t, MSR_READ, true, "honest again");
	msr_write(t);

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = kn_deleg_l1_call(t, KVM_NEST_CH_SLOT, bad[i].ctx, bad[i].gpa);
		kn_ok(r == -KVM_NEST_EINVAL, "SLOT with %s: %ld (expected %d)", bad[i].what, r,
		      -KVM_NEST_EINVAL);
	}

	/* A slot outside L1's memory: L0 cannot read it, so stock. */
	r = kn_deleg_l1_call(t, KVM_NEST_CH_SLOT, t->ctx, 1ULL << 40);
	if (!r)
		expect(t, false, "the slot moved outside L1's memory");
	else
		kn_ok(false, "SLOT at 2^40 refused (%ld): it is only an address", r);

	r = kn_deleg_l1_call(t, KVM_NEST_CH_SLOT, t->ctx, 0);
	kn_ok(!r, "L1 drops its slot: %ld", r);
	expect(t, false, "no slot");

	/* HELLO again: a new kernel in L1, no slot and no policy stays. */
	r = kn_deleg_l1_call(t, KVM_NEST_CH_SLOT, t->ctx, slot_gpa);
	r |= kn_deleg_l1_hello(t);
	r |= kn_deleg_l1_delegate_inner(t, INNER, INNER_CTX, KVM_NEST_DELEG_CPUID,
					&kn_scene.tt.pol2);
	kn_ok(!r, "slot registered, HELLO again, pol2 forwarded again: %ld", r);
	expect(t, false, "after HELLO the old slot is gone");
	r = kn_deleg_l1_call(t, KVM_NEST_CH_SLOT, t->ctx, slot_gpa);
	if (!r)
		expect(t, true, "the slot registered again");
	else
		kn_ok(false, "SLOT again: %ld", r);
	slot_bound(t);
	kn_scene_end();
}
