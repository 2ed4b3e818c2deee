// SPDX-License-Identifier: GPL-2.0
#include "kn_cpuforms.h"
#include "kn_l2.h"

struct kn_form_in kn_forms_in[KN_FORMS];
uint64_t kn_forms_res[KN_FORMS][4];
uint64_t kn_forms_rsp;

const char *const kn_forms_name[KN_FORMS] = {
	"0f a2", "66 0f a2", "48 0f a2 (REX.W)", "41 0f a2 (REX.B)",
	"2e 3e 66 0f a2", "66 48 0f a2", "12x2e 66 0f a2 (15 bytes)",
	"0f | a2 across a page boundary", "48 48 0f a2 (two REX)",
	"48 66 0f a2 (REX, then a legacy prefix)",
	"mov ss; 64 0f a2 (in the shadow), then HLT",
};

const uint8_t kn_forms_plain[KN_FORMS] = { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1 };

#define CANARY(r) "$(" KN_STR(KN_FORMS_CANARY_BASE) "+" #r ")"

__asm__(".pushsection .text\n"
	".macro kn_form_in i\n"
	"	mov kn_forms_in+16*\\i(%rip), %rax\n"
	"	mov kn_forms_in+16*\\i+8(%rip), %rcx\n"
	"	movabs $" KN_STR(KN_FORMS_JUNK) ", %rbx\n"
	"	mov %rbx, %rdx\n"
	".endm\n"
	".macro kn_form_out i\n"
	"	mov %rax, kn_forms_res+32*\\i(%rip)\n"
	"	mov %rbx, kn_forms_res+32*\\i+8(%rip)\n"
	"	mov %rcx, kn_forms_res+32*\\i+16(%rip)\n"
	"	mov %rdx, kn_forms_res+32*\\i+24(%rip)\n"
	".endm\n"
	".macro kn_form i, insn:vararg\n"
	"	kn_form_in \\i\n"
	"	\\insn\n"
	"	kn_form_out \\i\n"
	".endm\n"
	".globl kn_cpuid_forms\n"
	"kn_cpuid_forms:\n"
	KN_PUSH_CALLEE_SAVED
	"	mov %rsp, kn_forms_rsp(%rip)\n"
	"	movabs " CANARY(6) ", %rsi\n"
	"	movabs " CANARY(7) ", %rdi\n"
	"	movabs " CANARY(5) ", %rbp\n"
	"	movabs " CANARY(8) ", %r8\n"
	"	movabs " CANARY(9) ", %r9\n"
	"	movabs " CANARY(10) ", %r10\n"
	"	movabs " CANARY(11) ", %r11\n"
	"	movabs " CANARY(12) ", %r12\n"
	"	movabs " CANARY(13) ", %r13\n"
	"	movabs " CANARY(14) ", %r14\n"
	"	movabs " CANARY(15) ", %r15\n"
	"	kn_form 0, .byte 0x0f, 0xa2\n"
	"	kn_form 1, .byte 0x66, 0x0f, 0xa2\n"
	"	kn_form 2, .byte 0x48, 0x0f, 0xa2\n"
	"	kn_form 3, .byte 0x41, 0x0f, 0xa2\n"
	"	kn_form 4, .byte 0x2e, 0x3e, 0x66, 0x0f, 0xa2\n"
	"	kn_form 5, .byte 0x66, 0x48, 0x0f, 0xa2\n"
	"	kn_form 6, .byte 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x66, 0x0f, 0xa2\n"
	"	kn_form 7, call kn_cpuid_cross\n"
	"	kn_form 8, .byte 0x48, 0x48, 0x0f, 0xa2\n"
	"	kn_form 9, .byte 0x48, 0x66, 0x0f, 0xa2\n"
	/*
	 * The last: CPUID in a MOV SS shadow, HLT right after it. Whoever
	 * skips the CPUID must end the shadow, or the HLT exit shows it.
	 * RBX is junk until CPUID anyway.
	 */
	"	kn_form_in 10\n"
	"	mov %ss, %ebx\n"
	"	mov %ebx, %ss\n"
	"	.byte 0x64, 0x0f, 0xa2\n"
	".globl kn_forms_hlt\n"
	"kn_forms_hlt:\n"
	"	hlt\n"
	"	kn_form_out 10\n"
	KN_POP_CALLEE_SAVED
	"	ret\n"
	/* 0F on the last byte of a page, A2 on the first of the next. */
	"	.balign 4096\n"
	"	.fill 4095, 1, 0xcc\n"
	"kn_cpuid_cross:\n"
	"	.byte 0x0f, 0xa2\n"
	"	ret\n"
	".purgem kn_form\n"
	".purgem kn_form_in\n"
	".purgem kn_form_out\n"
	".popsection\n");
