// SPDX-License-Identifier: GPL-2.0
/*
 * L1 guest side of SVM: a VMCB for L2 built from L1's own state, and the
 * VMRUN loop. VMCB offsets are from the AMD APM vol. 2, appendix B.
 */
#include "kn_l2.h"
#include "kn_state.h"
#include "kn_ucall.h"
#include "kn_x86.h"

#define MSR_VM_HSAVE_PA		0xc0010117

#define VMCB_INTERCEPT_WORD3	0x00c
#define   INTERCEPT_CPUID	(1U << 18)
#define   INTERCEPT_HLT		(1U << 24)
#define VMCB_INTERCEPT_WORD4	0x010
#define   INTERCEPT_VMRUN	(1U << 0)	/* required by VMRUN's checks */
#define   INTERCEPT_VMMCALL	(1U << 1)
#define VMCB_ASID		0x058
#define VMCB_INT_STATE		0x068
#define   INT_SHADOW		(1U << 0)
#define VMCB_EXIT_CODE		0x070
#define VMCB_EXIT_INFO1		0x078
#define VMCB_NEXT_RIP		0x0c8
#define VMCB_GDTR		0x460
#define VMCB_IDTR		0x480
#define VMCB_EFER		0x4d0
#define VMCB_CR4		0x548
#define VMCB_CR3		0x550
#define VMCB_CR0		0x558
#define VMCB_DR7		0x560
#define VMCB_DR6		0x568
#define VMCB_RFLAGS		0x570
#define VMCB_RIP		0x578
#define VMCB_RSP		0x5d8
#define VMCB_RAX		0x5f8
#define VMCB_G_PAT		0x668

#define SVM_EXIT_INVALID	0xffffffffU

/* VMCB segment register layout. */
struct vmcb_seg {
	uint16_t sel;
	uint16_t attrib;	/* the 12 bits of kn_seg.attr */
	uint32_t limit;
	uint64_t base;
};

static const uint16_t seg_offset[KN_NR_SEGS] = {
	[KN_ES] = 0x400, [KN_CS] = 0x410, [KN_SS] = 0x420, [KN_DS] = 0x430,
	[KN_FS] = 0x440, [KN_GS] = 0x450, [KN_LDTR] = 0x470, [KN_TR] = 0x490,
};

static uint8_t vmcb[4096] __attribute__((aligned(4096)));
static uint8_t hsave[4096] __attribute__((aligned(4096)));

#define VMCB(type, off) (*(type *)(vmcb + (off)))

/*
 * void kn_svm_vmrun(uint64_t vmcb_pa, struct kn_gprs *gprs)
 * #VMEXIT restores L1's %rsp, %rax and %rip from the host save area; every
 * other GPR then holds L2's value, so the struct pointer is kept on the stack.
 */
void kn_svm_vmrun(uint64_t vmcb_pa, struct kn_gprs *gprs);
__asm__(".pushsection .text\n"
	"kn_svm_vmrun:\n"
	KN_PUSH_CALLEE_SAVED
	"	push %rsi\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	KN_GPRS_LOAD
	"	mov " KN_STR(KN_GPRS_RDI) "(%rdi), %rdi\n"
	"	vmrun\n"
	"	push %rdi\n"
	"	mov 8(%rsp), %rdi\n"
	KN_GPRS_STORE
	"	popq " KN_STR(KN_GPRS_RDI) "(%rdi)\n"
	"	add $8, %rsp\n"
	KN_POP_CALLEE_SAVED
	"	ret\n"
	".popsection\n");

static void svm_enable(struct kn_l2 *l2)
{
	KN_GUEST_ASSERT(kn_cpuid(0x80000001, 0).ecx >> 2 & 1);
	l2->nrips = kn_cpuid(0x8000000a, 0).edx >> 3 & 1;
	kn_wrmsr(KN_MSR_EFER, kn_rdmsr(KN_MSR_EFER) | KN_EFER_SVME);
	kn_wrmsr(MSR_VM_HSAVE_PA, (uint64_t)hsave);
}

