/* SPDX-License-Identifier: GPL-2.0 */
/* x86 instructions and architectural constants, usable in guest code. */
#ifndef KN_X86_H
#define KN_X86_H

#include <stdint.h>

#define KN_CR0_PE	(1UL << 0)
#define KN_CR0_MP	(1UL << 1)
#define KN_CR0_ET	(1UL << 4)
#define KN_CR0_NE	(1UL << 5)
#define KN_CR0_WP	(1UL << 16)
#define KN_CR0_AM	(1UL << 18)
#define KN_CR0_PG	(1UL << 31)
#define KN_CR4_PAE	(1UL << 5)
#define KN_CR4_OSFXSR	(1UL << 9)
#define KN_CR4_OSXMMEXCPT (1UL << 10)
#define KN_CR4_VMXE	(1UL << 13)

#define KN_MSR_EFER	0xc0000080
#define KN_EFER_LME	(1UL << 8)
#define KN_EFER_LMA	(1UL << 10)
#define KN_EFER_SVME	(1UL << 12)
#define KN_MSR_FS_BASE	0xc0000100
#define KN_MSR_GS_BASE	0xc0000101
#define KN_MSR_PAT	0x277

struct kn_cpuid {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct kn_cpuid kn_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct kn_cpuid r;

	__asm__ __volatile__("cpuid"
			     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t kn_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void kn_wrmsr(uint32_t msr, uint64_t val)
{
	__asm__ __volatile__("wrmsr"
			     :: "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
			     : "memory");
}

#define KN_CR_READER(n)						\
static inline uint64_t kn_read_cr##n(void)				\
{									\
	uint64_t v;							\
									\
	__asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v));		\
	return v;							\
}
KN_CR_READER(0)
KN_CR_READER(3)
KN_CR_READER(4)

static inline void kn_write_cr4(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr4" :: "r"(v) : "memory");
}

/* Pseudo-descriptor as stored by sgdt/sidt. */
struct __attribute__((packed)) kn_dtr {
	uint16_t limit;
	uint64_t base;
};

static inline struct kn_dtr kn_sgdt(void)
{
	struct kn_dtr d;

	__asm__ __volatile__("sgdt %0" : "=m"(d));
	return d;
}

static inline struct kn_dtr kn_sidt(void)
{
	struct kn_dtr d;

	__asm__ __volatile__("sidt %0" : "=m"(d));
	return d;
}

/* Zeroing that the compiler cannot turn into a call to libc's memset. */
static inline void kn_zero(void *p, uint64_t len)
{
	__asm__ __volatile__("rep stosb" : "+D"(p), "+c"(len) : "a"(0) : "memory");
}

#endif
