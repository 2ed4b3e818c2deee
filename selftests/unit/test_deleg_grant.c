// SPDX-License-Identifier: GPL-2.0-only
/*
 * deleg/grant.c against parents of several ages: one that takes MSRs in
 * every grant, one older than RDMSR at depth (it refuses an inner policy
 * that has them), one whose allowlist lacks ours, a busy one, and one
 * that refuses everything.  A refused MSR part must not take the CPUID
 * and PAUSE parts with it, and the full grant must come back for a
 * parent that reloads newer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/printk.h>

#include "../../kvm-nest/channel/depth.h"
#include "../../kvm-nest/deleg/check.h"
#include "../../kvm-nest/deleg/grant.h"
#include "tap.h"

#define PLAN 22
#define CTX(n)		(0x10000000ull + ((n) << 12))
#define MSR_ARCH_CAP	0x10au

int kn_shim_log_lines;
const char *kn_shim_log_last;

static enum {
	PARENT_NEW,		/* takes MSRs everywhere */
	PARENT_OLD,		/* refuses an inner policy with MSRs */
	PARENT_NO_MSR,		/* refuses any MSR: a shorter allowlist */
	PARENT_BUSY,		/* rate limited */
	PARENT_REFUSES,		/* refuses every grant */
} parent;

/* What the parent was sent, call by call, since sent_reset(). */
static struct sent {
	u64 ctx;
	u32 inner, classes, flags, nr_cpuid, nr_msr;
	u32 cpuid0;		/* the first CPUID leaf, after the check's sort */
	long ret;
} sent[64];
static int nr_sent;

static void sent_reset(void)
{
	nr_sent = 0;
}

/* The parent of that age from now on, its log empty. */
static void talk_to(int age)
{
	parent = age;
	sent_reset();
}

/* The parent's own check on a copy, then its age's rule. */
static long parent_answer(struct kvm_nest_ch_delegate *h, u64 len)
{
	int bad = kn_deleg_check(h, len);

	if (bad)
		return bad;
	if (!h->classes || h->flags & KVM_NEST_DELEG_F_REVOKE_ALL)
		return 0;
	switch (parent) {
	case PARENT_OLD:
		return h->inner && h->classes & KVM_NEST_DELEG_RDMSR ?
		       -KVM_NEST_EINVAL : 0;
	case PARENT_NO_MSR:
		return h->nr_msr ? -KVM_NEST_EINVAL : 0;
	case PARENT_BUSY:
		return -KVM_NEST_EBUSY;
	case PARENT_REFUSES:
		return -KVM_NEST_EINVAL;
	default:
		return 0;
	}
}

long kvm_hypercall3(unsigned int nr, unsigned long op, unsigned long pa,
		    unsigned long len)
{
	struct kvm_nest_ch_delegate *h = malloc(len);
	struct sent *s = &sent[nr_sent];
	long ret;

	if (nr != KVM_NEST_HC || op != KVM_NEST_CH_DELEGATE || !h ||
	    nr_sent == (int)(sizeof(sent) / sizeof(sent[0]))) {
		free(h);
		return -KVM_NEST_EINVAL;
	}
	memcpy(h, (const void *)(uintptr_t)pa, len);
	ret = parent_answer(h, len);
	*s = (struct sent){ h->ctx, h->inner, h->classes, h->flags, h->nr_cpuid,
			    h->nr_msr, h->nr_cpuid ? h->cpuid[0].function : 0,
			    ret };
	nr_sent++;
	free(h);
	return ret;
}

/* Room for a policy of two leaves and one MSR. */
static union {
	struct kvm_nest_ch_delegate h;
	char b[sizeof(struct kvm_nest_ch_delegate) +
	       2 * sizeof(struct kvm_nest_ch_cpuid) +
	       sizeof(struct kvm_nest_ch_msr)];
} in_buf;

/* An inner policy for @ctx: two leaves (unless @msr_only) and one MSR. */
static const struct kvm_nest_ch_delegate *inner_policy(u64 ctx, bool msr_only)
{
	struct kvm_nest_ch_delegate *h = &in_buf.h;
	struct kvm_nest_ch_msr *m;

	memset(&in_buf, 0, sizeof(in_buf));
	h->ctx = ctx;
	h->classes = KVM_NEST_DELEG_RDMSR;
	if (!msr_only) {
		h->classes |= KVM_NEST_DELEG_CPUID | KVM_NEST_DELEG_PAUSE;
		h->nr_cpuid = 2;
		h->cpuid[0].function = 0;
		h->cpuid[1].function = 0x80000008;
	}
	h->nr_msr = 1;
	m = kn_deleg_h_msr(h);
	m->index = MSR_ARCH_CAP;
	m->value = 42;
	return h;
}

static bool sent_whole(const struct sent *s)
{
	return s->nr_msr == 1 && s->classes & KVM_NEST_DELEG_RDMSR;
}

static bool sent_without_msrs(const struct sent *s)
{
	return !s->ret && !s->nr_msr && s->nr_cpuid == 2 && !s->cpuid0 &&
	       s->classes == (KVM_NEST_DELEG_CPUID | KVM_NEST_DELEG_PAUSE);
}

/* Whether call @i was a whole grant refused and @i + 1 its part taken. */
static bool fell_back(int i)
{
	return sent_whole(&sent[i]) && sent[i].ret == -KVM_NEST_EINVAL &&
	       sent_without_msrs(&sent[i + 1]) &&
	       sent[i + 1].ctx == sent[i].ctx &&
	       sent[i + 1].inner == sent[i].inner;
}

