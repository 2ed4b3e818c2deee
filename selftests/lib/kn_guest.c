// SPDX-License-Identifier: GPL-2.0
/*
 * Code that runs inside the guest: the entry trampoline, ucalls and the
 * exception stubs. It must not call libc: the image is copied as it is in
 * the host process, whose IFUNC choices (e.g. AVX memcpy) need CPU state
 * the guest does not have.
 */
#include <stddef.h>

#include "kn_ucall.h"

void kn_ucall(uint32_t cmd, const char *file, uint32_t line, const char *msg,
	      uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct kn_ucall uc;

	uc.cmd = cmd;
	uc.line = line;
	uc.file = (uint64_t)file;
	uc.msg = (uint64_t)msg;
	uc.args[0] = a0;
	uc.args[1] = a1;
	uc.args[2] = a2;
	uc.args[3] = 0;
	__asm__ __volatile__("outl %0, %w1"
			     :: "a"((uint32_t)(uint64_t)&uc), "d"(KN_UCALL_PORT)
			     : "memory");
}

noreturn void kn_guest_fail(const char *file, uint32_t line, const char *msg,
			    uint64_t a0, uint64_t a1, uint64_t a2)
{
	kn_ucall(KN_UC_FAIL, file, line, msg, a0, a1, a2);
	for (;;)		/* the host never resumes a failed guest */
		;
}

void kn_guest_done(void);
void kn_guest_done(void)
{
	kn_ucall(KN_UC_DONE, __FILE__, __LINE__, NULL, 0, 0, 0);
	KN_GUEST_FAIL("resumed after DONE", 0, 0);
}

noreturn void kn_guest_exception(uint64_t vector, uint64_t error, uint64_t rip);
noreturn void kn_guest_exception(uint64_t vector, uint64_t error, uint64_t rip)
{
	kn_ucall(KN_UC_EXCEPTION, __FILE__, __LINE__, NULL, vector, error, rip);
	for (;;)
		;
}

/*
 * The host starts every vCPU here with %rax = entry function, %rdi = its
 * argument and a 16-byte aligned %rsp, so the entry is an ordinary C
 * function that may simply return.
 *
 * Exception stubs: one 16-byte slot per vector (the host fills the IDT
 * from kn_exc_stubs + 16 * vector). Vectors without an error code push a
 * zero so that the common path sees one frame layout. The mask has the
 * bits of vectors 8, 10-14, 17, 21, 29 and 30.
 */
__asm__(
	".pushsection .text\n"
	".globl kn_guest_start\n"
	"kn_guest_start:\n"
	"	call *%rax\n"
	"	call kn_guest_done\n"
	"	ud2\n"
	".balign 16\n"
	".globl kn_exc_stubs\n"
	"kn_exc_stubs:\n"
	"	vector = 0\n"
	"	.rept 32\n"
	"	.balign 16\n"
	"	.if ((0x60227d00 >> vector) & 1) == 0\n"
	"	pushq $0\n"
	"	.endif\n"
	"	pushq $vector\n"
	"	jmp kn_exc_common\n"
	"	vector = vector + 1\n"
	"	.endr\n"
	"kn_exc_common:\n"
	"	mov 0(%rsp), %rdi\n"	/* vector */
	"	mov 8(%rsp), %rsi\n"	/* error code */
	"	mov 16(%rsp), %rdx\n"	/* rip of the faulting instruction */
	"	and $-16, %rsp\n"
	"	call kn_guest_exception\n"
	".popsection\n");
