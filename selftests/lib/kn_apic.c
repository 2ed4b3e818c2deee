// SPDX-License-Identifier: GPL-2.0
/* x2APIC TSC-deadline timer for guest code; register numbers from the SDM vol. 3A ch. 11. */
#include <sys/ioctl.h>

#include "kn_apic.h"
#include "kn_l2.h"
#include "kn_tap.h"
#include "kn_x86.h"

#define MSR_APIC_BASE		0x1b
#define   APIC_BASE_EXTD	(1UL << 10)
#define   APIC_BASE_EN		(1UL << 11)
#define MSR_TSC_DEADLINE	0x6e0
#define MSR_X2APIC_EOI		0x80b
#define MSR_X2APIC_SVR		0x80f
#define   SVR_ENABLE		(1U << 8)
#define MSR_X2APIC_LVTT		0x832
#define   LVTT_TSC_DEADLINE	(2U << 17)
#define CPUID_1_ECX_TSC_DEADLINE (1U << 24)

void kn_apic_vm(struct kn_vm *vm)
{
	if (ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0) < 0)
		kn_die("KVM_CREATE_IRQCHIP");
	/* KVM emulates the TSC-deadline timer but leaves the CPUID bit to userspace. */
	for (uint32_t i = 0; i < vm->cpuid->nent; i++)
		if (vm->cpuid->entries[i].function == 1)
			vm->cpuid->entries[i].ecx |= CPUID_1_ECX_TSC_DEADLINE;
}

uint64_t kn_apic_tsc_khz(struct kn_vcpu *vcpu)
{
	int khz = ioctl(vcpu->fd, KVM_GET_TSC_KHZ, 0);

	if (khz <= 0)
		kn_die("KVM_GET_TSC_KHZ");
	return khz;
}

void kn_apic_isr(void);
__asm__(".pushsection .text\n"
	"kn_apic_isr:\n"
	"	push %rax\n"
	"	push %rcx\n"
	"	push %rdx\n"
	"	mov $" KN_STR(MSR_X2APIC_EOI) ", %ecx\n"
	"	xor %eax, %eax\n"
	"	xor %edx, %edx\n"
	"	wrmsr\n"
	"	pop %rdx\n"
	"	pop %rcx\n"
	"	pop %rax\n"
	"	iretq\n"
	".popsection\n");

/* The host's IDT page has room for all 256 gates; only the first 32 are set. */
static void install_gate(unsigned int vector)
{
	struct kn_dtr idt = kn_sidt();
	uint64_t *gate = (uint64_t *)idt.base + 2 * vector;
	uint64_t off = (uint64_t)kn_apic_isr;
	struct kn_dtr full = { .limit = 16 * 256 - 1, .base = idt.base };

	/* Present, DPL 0, 64-bit interrupt gate, as kn_long_mode.c builds them. */
	gate[0] = (off & 0xffff) | (uint64_t)KN_SEL_CODE << 16 |
		  0x8eUL << 40 | (off >> 16 & 0xffff) << 48;
	gate[1] = off >> 32;
	__asm__ __volatile__("lidt %0" :: "m"(full) : "memory");
}

void kn_apic_init(void)
{
	install_gate(KN_APIC_TIMER_VECTOR);
	kn_wrmsr(MSR_APIC_BASE, kn_rdmsr(MSR_APIC_BASE) | APIC_BASE_EN | APIC_BASE_EXTD);
	kn_wrmsr(MSR_X2APIC_SVR, SVR_ENABLE | 0xff);
	kn_wrmsr(MSR_X2APIC_LVTT, LVTT_TSC_DEADLINE | KN_APIC_TIMER_VECTOR);
}

void kn_apic_arm(uint64_t deadline)
{
	kn_wrmsr(MSR_TSC_DEADLINE, deadline);
}

void kn_apic_halt(void)
{
	__asm__ __volatile__("sub $128, %%rsp\n\tsti\n\thlt\n\tcli\n\tadd $128, %%rsp"
			     ::: "memory");
}