static void check_ages(void)
{
	int logged;

	talk_to(PARENT_NEW);
	kn_grant_inner(7, inner_policy(CTX(1), false));
	tap_ok(nr_sent == 1 && sent_whole(&sent[0]) && !sent[0].ret,
	       "a parent that takes MSRs gets the inner grant once, whole");

	talk_to(PARENT_OLD);
	logged = kn_shim_log_lines;
	kn_grant_inner(7, inner_policy(CTX(2), false));
	tap_ok(nr_sent == 2 && fell_back(0),
	       "an older parent refuses it whole, then takes CPUID and PAUSE alone");
	tap_ok(kn_shim_log_lines == logged + 1 &&
	       strstr(kn_shim_log_last, "no MSR reads"),
	       "the log says once why the MSRs stay here");
	sent_reset();
	kn_grant_inner(8, inner_policy(CTX(2), false));
	tap_ok(nr_sent == 2 && fell_back(0) && sent[1].inner == 8,
	       "so does the next inner grant");
	tap_ok(kn_shim_log_lines == logged + 1, "without saying it again");

	talk_to(PARENT_NEW);
	kn_grant_resend(true);
	tap_ok(nr_sent == 3 && sent_whole(&sent[0]) && sent_whole(&sent[1]) &&
	       sent_whole(&sent[2]) && !sent[1].ret && !sent[2].ret,
	       "a parent reloaded newer gets all three back whole");

	talk_to(PARENT_OLD);
	kn_grant_resend(true);
	tap_ok(nr_sent == 6 && fell_back(0) && fell_back(2) && fell_back(4),
	       "one reloaded older takes all three without their MSRs");
	sent_reset();
	kn_grant_resend(false);
	tap_ok(nr_sent == 0, "and nothing is left to send again");
}

static void check_nothing_left(void)
{
	talk_to(PARENT_OLD);
	kn_grant_inner(9, inner_policy(CTX(3), true));
	tap_ok(nr_sent == 1 && sent[0].ret == -KVM_NEST_EINVAL,
	       "an MSR-only inner grant is not sent again empty (that would revoke)");
	talk_to(PARENT_NEW);
	kn_grant_resend(true);
	tap_ok(nr_sent == 3, "and a grant refused for good is not kept");

	talk_to(PARENT_REFUSES);
	kn_grant_inner(10, inner_policy(CTX(4), false));
	tap_ok(nr_sent == 2 && sent[1].ret == -KVM_NEST_EINVAL,
	       "refused without its MSRs too: two calls, no more");
	talk_to(PARENT_NEW);
	kn_grant_resend(true);
	tap_ok(nr_sent == 3, "and that grant is dropped");
}

static void check_own_grant(void)
{
	struct kvm_nest_ch_cpuid table[2] = {
		{ .function = 0x80000008 }, { .function = 0 },
	};
	struct kvm_nest_ch_msr msr = { .index = MSR_ARCH_CAP, .value = 1 };

	talk_to(PARENT_NO_MSR);
	kn_grant(CTX(5), table, 2, &msr, 1);
	tap_ok(nr_sent == 2 && fell_back(0) && sent[0].inner == 0,
	       "a parent whose allowlist lacks our MSR still takes our own CPUIDs");
	sent_reset();
	kn_grant(CTX(6), table, 2, NULL, 0);
	tap_ok(nr_sent == 1 && !sent[0].ret && !sent[0].nr_msr,
	       "a grant without MSRs is sent once");
	talk_to(PARENT_REFUSES);
	kn_grant(CTX(7), table, 2, NULL, 0);
	tap_ok(nr_sent == 1 && sent[0].ret == -KVM_NEST_EINVAL,
	       "and, refused, not sent again");
}

static void check_busy(void)
{
	talk_to(PARENT_BUSY);
	kn_grant_inner(11, inner_policy(CTX(8), false));
	tap_ok(nr_sent == 1, "a busy parent's EBUSY is no refusal of MSRs");
	talk_to(PARENT_OLD);
	kn_grant_resend(false);
	tap_ok(nr_sent == 2 && fell_back(0) && sent[0].inner == 11,
	       "the grant it was too busy for goes out at the next tick, without MSRs");
	sent_reset();
	kn_grant_resend(false);
	tap_ok(nr_sent == 0, "once");
}

static void check_revoke(void)
{
	talk_to(PARENT_OLD);
	kn_grant_revoke_inner(7, CTX(2), false);
	tap_ok(nr_sent == 1 && !sent[0].classes && sent[0].inner == 7 &&
	       sent[0].ctx == CTX(2) && !sent[0].ret,
	       "revoking a grant taken without MSRs is one call");
	sent_reset();
	kn_grant_resend(true);
	tap_ok(nr_sent == 8,
	       "and is not sent again: 5 kept, the 3 inner ones without MSRs");
	talk_to(PARENT_NEW);
	kn_grant_revoke_inner(8, 0, true);
	kn_grant_resend(true);
	tap_ok(nr_sent == 5 && sent[0].inner == 8 &&
	       sent[0].flags == KVM_NEST_DELEG_F_REVOKE_ALL && !sent[0].ret,
	       "revoking all of an inner VM's grants forgets them");
	sent_reset();
	kn_grant_exit();
	tap_ok(nr_sent == 1 && !sent[0].ret && !sent[0].inner &&
	       sent[0].flags == KVM_NEST_DELEG_F_REVOKE_ALL,
	       "unloading revokes everything in one call");
}

int main(void)
{
	tap_plan(PLAN);
	kn_depth_set(1);
	if (kn_grant_init())
		return 1;
	check_ages();
	check_nothing_left();
	check_own_grant();
	check_busy();
	check_revoke();
	return tap_done(PLAN);
}
