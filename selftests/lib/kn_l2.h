/* SPDX-License-Identifier: GPL-2.0 */
/*
 * L1 guest side: run a nested (L2) guest with SVM or VMX, whichever the CPU
 * vendor says. L2 shares L1's page tables (no NPT/EPT), GDT, IDT and
 * selectors, and runs on its own stack; its entry is an ordinary C function
 * whose return is a hypercall (VMMCALL/VMCALL) to L1.
 */
#ifndef KN_L2_H
#define KN_L2_H

#include <stdbool.h>
#include <stdint.h>

#include "kn_vm.h"

struct kn_gprs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/*
 * The exits L1 intercepts for L2, named apart from their vendor codes (see
 * kn_exit_code(), which host code also uses for kvm-nest's counters).
 */
enum kn_exit_kind { KN_CPUID_EXIT, KN_HLT_EXIT, KN_HYPERCALL_EXIT, KN_OTHER_EXIT };

struct kn_l2_ops;

struct kn_l2 {
	struct kn_gprs gprs;	/* L2's, while L1 handles an exit */
	uint64_t ctx;		/* vmcb12/vmcs12 guest-physical address */
	uint32_t exit;		/* last raw exit code / basic exit reason */
	enum kn_exit_kind kind;
	bool nrips;		/* SVM: next_rip is valid */
	bool launched;		/* VMX: VMRESUME from now on */
	const struct kn_l2_ops *ops;
};

struct kn_state;

struct kn_l2_ops {
	void (*enable)(struct kn_l2 *l2);
	/* Leaves SVM (EFER.SVME clear) or VMX operation (VMXOFF). */
	void (*disable)(struct kn_l2 *l2);
	void (*setup)(struct kn_l2 *l2, const struct kn_state *st,
		      uint64_t rip, uint64_t rsp);
	uint32_t (*run)(struct kn_l2 *l2);
	/* @len: length of the exiting instruction, for SVM without NRIPS */
	void (*skip)(struct kn_l2 *l2, unsigned int len);
};

extern const struct kn_l2_ops kn_svm_ops, kn_vmx_ops;

/* Host and guest: the vendor's exit code for @kind (SVM 0x72, VMX 10...). */
uint32_t kn_exit_code(enum kn_exit_kind kind);

void kn_l2_init(struct kn_l2 *l2, kn_guest_fn *entry, uint64_t arg);
enum kn_exit_kind kn_l2_run(struct kn_l2 *l2);
/* Resume L2 after the instruction that exited. */
void kn_l2_skip(struct kn_l2 *l2);
/* L2 side: exit to L1 (what returning from the entry function does). */
void kn_l2_hypercall(void);

/*
 * Asm helpers for the vendor entry code: load/store every GPR except
 * %rax, %rsp and %rdi from/to the struct kn_gprs at (%rdi).
 */
#define KN_GPRS(X)							\
	X(rbx, 0x08) X(rcx, 0x10) X(rdx, 0x18) X(rsi, 0x20) X(rbp, 0x30) \
	X(r8, 0x38) X(r9, 0x40) X(r10, 0x48) X(r11, 0x50) X(r12, 0x58)	\
	X(r13, 0x60) X(r14, 0x68) X(r15, 0x70)
#define KN_GPR_LOAD(r, off) "mov " #off "(%rdi), %" #r "\n"
#define KN_GPR_STORE(r, off) "mov %" #r ", " #off "(%rdi)\n"
#define KN_GPRS_LOAD KN_GPRS(KN_GPR_LOAD)
#define KN_GPRS_STORE KN_GPRS(KN_GPR_STORE)
#define KN_STR_(x) #x
#define KN_STR(x) KN_STR_(x)
#define KN_GPRS_RAX 0x00
#define KN_GPRS_RDI 0x28
#define KN_PUSH_CALLEE_SAVED "push %rbp\npush %rbx\npush %r12\npush %r13\npush %r14\npush %r15\n"
#define KN_POP_CALLEE_SAVED "pop %r15\npop %r14\npop %r13\npop %r12\npop %rbx\npop %rbp\n"

#endif
