// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>

#include "kn_l2.h"
#include "kn_state.h"
#include "kn_ucall.h"
#include "kn_x86.h"

#define KN_GPR_CHECK(r, off) \
	_Static_assert(offsetof(struct kn_gprs, r) == off, "kn_gprs." #r);
KN_GPRS(KN_GPR_CHECK)
_Static_assert(offsetof(struct kn_gprs, rax) == KN_GPRS_RAX, "kn_gprs.rax");
_Static_assert(offsetof(struct kn_gprs, rdi) == KN_GPRS_RDI, "kn_gprs.rdi");

#define KN_L2_STACK (16UL << 10)

/* One L2 per L1: its stack lives in the image, identity-mapped like the rest. */
static uint8_t l2_stack[KN_L2_STACK] __attribute__((aligned(16)));

static const struct {
	uint32_t svm, vmx;
	uint8_t len;		/* instruction length, for SVM without NRIPS */
} exits[] = {
	[KN_CPUID_EXIT] = { 0x72, 10, 2 },
	[KN_HLT_EXIT] = { 0x78, 12, 1 },
	[KN_HYPERCALL_EXIT] = { 0x81, 18, 3 },
};

uint32_t kn_exit_code(enum kn_exit_kind kind)
{
	return kn_vendor == KN_AMD ? exits[kind].svm : exits[kind].vmx;
}

void kn_l2_hypercall(void)
{
	if (kn_vendor == KN_AMD)
		__asm__ __volatile__("vmmcall" ::: "memory");
	else
		__asm__ __volatile__("vmcall" ::: "memory");
}

/* L2's return address: entered with %rsp 16-byte aligned, so call straight on. */
void kn_l2_ret(void);
__asm__(".pushsection .text\n"
	"kn_l2_ret:\n"
	"	call kn_l2_hypercall\n"
	"	ud2\n"
	".popsection\n");

void kn_l2_init(struct kn_l2 *l2, kn_guest_fn *entry, uint64_t arg)
{
	uint64_t *rsp = (uint64_t *)(l2_stack + KN_L2_STACK) - 1;
	struct kn_state st;

	kn_zero(l2, sizeof(*l2));
	l2->ops = kn_vendor == KN_AMD ? &kn_svm_ops : &kn_vmx_ops;
	/* Enable first: the state L2 inherits must include EFER.SVME / CR4.VMXE. */
	l2->ops->enable(l2);
	kn_state_read(&st);
	*rsp = (uint64_t)kn_l2_ret;
	l2->gprs.rdi = arg;
	l2->ops->setup(l2, &st, (uint64_t)entry, (uint64_t)rsp);
}

enum kn_exit_kind kn_l2_run(struct kn_l2 *l2)
{
	l2->exit = l2->ops->run(l2);
	for (l2->kind = 0; l2->kind < KN_OTHER_EXIT; l2->kind++)
		if (kn_exit_code(l2->kind) == l2->exit)
			break;
	return l2->kind;
}

void kn_l2_skip(struct kn_l2 *l2)
{
	if (l2->kind == KN_OTHER_EXIT)
		KN_GUEST_FAIL("cannot skip an unknown instruction (exit)", l2->exit, 0);
	l2->ops->skip(l2, exits[l2->kind].len);
}
