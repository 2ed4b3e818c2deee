/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest -> host calls. The guest fills a struct kn_ucall in its own memory
 * and writes its guest-physical address (always below 4 GiB here) to
 * KN_UCALL_PORT with one 32-bit OUT, so the host needs no register read.
 * L2 code may use them too: an L1 that does not intercept I/O lets L0 take
 * the OUT as if L1 had done it, and memory is identity-mapped at each level.
 */
#ifndef KN_UCALL_H
#define KN_UCALL_H

#include <stdint.h>
#include <stdnoreturn.h>

#define KN_UCALL_PORT 0x4e4b

enum kn_uc_cmd {
	KN_UC_NONE,		/* host only: KVM_RUN was interrupted */
	KN_UC_SYNC,		/* args: values for the host */
	KN_UC_DONE,		/* the guest entry function returned */
	KN_UC_FAIL,		/* file:line, msg, args */
	KN_UC_EXCEPTION,	/* args: vector, error code, rip */
};

#define KN_UC_ARGS 4

/* Layout shared by guest and host: fixed-size fields only. */
struct kn_ucall {
	uint32_t cmd;
	uint32_t line;
	uint64_t file;		/* guest address of a NUL-terminated string */
	uint64_t msg;
	uint64_t args[KN_UC_ARGS];
};

void kn_ucall(uint32_t cmd, const char *file, uint32_t line, const char *msg,
	      uint64_t a0, uint64_t a1, uint64_t a2);
noreturn void kn_guest_fail(const char *file, uint32_t line, const char *msg,
			    uint64_t a0, uint64_t a1, uint64_t a2);

#define KN_GUEST_SYNC(a0, a1)						\
	kn_ucall(KN_UC_SYNC, __FILE__, __LINE__, NULL, (a0), (a1), 0)
#define KN_GUEST_FAIL(msg, a0, a1)					\
	kn_guest_fail(__FILE__, __LINE__, (msg), (a0), (a1), 0)
#define KN_GUEST_ASSERT(cond)						\
	do {								\
		if (!(cond))						\
			KN_GUEST_FAIL(#cond, 0, 0);			\
	} while (0)
/* Reports both values on failure. */
#define KN_GUEST_ASSERT_EQ(a, b)					\
	do {								\
		uint64_t a_ = (a), b_ = (b);				\
									\
		if (a_ != b_)						\
			KN_GUEST_FAIL(#a " == " #b, a_, b_);		\
	} while (0)

#endif
