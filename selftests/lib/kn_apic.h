/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest side: the local APIC in x2APIC mode with a TSC-deadline timer, so
 * guest code can HLT and be woken. The host must create an in-kernel
 * irqchip before its vCPUs (kn_apic_vm()).
 */
#ifndef KN_APIC_H
#define KN_APIC_H

#include <stdint.h>

#include "kn_vm.h"

#define KN_APIC_TIMER_VECTOR	0x40

/* Host: KVM_CREATE_IRQCHIP and the TSC-deadline CPUID bit; before kn_vcpu_add(). */
void kn_apic_vm(struct kn_vm *vm);
/* Host: the guest's TSC frequency in kHz (KVM_GET_TSC_KHZ). */
uint64_t kn_apic_tsc_khz(struct kn_vcpu *vcpu);

/* Guest: install the timer's interrupt gate, enable x2APIC and the timer. */
void kn_apic_init(void);
/* Guest: the timer fires at TSC @deadline (0 disarms it). */
void kn_apic_arm(uint64_t deadline);
/*
 * Guest: STI; HLT; CLI, stepping over the red zone first, because the
 * interrupt frame is pushed below %rsp. The handler only sends the EOI.
 */
void kn_apic_halt(void);

static inline uint64_t kn_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

#endif