static void svm_disable(struct kn_l2 *l2)
{
	(void)l2;
	kn_wrmsr(KN_MSR_EFER, kn_rdmsr(KN_MSR_EFER) & ~KN_EFER_SVME);
}

static void set_seg(unsigned int offset, uint16_t sel, uint16_t attrib,
		    uint32_t limit, uint64_t base)
{
	struct vmcb_seg *s = (struct vmcb_seg *)(vmcb + offset);

	s->sel = sel;
	s->attrib = attrib;
	s->limit = limit;
	s->base = base;
}

static void svm_setup(struct kn_l2 *l2, const struct kn_state *st,
		      uint64_t rip, uint64_t rsp)
{
	kn_zero(vmcb, sizeof(vmcb));
	VMCB(uint32_t, VMCB_INTERCEPT_WORD3) = INTERCEPT_CPUID | INTERCEPT_HLT;
	VMCB(uint32_t, VMCB_INTERCEPT_WORD4) = INTERCEPT_VMRUN | INTERCEPT_VMMCALL;
	VMCB(uint32_t, VMCB_ASID) = 1;

	for (int i = 0; i < KN_NR_SEGS; i++) {
		const struct kn_seg *s = &st->seg[i];

		set_seg(seg_offset[i], s->sel, s->unusable ? 0 : s->attr,
			s->limit, s->base);
	}
	set_seg(VMCB_GDTR, 0, 0, st->gdt_limit, st->gdt_base);
	set_seg(VMCB_IDTR, 0, 0, st->idt_limit, st->idt_base);
	/* CPL stays 0: the VMCB was zeroed. */
	VMCB(uint64_t, VMCB_EFER) = st->efer;
	VMCB(uint64_t, VMCB_CR0) = st->cr0;
	VMCB(uint64_t, VMCB_CR3) = st->cr3;
	VMCB(uint64_t, VMCB_CR4) = st->cr4;
	VMCB(uint64_t, VMCB_DR6) = 0xffff0ff0;
	VMCB(uint64_t, VMCB_DR7) = 0x400;
	VMCB(uint64_t, VMCB_RFLAGS) = 2;
	VMCB(uint64_t, VMCB_RIP) = rip;
	VMCB(uint64_t, VMCB_RSP) = rsp;
	VMCB(uint64_t, VMCB_G_PAT) = st->pat;
	l2->ctx = (uint64_t)vmcb;
}

static uint32_t svm_run(struct kn_l2 *l2)
{
	uint32_t code;

	/* L2's %rax lives in the VMCB; keep kn_gprs the one place handlers look. */
	VMCB(uint64_t, VMCB_RAX) = l2->gprs.rax;
	kn_svm_vmrun(l2->ctx, &l2->gprs);
	l2->gprs.rax = VMCB(uint64_t, VMCB_RAX);
	code = VMCB(uint32_t, VMCB_EXIT_CODE);
	if (code == SVM_EXIT_INVALID)
		KN_GUEST_FAIL("VMRUN: VMEXIT_INVALID (exit_info_1)",
			      VMCB(uint64_t, VMCB_EXIT_INFO1), 0);
	return code;
}

static void svm_skip(struct kn_l2 *l2, unsigned int len)
{
	uint64_t *rip = &VMCB(uint64_t, VMCB_RIP);

	*rip = l2->nrips ? VMCB(uint64_t, VMCB_NEXT_RIP) : *rip + len;
	/* An STI or MOV SS shadow covered only the instruction skipped. */
	VMCB(uint32_t, VMCB_INT_STATE) &= ~INT_SHADOW;
}

const struct kn_l2_ops kn_svm_ops = {
	.enable = svm_enable,
	.disable = svm_disable,
	.setup = svm_setup,
	.run = svm_run,
	.skip = svm_skip,
};
