// SPDX-License-Identifier: GPL-2.0-only
/*
 * deleg/check.c: a DELEGATE buffer from a child is taken only when every
 * field is in range and its length is exact; the CPUID filter keeps what
 * KVM would answer from a table and nothing twice.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../kvm-nest/deleg/check.h"
#include "tap.h"

#define PLAN 48
#define CPUID_IDX	1u	/* KVM_CPUID_FLAG_SIGNIFCANT_INDEX */
#define CTX		0x12345000ull

/* Room for the largest buffer the ABI allows, and one more entry. */
static union {
	struct kvm_nest_ch_delegate h;
	char b[KVM_NEST_CH_DELEGATE_MAX + 64];
} buf;

static struct kvm_nest_ch_delegate *h = &buf.h;

/* A valid policy: two CPUID leaves out of order, one MSR. */
static void fill(void)
{
	struct kvm_nest_ch_msr *m;

	memset(&buf, 0, sizeof(buf));
	h->ctx = CTX;
	h->classes = KVM_NEST_DELEG_CPUID | KVM_NEST_DELEG_RDMSR;
	h->nr_cpuid = 2;
	h->nr_msr = 1;
	h->cpuid[0].function = 0x80000008;
	h->cpuid[1].function = 0;
	h->cpuid[1].index = 7;	/* not significant: the check zeroes it */
	m = kn_deleg_h_msr(h);
	m[0].index = 0x10a;
	m[0].value = 42;
}

/* The valid policy, forwarded as inner VM 7's: CPUID only. */
static void inner_cpuid(void)
{
	h->inner = 7;
	h->nr_msr = 0;
	h->classes = KVM_NEST_DELEG_CPUID;
}

static u64 len(void)
{
	return sizeof(*h) + h->nr_cpuid * sizeof(h->cpuid[0]) +
	       h->nr_msr * sizeof(struct kvm_nest_ch_msr);
}

static int check(void)
{
	return kn_deleg_check(h, len());
}

/* Whether the valid policy, changed by one field, gets refused as @want. */
#define REFUSED(want, change, what) do {				\
	fill();								\
	change;								\
	tap_ok(check() == -(want), "%s: %s", what, #want);		\
} while (0)

static void check_header(void)
{
	fill();
	tap_ok(check() == 0, "a valid policy is taken");
	tap_ok(h->cpuid[0].function == 0 && h->cpuid[0].index == 0 &&
	       h->cpuid[1].function == 0x80000008,
	       "CPUID entries come out sorted, an unindexed one's index zeroed");
	fill();
	tap_ok(kn_deleg_check(h, len() - 1) == -KVM_NEST_EINVAL &&
	       kn_deleg_check(h, len() + 1) == -KVM_NEST_EINVAL,
	       "a length one byte short or long is refused");
	REFUSED(KVM_NEST_E2BIG, h->nr_cpuid = KVM_NEST_DELEG_MAX_CPUID + 1,
		"one CPUID entry over the bound");
	REFUSED(KVM_NEST_E2BIG, h->nr_msr = KVM_NEST_DELEG_MAX_MSR + 1,
		"one MSR over the bound");
	REFUSED(KVM_NEST_E2BIG, h->nr_cpuid = UINT32_MAX,
		"a count near 2^32");
	REFUSED(KVM_NEST_EINVAL, h->reserved = 1, "reserved header word");
	REFUSED(KVM_NEST_EINVAL, h->inner = KVM_NEST_DELEG_INNER_MAX + 1, "inner VM out of range");
	fill();
	h->inner = 7;
	tap_ok(check() == 0, "an inner policy with MSRs is taken");
	REFUSED(KVM_NEST_EINVAL, (inner_cpuid(), h->ctx = 1ULL << 52),
		"an inner policy's ctx past 52 bits");
	fill();
	inner_cpuid();
	tap_ok(check() == 0, "an inner CPUID policy is taken");
	REFUSED(KVM_NEST_EINVAL, h->classes |= 1u << 3, "unknown class");
	REFUSED(KVM_NEST_EINVAL, h->flags = 2, "unknown flag");
	REFUSED(KVM_NEST_EINVAL, h->ctx = 0, "context 0");
	REFUSED(KVM_NEST_EINVAL, h->ctx = CTX + 8, "context not 4 KiB aligned");
	REFUSED(KVM_NEST_EINVAL, h->classes = KVM_NEST_DELEG_RDMSR,
		"CPUID entries without the CPUID class");
	REFUSED(KVM_NEST_EINVAL, h->classes = KVM_NEST_DELEG_CPUID,
		"MSRs without the RDMSR class");
}

