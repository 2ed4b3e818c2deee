// SPDX-License-Identifier: GPL-2.0
/* kn_l2_extras for SVM: VMCB fields from the AMD APM vol. 2, appendix B. */
#include "kn_l2_extras.h"
#include "kn_ucall.h"
#include "kn_x86.h"

#define VMCB_INTERCEPT_WORD3	0x00c
#define   INTERCEPT_CPUID	(1U << 18)
#define   INTERCEPT_PAUSE	(1U << 23)
#define   INTERCEPT_MSR_PROT	(1U << 28)
#define VMCB_MSRPM_BASE_PA	0x048
#define VMCB_INT_STATE		0x068
#define   INT_SHADOW		(1U << 0)
#define VMCB_EXIT_INFO1		0x078
#define VMCB_EXIT_INFO2		0x080
#define VMCB_NESTED_CTL		0x090
#define   NESTED_CTL_NP_ENABLE	(1UL << 0)
#define VMCB_N_CR3		0x0b0
#define VMCB_RFLAGS		0x570
#define VMCB_RIP		0x578
#define VMCB_RSP		0x5d8

#define SVM_EXIT_PAUSE		0x077
#define SVM_EXIT_MSR		0x07c
#define SVM_EXIT_NPF		0x400

#define MSRPM_SIZE		8192

static uint8_t msrpm[MSRPM_SIZE] __attribute__((aligned(4096)));

#define VMCB(l2, type, off) (*(type *)((l2)->ctx + (off)))

static enum kn_l2_extras_exit svm_kind(const struct kn_l2 *l2)
{
	switch (l2->exit) {
	case SVM_EXIT_MSR:
		return VMCB(l2, uint64_t, VMCB_EXIT_INFO1) ? KN_X_WRMSR : KN_X_RDMSR;
	case SVM_EXIT_PAUSE:
		return KN_X_PAUSE;
	case SVM_EXIT_NPF:
		return KN_X_NPF;
	default:
		return KN_X_OTHER;
	}
}

static void svm_intercept_pause(struct kn_l2 *l2)
{
	/* Without the pause filter feature the intercept is unconditional. */
	VMCB(l2, uint32_t, VMCB_INTERCEPT_WORD3) |= INTERCEPT_PAUSE;
}

/* The MSRPM holds two bits (read, write) per MSR in three 2 KiB ranges. */
static void svm_msrpm_set(struct kn_l2 *l2, uint32_t msr, unsigned int write)
{
	static const uint32_t base[] = { 0, 0xc0000000, 0xc0010000 };
	unsigned int r;

	for (r = 0; r < 3; r++)
		if (msr - base[r] < 0x2000)
			break;
	if (r == 3)
		KN_GUEST_FAIL("MSR outside the MSRPM (msr)", msr, 0);
	msrpm[r * 0x800 + (msr - base[r]) / 4] |= 1 << ((msr - base[r]) % 4 * 2 + write);
	VMCB(l2, uint64_t, VMCB_MSRPM_BASE_PA) = (uint64_t)msrpm;
	VMCB(l2, uint32_t, VMCB_INTERCEPT_WORD3) |= INTERCEPT_MSR_PROT;
}

static void svm_intercept_rdmsr(struct kn_l2 *l2, uint32_t msr)
{
	svm_msrpm_set(l2, msr, 0);
}

static void svm_intercept_wrmsr(struct kn_l2 *l2, uint32_t msr)
{
	svm_msrpm_set(l2, msr, 1);
}

static bool svm_paging(struct kn_l2 *l2, uint64_t root)
{
	if (!(kn_cpuid(0x8000000a, 0).edx & 1))
		return false;
	VMCB(l2, uint64_t, VMCB_NESTED_CTL) |= NESTED_CTL_NP_ENABLE;
	VMCB(l2, uint64_t, VMCB_N_CR3) = root;
	return true;
}

static uint64_t svm_fault_gpa(const struct kn_l2 *l2)
{
	return VMCB(l2, uint64_t, VMCB_EXIT_INFO2);
}

static void svm_state(const struct kn_l2 *l2, struct kn_l2_extras_state *s)
{
	s->rip = VMCB(l2, uint64_t, VMCB_RIP);
	s->rsp = VMCB(l2, uint64_t, VMCB_RSP);
	s->rflags = VMCB(l2, uint64_t, VMCB_RFLAGS);
	s->shadow = VMCB(l2, uint32_t, VMCB_INT_STATE) & INT_SHADOW;
}

static bool svm_intercept_cpuid(struct kn_l2 *l2, bool on)
{
	if (on)
		VMCB(l2, uint32_t, VMCB_INTERCEPT_WORD3) |= INTERCEPT_CPUID;
	else
		VMCB(l2, uint32_t, VMCB_INTERCEPT_WORD3) &= ~INTERCEPT_CPUID;
	return true;
}

const struct kn_l2_extras_ops kn_l2_extras_svm = {
	.kind = svm_kind,
	.intercept_pause = svm_intercept_pause,
	.intercept_rdmsr = svm_intercept_rdmsr,
	.intercept_wrmsr = svm_intercept_wrmsr,
	.paging = svm_paging,
	.fault_gpa = svm_fault_gpa,
	.state = svm_state,
	.intercept_cpuid = svm_intercept_cpuid,
	.fmt = &kn_tdp_npt,
};
