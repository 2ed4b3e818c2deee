// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "kn_bad_policy.h"

struct kvm_nest_ch_cpuid kn_bad_policy_entry(uint32_t fn, uint32_t idx, uint32_t flags)
{
	return (struct kvm_nest_ch_cpuid){ fn, idx, flags, 0x0bad0bad, 0x0bad0bad,
					   0x0bad0bad, 0x0bad0bad, 0 };
}

unsigned int kn_bad_policy_cases(struct kn_bad_policy *c, uint64_t ctx, uint64_t mem)
{
	const uint64_t hdr = sizeof(struct kvm_nest_ch_delegate);
	const uint64_t ent = sizeof(struct kvm_nest_ch_cpuid);
	const uint64_t ment = sizeof(struct kvm_nest_ch_msr);
	/* TSC, APIC_BASE, SPEC_CTRL, x2APIC ID, next to allowed ones, KERNEL_GS_BASE */
	static const uint32_t unlisted[] = {
		0x10, 0x1b, 0x48, 0x802, 0x1a1, 0x479, 0x492, 0xc0000102,
	};
	static const uint32_t runtime[] = {
		0x1, 0x7, 0xb, 0xd, 0x12, 0x1f, 0x40000000, 0x40000001, 0x4fffffff,
	};
	unsigned int n = 0;
	struct kn_bad_policy base = {
		.err = -KVM_NEST_EINVAL, .alt = KN_BAD_POLICY_NO_ALT, .n = 2, .len = KN_BAD_POLICY_EXACT,
		.h = { .ctx = ctx, .classes = KVM_NEST_DELEG_CPUID, .nr_cpuid = 2 },
		.e = { kn_bad_policy_entry(0x80000000, 0, 0),
		       kn_bad_policy_entry(0x4, 1, KN_CPUID_SIGNIFICANT) },
	};
#define CASE(w) (c[n] = base, c[n].what = (w), &c[n++])
	struct kn_bad_policy *b;

	CASE("length one byte short")->len = hdr + 2 * ent - 1;
	CASE("length one entry long")->len = hdr + 3 * ent;
	CASE("length 0")->len = 0;
	b = CASE("header one byte short, no entries");
	b->n = b->h.nr_cpuid = 0;
	b->len = hdr - 1;
	b = CASE("257 entries (length to match)");
	b->h.nr_cpuid = 257;
	b->len = hdr + 257 * ent;
	b->err = -KVM_NEST_E2BIG;
	b = CASE("length KVM_NEST_CH_DELEGATE_MAX + 1");
	b->len = KVM_NEST_CH_DELEGATE_MAX + 1;
	b->err = -KVM_NEST_E2BIG;
	b = CASE("length 64 KiB");
	b->len = 64 << 10;
	b->err = -KVM_NEST_E2BIG;
	b = CASE("nr_cpuid 2^27: 32 * nr wraps to 0 in 32 bits");
	b->h.nr_cpuid = 1U << 27;
	b->n = 0;
	b->len = hdr;
	b->alt = -KVM_NEST_E2BIG;
	CASE("nr_msr 1 (once reserved[0]), no MSR sent")->h.nr_msr = 1;
	CASE("inner 2^24, past KVM_NEST_DELEG_INNER_MAX")->h.inner = 1U << 24;
	CASE("inner 2^31")->h.inner = 0x80000000;
	CASE("reserved set")->h.reserved = 0x80000000;
	CASE("entry reserved set")->e[1].reserved = 1;
	CASE("unknown class 1 << 3")->h.classes = KVM_NEST_DELEG_CPUID | 8;
	CASE("unknown class 1 << 31")->h.classes = 0x80000000;
	CASE("unknown flag 1 << 1")->h.flags = 2;
	CASE("unknown flag 1 << 31")->h.flags = 0x80000000;
	CASE("ctx 0 without REVOKE_ALL")->h.ctx = 0;
	CASE("ctx not 4 KiB aligned (+8)")->h.ctx = ctx + 8;
	CASE("ctx not 4 KiB aligned (+0x800)")->h.ctx = ctx + 0x800;
	CASE("entry flags 2")->e[0].flags = 2;
	CASE("entry flags 3")->e[1].flags = 3;
	CASE("entry flags 1 << 31")->e[0].flags = 0x80000000;
	b = CASE("duplicate (4, 1, significant)");
	b->e[0] = b->e[1];
	b = CASE("duplicate (0x80000000, any index)");
	b->e[1] = b->e[0];
	b = CASE("entries but no CPUID class");
	b->h.classes = 0;
	for (unsigned int i = 0; i < sizeof(runtime) / sizeof(runtime[0]); i++) {
		static char what[sizeof(runtime) / sizeof(runtime[0])][48];

		snprintf(what[i], sizeof(what[i]), "leaf %#x, computed at run time", runtime[i]);
		CASE(what[i])->e[1].function = runtime[i];
	}
	/* MSRs: base has two good ones (MTRRcap, MISC_ENABLE) with the class. */
	base.h.classes |= KVM_NEST_DELEG_RDMSR;
	base.h.nr_msr = base.nm = 2;
	base.m[0] = (struct kvm_nest_ch_msr){ 0xfe, 0, 0x0bad0bad0bad0badUL };
	base.m[1] = (struct kvm_nest_ch_msr){ 0x1a0, 0, 0x0bad0bad0bad0badUL };
	for (unsigned int i = 0; i < sizeof(unlisted) / sizeof(unlisted[0]); i++) {
		static char what[sizeof(unlisted) / sizeof(unlisted[0])][40];

		snprintf(what[i], sizeof(what[i]), "MSR %#x, not allowlisted", unlisted[i]);
		CASE(what[i])->m[1].index = unlisted[i];
	}
	b = CASE("MSR 0xfe twice");
	b->m[1].index = 0xfe;
	CASE("MSR reserved set")->m[1].reserved = 1;
	CASE("MSRs but no RDMSR class")->h.classes = KVM_NEST_DELEG_CPUID;
	b = CASE("33 MSRs (length to match)");
	b->h.nr_msr = b->nm = KVM_NEST_DELEG_MAX_MSR + 1;
	for (unsigned int i = 0; i < b->nm; i++)
		b->m[i] = (struct kvm_nest_ch_msr){ 0x480 + i % 18, 0, 0 };
	b->err = -KVM_NEST_E2BIG;
	CASE("length one MSR short")->len = hdr + 2 * ent + ment;
	CASE("length one byte past the MSRs")->len = hdr + 2 * ent + 2 * ment + 1;
	base.h.classes &= ~KVM_NEST_DELEG_RDMSR;
	base.h.nr_msr = base.nm = 0;
	b = CASE("buffer just past the VM's memory");
	b->gpa = mem;
	b->len = hdr + 2 * ent;
	b->err = -KVM_NEST_EFAULT;
	b = CASE("buffer across the end of the VM's memory");
	b->gpa = mem - 16;
	b->len = hdr + 2 * ent;
	b->err = -KVM_NEST_EFAULT;
	b = CASE("buffer at 2^52");
	b->gpa = 1UL << 52;
	b->len = hdr + 2 * ent;
	b->err = -KVM_NEST_EFAULT;
	/* Good ones among them: validation is not merely strict. */
	b = CASE("revoke of a ctx that has no policy");
	b->h.ctx = 0x7000000;
	b->h.classes = b->h.nr_cpuid = b->n = 0;
	b->err = 0;
	b = CASE("leaves 0x3fffffff and 0x50000000 for another ctx");
	b->h.ctx = 0x7000000;
	b->e[0].function = 0x3fffffff;
	b->e[1].function = 0x50000000;
	b->err = 0;
	b = CASE("revoke that ctx again");
	b->h.ctx = 0x7000000;
	b->h.classes = b->h.nr_cpuid = b->n = 0;
	b->err = 0;
	b = CASE("CPUID class, no entries, another ctx");
	b->h.ctx = 0x7001000;
	b->h.nr_cpuid = b->n = 0;
	b->err = 0;
	b = CASE("RDMSR class, VMX capabilities 0x480 and 0x491, another ctx");
	b->h.ctx = 0x7002000;
	b->h.classes = KVM_NEST_DELEG_RDMSR;
	b->h.nr_cpuid = b->n = 0;
	b->h.nr_msr = b->nm = 2;
	b->m[0] = (struct kvm_nest_ch_msr){ 0x491, 0, 1 };
	b->m[1] = (struct kvm_nest_ch_msr){ 0x480, 0, 2 };
	b->err = 0;
	/* Ours stays: every bad call above named it, with other values. */
#undef CASE
	return n;
}

void kn_bad_policy_queue(struct kn_deleg_l1 *t, const struct kn_bad_policy *c)
{
	static uint8_t buf[KVM_NEST_CH_DELEGATE_MAX + 64];
	uint64_t len = sizeof(c->h) + c->n * sizeof(c->e[0]);

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &c->h, sizeof(c->h));
	memcpy(buf + sizeof(c->h), c->e, c->n * sizeof(c->e[0]));
	memcpy(buf + len, c->m, c->nm * sizeof(c->m[0]));
	len += c->nm * sizeof(c->m[0]);
	if (c->gpa) {
		kn_deleg_l1_queue(t, c->gpa, c->len);
		return;
	}
	if (c->len != KN_BAD_POLICY_EXACT)
		len = c->len;
	size_t put = len < sizeof(buf) ? (len ? len : 1) : sizeof(buf);

	kn_deleg_l1_queue(t, kn_deleg_l1_put(t, buf, put), len);
}