static void check_revoke(void)
{
	memset(&buf, 0, sizeof(buf));
	h->flags = KVM_NEST_DELEG_F_REVOKE_ALL;
	tap_ok(check() == 0, "revoke-all with nothing else is taken");
	h->ctx = CTX;
	tap_ok(check() == -KVM_NEST_EINVAL, "revoke-all naming a context is refused");
}

static void check_cpuid(void)
{
	REFUSED(KVM_NEST_EINVAL, h->cpuid[0].function = 0x1,
		"leaf 1, which KVM recomputes");
	REFUSED(KVM_NEST_EINVAL, h->cpuid[0].function = 0x80000007,
		"leaf 0x80000007");
	REFUSED(KVM_NEST_EINVAL, h->cpuid[0].function = 0x4fffffff,
		"the last hypervisor leaf");
	REFUSED(KVM_NEST_EINVAL, h->cpuid[0].reserved = 1, "reserved CPUID word");
	REFUSED(KVM_NEST_EINVAL, h->cpuid[0].flags = 2, "unknown CPUID flag");
	REFUSED(KVM_NEST_EINVAL, h->cpuid[0].function = 0, "the same leaf twice");
	REFUSED(KVM_NEST_EINVAL,
		(h->cpuid[0].function = 0, h->cpuid[0].flags = CPUID_IDX),
		"a leaf both indexed and not");
	fill();
	h->cpuid[0] = (struct kvm_nest_ch_cpuid){ .function = 4, .index = 1,
						  .flags = CPUID_IDX };
	h->cpuid[1] = (struct kvm_nest_ch_cpuid){ .function = 4, .index = 0,
						  .flags = CPUID_IDX };
	tap_ok(check() == 0 && h->cpuid[0].index == 0 && h->cpuid[1].index == 1,
	       "one leaf at two indexes is taken, sorted by index");
	h->cpuid[0].index = 1;
	tap_ok(kn_deleg_check(h, len()) == -KVM_NEST_EINVAL,
	       "one leaf at the same index twice is refused");
}

static void check_msr(void)
{
	struct kvm_nest_ch_msr *m;
	static const u32 ok[] = { 0x480, 0x491, 0xc0011029 };
	static const u32 off[] = { 0x47f, 0x492, 0x10, 0xc0011028 };
	unsigned int i, bad = 0;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		fill();
		kn_deleg_h_msr(h)[0].index = ok[i];
		bad += check() != 0;
	}
	tap_ok(!bad, "MSRs at the ends of allowlist ranges are taken");
	for (i = 0, bad = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		fill();
		kn_deleg_h_msr(h)[0].index = off[i];
		bad += check() != -KVM_NEST_EINVAL;
	}
	tap_ok(!bad, "MSRs just outside the allowlist are refused");
	REFUSED(KVM_NEST_EINVAL, kn_deleg_h_msr(h)[0].reserved = 1,
		"reserved MSR word");
	fill();
	h->nr_msr = 2;
	m = kn_deleg_h_msr(h);
	m[1] = m[0];
	tap_ok(check() == -KVM_NEST_EINVAL, "an MSR twice is refused");
	fill();
	h->nr_msr = 3;
	m = kn_deleg_h_msr(h);
	m[0].index = 0x480;
	m[1].index = 0x8b;
	m[2].index = 0x10a;
	tap_ok(check() == 0 && m[0].index == 0x8b && m[1].index == 0x10a &&
	       m[2].index == 0x480, "MSRs come out sorted, for bsearch()");
	m[2].index = 0x8b;
	tap_ok(check() == -KVM_NEST_EINVAL, "an MSR twice, not side by side, is refused");
}

