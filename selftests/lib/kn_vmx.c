// SPDX-License-Identifier: GPL-2.0
/*
 * L1 guest side of VMX: VMXON, a VMCS for L2 whose guest and host state
 * are both L1's own, controls fitted to the capability MSRs, and the
 * VMLAUNCH/VMRESUME loop. Facts from the Intel SDM vol. 3C, chapters 24-27
 * and appendix A/B.
 */
#include "kn_l2.h"
#include "kn_state.h"
#include "kn_ucall.h"
#include "kn_x86.h"

#define MSR_FEAT_CTL			0x3a
#define   FEAT_CTL_LOCKED		(1UL << 0)
#define   FEAT_CTL_VMX_OUTSIDE_SMX	(1UL << 2)
#define MSR_VMX_BASIC			0x480
#define   VMX_BASIC_TRUE_CTLS		(1UL << 55)
#define MSR_VMX_PINBASED_CTLS		0x481
#define MSR_VMX_PROCBASED_CTLS		0x482
#define MSR_VMX_EXIT_CTLS		0x483
#define MSR_VMX_ENTRY_CTLS		0x484
#define MSR_VMX_CR0_FIXED0		0x486
#define MSR_VMX_CR4_FIXED0		0x488
/* Each FIXED1 MSR follows its FIXED0; each TRUE_* control MSR sits 0xc above the plain one. */
#define MSR_VMX_TRUE_OFFSET		0xc

#define PROC_HLT_EXITING		(1U << 7)
#define EXIT_HOST_ADDR_SPACE_SIZE	(1U << 9)
#define ENTRY_IA32E_MODE		(1U << 9)
#define EXIT_REASON_ENTRY_FAILURE	(1U << 31)
#define AR_UNUSABLE			(1U << 16)

enum vmcs_field {
	GUEST_ES_SELECTOR = 0x0800,
	HOST_ES_SELECTOR = 0x0c00,
	HOST_TR_SELECTOR = 0x0c0c,
	VMCS_LINK_POINTER = 0x2800,
	GUEST_IA32_DEBUGCTL = 0x2802,
	PIN_BASED_VM_EXEC_CONTROL = 0x4000,
	CPU_BASED_VM_EXEC_CONTROL = 0x4002,
	EXCEPTION_BITMAP = 0x4004,
	PAGE_FAULT_ERROR_CODE_MASK = 0x4006,
	PAGE_FAULT_ERROR_CODE_MATCH = 0x4008,
	CR3_TARGET_COUNT = 0x400a,
	VM_EXIT_CONTROLS = 0x400c,
	VM_EXIT_MSR_STORE_COUNT = 0x400e,
	VM_EXIT_MSR_LOAD_COUNT = 0x4010,
	VM_ENTRY_CONTROLS = 0x4012,
	VM_ENTRY_MSR_LOAD_COUNT = 0x4014,
	VM_ENTRY_INTR_INFO_FIELD = 0x4016,
	VM_INSTRUCTION_ERROR = 0x4400,
	VM_EXIT_REASON = 0x4402,
	VM_EXIT_INSTRUCTION_LEN = 0x440c,
	GUEST_ES_LIMIT = 0x4800,
	GUEST_GDTR_LIMIT = 0x4810,
	GUEST_IDTR_LIMIT = 0x4812,
	GUEST_ES_AR_BYTES = 0x4814,
	GUEST_INTERRUPTIBILITY_INFO = 0x4824,
	GUEST_ACTIVITY_STATE = 0x4826,
	GUEST_SYSENTER_CS = 0x482a,
	HOST_IA32_SYSENTER_CS = 0x4c00,
	CR0_GUEST_HOST_MASK = 0x6000,
	CR4_GUEST_HOST_MASK = 0x6002,
	CR0_READ_SHADOW = 0x6004,
	CR4_READ_SHADOW = 0x6006,
	EXIT_QUALIFICATION = 0x6400,
	GUEST_CR0 = 0x6800,
	GUEST_CR3 = 0x6802,
	GUEST_CR4 = 0x6804,
	GUEST_ES_BASE = 0x6806,
	GUEST_GDTR_BASE = 0x6816,
	GUEST_IDTR_BASE = 0x6818,
	GUEST_DR7 = 0x681a,
	GUEST_RSP = 0x681c,
	GUEST_RIP = 0x681e,
	GUEST_RFLAGS = 0x6820,
	GUEST_PENDING_DBG_EXCEPTIONS = 0x6822,
	GUEST_SYSENTER_ESP = 0x6824,
	GUEST_SYSENTER_EIP = 0x6826,
	HOST_CR0 = 0x6c00,
	HOST_CR3 = 0x6c02,
	HOST_CR4 = 0x6c04,
	HOST_FS_BASE = 0x6c06,
	HOST_GS_BASE = 0x6c08,
	HOST_TR_BASE = 0x6c0a,
	HOST_GDTR_BASE = 0x6c0c,
	HOST_IDTR_BASE = 0x6c0e,
	HOST_IA32_SYSENTER_ESP = 0x6c10,
	HOST_IA32_SYSENTER_EIP = 0x6c12,
};

