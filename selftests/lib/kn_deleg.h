/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPUID and RDMSR delegation policies (KVM_NEST_CH_DELEGATE) as a test hypervisor
 * keeps and sends them: the lookup L0 must do (guest and host code), the
 * CPUID decoder an L1 without NRIPS needs to skip prefixed forms (guest
 * code), and the wire format (host code).
 */
#ifndef KN_DELEG_H
#define KN_DELEG_H

#include <stddef.h>
#include <stdint.h>

#include "../../include/uapi/linux/kvm_nest_channel.h"

/* KVM's KVM_CPUID_FLAG_SIGNIFCANT_INDEX, the only entry flag allowed. */
#define KN_CPUID_SIGNIFICANT	1U

/*
 * The entry of @t that answers CPUID (@leaf, @sub), or NULL: the first
 * whose function matches and, if its index is significant, its index.
 */
const struct kvm_nest_ch_cpuid *kn_deleg_find(const struct kvm_nest_ch_cpuid *t,
					      uint32_t n, uint32_t leaf,
					      uint32_t sub);

/*
 * Length of the CPUID at @p: any legacy prefixes and REX bytes, then
 * 0F A2, at most 15 bytes in all; 0 if @p holds something else.
 */
unsigned int kn_cpuid_len(const volatile uint8_t *p);

/* Host: writes a DELEGATE buffer (header, @n entries) to @buf; its length. */
size_t kn_deleg_put(void *buf, uint64_t ctx, uint32_t classes, uint32_t flags,
		    const struct kvm_nest_ch_cpuid *t, uint32_t n);
/* The same with @nm MSRs after the entries. */
size_t kn_deleg_put_msr(void *buf, uint64_t ctx, uint32_t classes, uint32_t flags,
			const struct kvm_nest_ch_cpuid *t, uint32_t n,
			const struct kvm_nest_ch_msr *m, uint32_t nm);

#endif