static void check_filter(void)
{
	static const struct kvm_nest_ch_cpuid in[] = {
		{ .function = 0, .index = 9 },
		{ .function = 1 },			/* recomputed */
		{ .function = 0, .eax = 1 },		/* shadowed */
		{ .function = 4, .index = 0, .flags = CPUID_IDX },
		{ .function = 4, .index = 1, .flags = CPUID_IDX },
		{ .function = 4, .index = 1, .flags = CPUID_IDX, .eax = 2 },
		{ .function = 0x80000008, .reserved = 5 },
	};
	/* KVM answers from the first, which may not be delegated. */
	static const struct kvm_nest_ch_cpuid hidden[] = {
		{ .function = 0x80000008, .flags = 4 },	/* unknown flag */
		{ .function = 0x80000008 },
	};
	struct kvm_nest_ch_cpuid out[8];
	u32 n = kn_deleg_filter(in, 7, out);

	tap_ok(n == 4, "the filter keeps 4 of 7 entries (kept %u)", n);
	tap_ok(n == 4 && out[0].function == 0 && out[0].index == 0 &&
	       out[0].eax == 0 && out[1].function == 4 && out[2].index == 1 &&
	       out[2].eax == 0 && out[3].function == 0x80000008 &&
	       out[3].reserved == 0,
	       "the first of each key is kept, indexes and reserved zeroed");
	tap_ok(kn_deleg_filter(hidden, 2, out) == 0,
	       "an entry behind one the filter drops is dropped too");
	tap_ok(kn_deleg_filter(in, 0, out) == 0, "an empty table filters to none");
}

/* The exit path looks a CPUID exit up with kn_cpuid_cmp(), as here. */
static void check_lookup(void)
{
	static const struct kvm_nest_ch_cpuid t[] = {
		{ .function = 4, .index = 1, .flags = CPUID_IDX },
		{ .function = 0x80000008, .eax = 8 },
	};
	struct kvm_nest_ch_cpuid key = { .function = 0x80000008, .index = 5,
					 .flags = CPUID_IDX };
	const struct kvm_nest_ch_cpuid *hit;

	hit = bsearch(&key, t, 2, sizeof(t[0]), kn_cpuid_cmp);
	tap_ok(hit && hit->eax == 8, "an exit at any index finds an unindexed leaf");
	key.function = 4;
	key.index = 2;
	tap_ok(!bsearch(&key, t, 2, sizeof(t[0]), kn_cpuid_cmp),
	       "but not another index of an indexed one");
}

/* A slot's MSR list: only a well-formed one names an MSR. */
static void check_slot_list(void)
{
	u32 l[KVM_NEST_SLOT_MSRS + 1] = { 0xfe, 0x10a, 0x1a0, 0x345, 0x480,
					  0x481, 0xc0011029, 0x482 };

	tap_ok(kn_deleg_slot_lists(3, l, 0x10a) && kn_deleg_slot_lists(7, l, 0xc0011029),
	       "a listed MSR is named");
	tap_ok(!kn_deleg_slot_lists(3, l, 0x345) && !kn_deleg_slot_lists(0, l, 0xfe),
	       "an MSR past the count is not");
	tap_ok(!kn_deleg_slot_lists(KVM_NEST_SLOT_MSRS + 1, l, 0xfe),
	       "a list over KVM_NEST_SLOT_MSRS names none");
	l[2] = 0x10a;
	tap_ok(!kn_deleg_slot_lists(3, l, 0xfe), "a list with an MSR twice names none");
	l[2] = 0x8b;
	tap_ok(!kn_deleg_slot_lists(3, l, 0xfe), "a list out of order names none");
	l[2] = 0xffffffff;
	tap_ok(!kn_deleg_slot_lists(3, l, 0xfe), "a list with an MSR off the allowlist names none");
	l[2] = 0x1a0;
	tap_ok(!kn_deleg_slot_lists(3, l, 0xce), "an MSR the list lacks is not named");
}

int main(void)
{
	tap_plan(PLAN);
	check_header();
	check_revoke();
	check_cpuid();
	check_msr();
	check_filter();
	check_lookup();
	check_slot_list();
	tap_ok(kn_deleg_size(SIZE_MAX - 8, 1, 0) == SIZE_MAX,
	       "a size past SIZE_MAX saturates instead of wrapping");
	return tap_done(PLAN);
}