/* Macros, not enumerators: kn_vmx_enter's asm needs them as text. */
#define HOST_RSP_FIELD 0x6c14
#define HOST_RIP_FIELD 0x6c16

static uint8_t vmxon_region[4096] __attribute__((aligned(4096)));
static uint8_t vmcs[4096] __attribute__((aligned(4096)));

/* VMfailInvalid sets CF, VMfailValid sets ZF: "setna" catches both. */
static uint64_t vmread(uint64_t field)
{
	uint64_t val;
	uint8_t fail;

	__asm__ __volatile__("vmread %2, %0; setna %1"
			     : "=r"(val), "=q"(fail) : "r"(field) : "cc");
	if (fail)
		KN_GUEST_FAIL("VMREAD failed (field)", field, 0);
	return val;
}

static void vmwrite(uint64_t field, uint64_t val)
{
	uint8_t fail;

	__asm__ __volatile__("vmwrite %2, %1; setna %0"
			     : "=q"(fail) : "r"(field), "rm"(val) : "cc", "memory");
	if (fail)
		KN_GUEST_FAIL("VMWRITE failed (field, VM-instruction error)",
			      field, vmread(VM_INSTRUCTION_ERROR));
}

#define VMX_PA_INSN(insn)						\
static void insn(void *region)						\
{									\
	uint64_t pa = (uint64_t)region;					\
	uint8_t fail;							\
									\
	__asm__ __volatile__(#insn " %1; setna %0"			\
			     : "=q"(fail) : "m"(pa) : "cc", "memory");	\
	if (fail)							\
		KN_GUEST_FAIL(#insn " failed (pa)", pa, 0);		\
}
VMX_PA_INSN(vmxon)
VMX_PA_INSN(vmclear)
VMX_PA_INSN(vmptrld)

/*
 * int kn_vmx_enter(struct kn_gprs *gprs, int launched): 0 after a VM exit,
 * 1 if VMLAUNCH/VMRESUME failed. HOST_RSP is the %rsp at which the pointer
 * to @gprs sits on top of the stack; HOST_RIP is the exit path below.
 */
int kn_vmx_enter(struct kn_gprs *gprs, int launched);
__asm__(".pushsection .text\n"
	"kn_vmx_enter:\n"
	KN_PUSH_CALLEE_SAVED
	"	push %rdi\n"
	"	mov $" KN_STR(HOST_RSP_FIELD) ", %eax\n"
	"	vmwrite %rsp, %rax\n"
	"	lea .Lkn_vmx_exit(%rip), %rdx\n"
	"	mov $" KN_STR(HOST_RIP_FIELD) ", %eax\n"
	"	vmwrite %rdx, %rax\n"
	"	test %esi, %esi\n"	/* the movs below keep the flags */
	KN_GPRS_LOAD
	"	mov " KN_STR(KN_GPRS_RAX) "(%rdi), %rax\n"
	"	mov " KN_STR(KN_GPRS_RDI) "(%rdi), %rdi\n"
	"	jnz 1f\n"
	"	vmlaunch\n"
	"	jmp 2f\n"
	"1:	vmresume\n"
	"2:	add $8, %rsp\n"
	"	mov $1, %eax\n"
	"	jmp 3f\n"
	".Lkn_vmx_exit:\n"
	"	push %rdi\n"
	"	mov 8(%rsp), %rdi\n"
	KN_GPRS_STORE
	"	mov %rax, " KN_STR(KN_GPRS_RAX) "(%rdi)\n"
	"	popq " KN_STR(KN_GPRS_RDI) "(%rdi)\n"
	"	add $8, %rsp\n"
	"	xor %eax, %eax\n"
	"3:\n"
	KN_POP_CALLEE_SAVED
	"	ret\n"
	".popsection\n");

/* CR0/CR4 must hold the bits FIXED0 sets and none FIXED1 clears. */
static void check_fixed(uint64_t cr, uint32_t fixed0_msr)
{
	uint64_t fixed0 = kn_rdmsr(fixed0_msr), fixed1 = kn_rdmsr(fixed0_msr + 1);

	if ((cr & fixed0) != fixed0 || (cr & ~fixed1))
		KN_GUEST_FAIL("CR violates VMX fixed bits (cr, fixed0 msr)",
			      cr, fixed0_msr);
}

static void vmx_enable(struct kn_l2 *l2)
{
	uint64_t fc = kn_rdmsr(MSR_FEAT_CTL);
	uint32_t revision = kn_rdmsr(MSR_VMX_BASIC) & 0x7fffffff;

	KN_GUEST_ASSERT(kn_cpuid(1, 0).ecx >> 5 & 1);
	if (!(fc & FEAT_CTL_LOCKED)) {
		fc |= FEAT_CTL_LOCKED | FEAT_CTL_VMX_OUTSIDE_SMX;
		kn_wrmsr(MSR_FEAT_CTL, fc);
	}
	KN_GUEST_ASSERT(fc & FEAT_CTL_VMX_OUTSIDE_SMX);
	kn_write_cr4(kn_read_cr4() | KN_CR4_VMXE);
	check_fixed(kn_read_cr0(), MSR_VMX_CR0_FIXED0);
	check_fixed(kn_read_cr4(), MSR_VMX_CR4_FIXED0);

	*(uint32_t *)vmxon_region = revision;
	*(uint32_t *)vmcs = revision;
	vmxon(vmxon_region);
	vmclear(vmcs);
	vmptrld(vmcs);
	l2->ctx = (uint64_t)vmcs;
}

static void vmx_disable(struct kn_l2 *l2)
{
	(void)l2;
	__asm__ __volatile__("vmxoff" ::: "cc", "memory");
}

/*
 * The wanted bits plus those that must be 1 (low half of the capability
 * MSR), within those that may be 1 (high half). The TRUE_* MSRs, when they
 * exist, allow clearing some default-1 bits.
 */
static uint32_t controls(uint32_t msr, uint32_t want)
{
	bool use_true = kn_rdmsr(MSR_VMX_BASIC) & VMX_BASIC_TRUE_CTLS;
	uint64_t cap = kn_rdmsr(use_true ? msr + MSR_VMX_TRUE_OFFSET : msr);
	uint32_t ctl = (want | (uint32_t)cap) & (uint32_t)(cap >> 32);

	if ((ctl & want) != want)
		KN_GUEST_FAIL("VMX control not allowed (msr, wanted)", msr, want);
	return ctl;
}

/*
 * Zero in every field: no exceptions, MSR loads, event injection, CR
 * ownership or SYSENTER for L2; active and interruptible. Written all the
 * same, since a fresh VMCS's contents are undefined.
 */
static const uint16_t zeroed[] = {
	EXCEPTION_BITMAP, PAGE_FAULT_ERROR_CODE_MASK, PAGE_FAULT_ERROR_CODE_MATCH,
	CR3_TARGET_COUNT, VM_EXIT_MSR_STORE_COUNT, VM_EXIT_MSR_LOAD_COUNT,
	VM_ENTRY_MSR_LOAD_COUNT, VM_ENTRY_INTR_INFO_FIELD, CR0_GUEST_HOST_MASK,
	CR4_GUEST_HOST_MASK, HOST_IA32_SYSENTER_CS, HOST_IA32_SYSENTER_ESP,
	HOST_IA32_SYSENTER_EIP, GUEST_IA32_DEBUGCTL, GUEST_INTERRUPTIBILITY_INFO,
	GUEST_ACTIVITY_STATE, GUEST_PENDING_DBG_EXCEPTIONS, GUEST_SYSENTER_CS,
	GUEST_SYSENTER_ESP, GUEST_SYSENTER_EIP,
};

static void setup_controls(void)
{
	for (unsigned int i = 0; i < sizeof(zeroed) / sizeof(zeroed[0]); i++)
		vmwrite(zeroed[i], 0);
	vmwrite(PIN_BASED_VM_EXEC_CONTROL, controls(MSR_VMX_PINBASED_CTLS, 0));
	/* CPUID exits unconditionally; I/O and MSRs are left to L0. */
	vmwrite(CPU_BASED_VM_EXEC_CONTROL,
		controls(MSR_VMX_PROCBASED_CTLS, PROC_HLT_EXITING));
	vmwrite(VM_EXIT_CONTROLS,
		controls(MSR_VMX_EXIT_CTLS, EXIT_HOST_ADDR_SPACE_SIZE));
	vmwrite(VM_ENTRY_CONTROLS, controls(MSR_VMX_ENTRY_CTLS, ENTRY_IA32E_MODE));
	vmwrite(VMCS_LINK_POINTER, ~0ULL);
}

/* Host state = L1 as it is now; L2 gets the same, plus its own RIP/RSP. */
static void setup_host(const struct kn_state *st)
{
	for (int i = 0; i < KN_NR_SEGS; i++) {
		/* Host selectors: ES..GS, then TR; there is no host LDTR. */
		if (i != KN_LDTR)
			vmwrite(i == KN_TR ? HOST_TR_SELECTOR : HOST_ES_SELECTOR + 2 * i,
				st->seg[i].sel);
	}
	vmwrite(HOST_FS_BASE, st->seg[KN_FS].base);
	vmwrite(HOST_GS_BASE, st->seg[KN_GS].base);
	vmwrite(HOST_TR_BASE, st->seg[KN_TR].base);
	vmwrite(HOST_GDTR_BASE, st->gdt_base);
	vmwrite(HOST_IDTR_BASE, st->idt_base);
	vmwrite(HOST_CR0, st->cr0);
	vmwrite(HOST_CR3, st->cr3);
	vmwrite(HOST_CR4, st->cr4);
}

static void setup_guest(const struct kn_state *st, uint64_t rip, uint64_t rsp)
{
	for (int i = 0; i < KN_NR_SEGS; i++) {
		const struct kn_seg *s = &st->seg[i];
		uint32_t ar = (s->attr & 0xff) | (s->attr & 0xf00) << 4;

		vmwrite(GUEST_ES_SELECTOR + 2 * i, s->sel);
		vmwrite(GUEST_ES_LIMIT + 2 * i, s->limit);
		vmwrite(GUEST_ES_AR_BYTES + 2 * i, s->unusable ? AR_UNUSABLE : ar);
		vmwrite(GUEST_ES_BASE + 2 * i, s->base);
	}
	vmwrite(GUEST_GDTR_BASE, st->gdt_base);
	vmwrite(GUEST_GDTR_LIMIT, st->gdt_limit);
	vmwrite(GUEST_IDTR_BASE, st->idt_base);
	vmwrite(GUEST_IDTR_LIMIT, st->idt_limit);
	vmwrite(GUEST_CR0, st->cr0);
	vmwrite(GUEST_CR3, st->cr3);
	vmwrite(GUEST_CR4, st->cr4);
	vmwrite(CR0_READ_SHADOW, st->cr0);
	vmwrite(CR4_READ_SHADOW, st->cr4);
	vmwrite(GUEST_DR7, 0x400);
	vmwrite(GUEST_RSP, rsp);
	vmwrite(GUEST_RIP, rip);
	vmwrite(GUEST_RFLAGS, 2);
}

static void vmx_setup(struct kn_l2 *l2, const struct kn_state *st,
		      uint64_t rip, uint64_t rsp)
{
	(void)l2;
	setup_controls();
	setup_host(st);
	setup_guest(st, rip, rsp);
}

static uint32_t vmx_run(struct kn_l2 *l2)
{
	uint32_t reason;

	if (kn_vmx_enter(&l2->gprs, l2->launched))
		KN_GUEST_FAIL("VMLAUNCH/VMRESUME failed (launched, VM-instruction error)",
			      l2->launched, vmread(VM_INSTRUCTION_ERROR));
	l2->launched = true;
	reason = vmread(VM_EXIT_REASON);
	if (reason & EXIT_REASON_ENTRY_FAILURE)
		KN_GUEST_FAIL("VM entry failed (exit reason, qualification)",
			      reason, vmread(EXIT_QUALIFICATION));
	return reason & 0xffff;
}

static void vmx_skip(struct kn_l2 *l2, unsigned int len)
{
	(void)l2;
	(void)len;	/* VMX always reports it */
	vmwrite(GUEST_RIP, vmread(GUEST_RIP) + vmread(VM_EXIT_INSTRUCTION_LEN));
	/* An STI or MOV SS shadow (bits 1:0) covered only the instruction skipped. */
	vmwrite(GUEST_INTERRUPTIBILITY_INFO, vmread(GUEST_INTERRUPTIBILITY_INFO) & ~3ULL);
}

const struct kn_l2_ops kn_vmx_ops = {
	.enable = vmx_enable,
	.disable = vmx_disable,
	.setup = vmx_setup,
	.run = vmx_run,
	.skip = vmx_skip,
};
