/* SPDX-License-Identifier: GPL-2.0 */
/*
 * L2 code: CPUID in several encodings (prefixes, REX, 15 bytes, across a
 * page boundary) with canaries in every GPR that CPUID leaves alone; the
 * last one in a MOV SS interrupt shadow, with HLT right after it.
 * Whoever answers the CPUIDs must advance RIP by each one's length, end
 * the shadow, and change nothing but RAX..RDX, zero-extended: L1, at the
 * HLT exit, finds what a hypervisor that handled every CPUID itself
 * would find. (QEMU TCG drops a shadow as the next instruction starts, so
 * it never reports one at an intercept: the shadow check bites on
 * hardware and Bochs only.)
 */
#ifndef KN_CPUFORMS_H
#define KN_CPUFORMS_H

#include <stdint.h>

#define KN_FORMS	11
/* Canary of GPR number r (RSI 6, RDI 7, RBP 5, R8-R15 8-15). */
#define KN_FORMS_CANARY_BASE	0x6b6e63616e000000
#define KN_FORMS_CANARY(r)	(KN_FORMS_CANARY_BASE + (r))
/* What RBX and RDX hold before each CPUID: their upper halves must go. */
#define KN_FORMS_JUNK		0xa5a5a5a5a5a5a5a5

/* Per form: RAX and RCX before it (upper halves junk, too). */
struct kn_form_in {
	uint64_t rax, rcx;
};

extern struct kn_form_in kn_forms_in[KN_FORMS];
/* Per form: RAX, RBX, RCX, RDX after it. */
extern uint64_t kn_forms_res[KN_FORMS][4];
/* RSP from the first CPUID to the HLT. */
extern uint64_t kn_forms_rsp;
/* The HLT, right after the last CPUID. */
extern const char kn_forms_hlt[];
extern const char *const kn_forms_name[KN_FORMS];
/*
 * Whether a form is what a minimal decoder takes (legacy prefixes, at
 * most one REX right before 0F A2): the others are valid CPUIDs that a
 * decoder may leave to L1.
 */
extern const uint8_t kn_forms_plain[KN_FORMS];

/* L2: every form in order, the last one's results still in RAX..RDX at the HLT. */
void kn_cpuid_forms(void);

#endif
