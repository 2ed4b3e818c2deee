// SPDX-License-Identifier: GPL-2.0
/*
 * 64-bit mode set up from the host: 4 GiB identity-mapped with 2 MiB pages,
 * a flat GDT with a TSS (VMX needs a usable TR), and an IDT whose handlers
 * report the vector to the host (kn_guest.c).
 */
#include <string.h>

#include "kn_vm.h"
#include "kn_x86.h"

#define KN_MAPPED_GB	4
#define KN_NR_VECTORS	32
#define KN_TSS_LIMIT	0x67

#define PTE_P		(1UL << 0)
#define PTE_W		(1UL << 1)
#define PTE_PS		(1UL << 7)

static const struct kvm_segment code64 = {
	.limit = 0xffffffff, .selector = KN_SEL_CODE, .type = 11,
	.present = 1, .s = 1, .l = 1, .g = 1,
};

static const struct kvm_segment data = {
	.limit = 0xffffffff, .selector = KN_SEL_DATA, .type = 3,
	.present = 1, .s = 1, .db = 1, .g = 1,
};

/* Type 11: busy 64-bit TSS, as if loaded by ltr. */
static const struct kvm_segment tss = {
	.limit = KN_TSS_LIMIT, .selector = KN_SEL_TSS, .type = 11, .present = 1,
};

static uint64_t *u64s(struct kn_vm *vm, uint64_t gpa, unsigned int n)
{
	return kn_gpa(vm, gpa, n * sizeof(uint64_t));
}

/* The descriptor the CPU would have loaded @s from. */
static uint64_t descriptor(const struct kvm_segment *s, uint64_t base)
{
	uint64_t limit = s->g ? s->limit >> 12 : s->limit;

	return (limit & 0xffff) | (base & 0xffffff) << 16 |
	       (uint64_t)s->type << 40 | (uint64_t)s->s << 44 |
	       (uint64_t)s->dpl << 45 | (uint64_t)s->present << 47 |
	       (limit >> 16 & 0xf) << 48 | (uint64_t)s->avl << 52 |
	       (uint64_t)s->l << 53 | (uint64_t)s->db << 54 |
	       (uint64_t)s->g << 55 | (base >> 24 & 0xff) << 56;
}

static void build_page_tables(struct kn_vm *vm)
{
	uint64_t pdpt = kn_vm_alloc(vm, KN_PAGE_SIZE);
	uint64_t pd = kn_vm_alloc(vm, KN_MAPPED_GB * KN_PAGE_SIZE);
	uint64_t *e;

	vm->cr3 = kn_vm_alloc(vm, KN_PAGE_SIZE);
	u64s(vm, vm->cr3, 1)[0] = pdpt | PTE_P | PTE_W;
	e = u64s(vm, pdpt, KN_MAPPED_GB);
	for (unsigned int gb = 0; gb < KN_MAPPED_GB; gb++)
		e[gb] = (pd + gb * KN_PAGE_SIZE) | PTE_P | PTE_W;
	e = u64s(vm, pd, KN_MAPPED_GB * 512);
	for (uint64_t i = 0; i < KN_MAPPED_GB * 512; i++)
		e[i] = (i << 21) | PTE_P | PTE_W | PTE_PS;
}

static void build_gdt(struct kn_vm *vm)
{
	uint64_t *gdt;

	vm->tss = kn_vm_alloc(vm, KN_PAGE_SIZE);
	vm->gdt = kn_vm_alloc(vm, KN_PAGE_SIZE);
	gdt = u64s(vm, vm->gdt, 5);
	gdt[KN_SEL_CODE / 8] = descriptor(&code64, 0);
	gdt[KN_SEL_DATA / 8] = descriptor(&data, 0);
	gdt[KN_SEL_TSS / 8] = descriptor(&tss, vm->tss);
	gdt[KN_SEL_TSS / 8 + 1] = vm->tss >> 32;
	/* No I/O permission bitmap: its offset points past the limit. */
	*(uint16_t *)kn_gpa(vm, vm->tss + 0x66, 2) = KN_TSS_LIMIT + 1;
}

static void build_idt(struct kn_vm *vm)
{
	extern char kn_exc_stubs[];
	uint64_t *idt;

	vm->idt = kn_vm_alloc(vm, KN_PAGE_SIZE);
	idt = u64s(vm, vm->idt, 2 * KN_NR_VECTORS);
	for (unsigned int v = 0; v < KN_NR_VECTORS; v++) {
		uint64_t off = (uint64_t)kn_exc_stubs + 16 * v;

		/* Present, DPL 0, 64-bit interrupt gate. */
		idt[2 * v] = (off & 0xffff) | (uint64_t)KN_SEL_CODE << 16 |
			     0x8eUL << 40 | (off >> 16 & 0xffff) << 48;
		idt[2 * v + 1] = off >> 32;
	}
}

void kn_long_mode_build(struct kn_vm *vm)
{
	build_page_tables(vm);
	build_gdt(vm);
	build_idt(vm);
}

void kn_long_mode_sregs(struct kn_vm *vm, struct kvm_sregs *sregs)
{
	sregs->cs = code64;
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
	sregs->tr = tss;
	sregs->tr.base = vm->tss;
	sregs->ldt = (struct kvm_segment){ .unusable = 1 };
	sregs->gdt.base = vm->gdt;
	sregs->gdt.limit = 5 * 8 - 1;
	sregs->idt.base = vm->idt;
	sregs->idt.limit = 16 * KN_NR_VECTORS - 1;
	sregs->cr0 = KN_CR0_PE | KN_CR0_MP | KN_CR0_ET | KN_CR0_NE |
		     KN_CR0_WP | KN_CR0_AM | KN_CR0_PG;
	sregs->cr3 = vm->cr3;
	/* OSFXSR: the compiler may use SSE in guest code. */
	sregs->cr4 = KN_CR4_PAE | KN_CR4_OSFXSR | KN_CR4_OSXMMEXCPT;
	sregs->efer = KN_EFER_LME | KN_EFER_LMA;
}
