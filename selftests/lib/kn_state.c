// SPDX-License-Identifier: GPL-2.0
/*
 * Guest side: read the CPU's own segment, control and descriptor-table
 * state, so an L1 can describe itself to the VMCB/VMCS it builds for L2.
 */
#include "kn_state.h"
#include "kn_x86.h"

static uint16_t selector(enum kn_seg_id id)
{
	uint16_t s = 0;

	switch (id) {
	case KN_ES: __asm__ __volatile__("mov %%es, %0" : "=r"(s)); break;
	case KN_CS: __asm__ __volatile__("mov %%cs, %0" : "=r"(s)); break;
	case KN_SS: __asm__ __volatile__("mov %%ss, %0" : "=r"(s)); break;
	case KN_DS: __asm__ __volatile__("mov %%ds, %0" : "=r"(s)); break;
	case KN_FS: __asm__ __volatile__("mov %%fs, %0" : "=r"(s)); break;
	case KN_GS: __asm__ __volatile__("mov %%gs, %0" : "=r"(s)); break;
	case KN_LDTR: __asm__ __volatile__("sldt %0" : "=r"(s)); break;
	case KN_TR: __asm__ __volatile__("str %0" : "=r"(s)); break;
	default: break;
	}
	return s;
}

/* Decodes the GDT descriptor of @s->sel (LDT selectors are not used here). */
static void describe(struct kn_seg *s, const struct kn_state *st, bool system)
{
	const uint64_t *gdt = (const uint64_t *)st->gdt_base;
	uint64_t d;

	s->unusable = !(s->sel & ~3);
	s->attr = 0;
	s->limit = 0;
	s->base = 0;
	if (s->unusable)
		return;
	d = gdt[s->sel >> 3];
	s->attr = (d >> 40 & 0xff) | (d >> 44 & 0xf00);
	s->limit = (d & 0xffff) | (d >> 32 & 0xf0000);
	if (d >> 55 & 1)
		s->limit = s->limit << 12 | 0xfff;
	s->base = (d >> 16 & 0xffffff) | (d >> 32 & 0xff000000);
	/* 16-byte system descriptors (TSS, LDT) hold base 63:32 next. */
	if (system)
		s->base |= gdt[(s->sel >> 3) + 1] << 32;
}

void kn_state_read(struct kn_state *st)
{
	struct kn_dtr gdt = kn_sgdt(), idt = kn_sidt();

	st->gdt_base = gdt.base;
	st->gdt_limit = gdt.limit;
	st->idt_base = idt.base;
	st->idt_limit = idt.limit;
	for (int i = 0; i < KN_NR_SEGS; i++) {
		st->seg[i].sel = selector(i);
		describe(&st->seg[i], st, i == KN_LDTR || i == KN_TR);
	}
	/* In 64-bit mode FS/GS bases live in MSRs, not in descriptors. */
	st->seg[KN_FS].base = kn_rdmsr(KN_MSR_FS_BASE);
	st->seg[KN_GS].base = kn_rdmsr(KN_MSR_GS_BASE);
	st->cr0 = kn_read_cr0();
	st->cr3 = kn_read_cr3();
	st->cr4 = kn_read_cr4();
	st->efer = kn_rdmsr(KN_MSR_EFER);
	st->pat = kn_rdmsr(KN_MSR_PAT);
}
