/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a KVM_NEST_CH_FETCH answer tells a child about itself
 * (include/uapi/linux/kvm_nest_channel.h): its envelope as the parent
 * holds it (KVM_NEST_CH_A_SELF) and its usage as the parent measured it.
 * No libc, so that guest code can parse its own answer.
 */
#ifndef KN_CHAN_SELF_H
#define KN_CHAN_SELF_H

#include <stdint.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "../../include/uapi/linux/kvm_nest_channel.h"

/* Bits of kn_chan_self.have: the envelope fields sent, then the rest. */
#define KN_CHAN_SELF_ENV(type)	(1u << (type))
#define KN_CHAN_SELF_SELF		(1u << 16)	/* the SELF nest itself */
#define KN_CHAN_SELF_USAGE_CPU	(1u << 17)
#define KN_CHAN_SELF_USAGE_MEM	(1u << 18)

#define KN_CHAN_SELF_CPUS_LEN	64

struct kn_chan_self {
	uint32_t have;
	uint32_t cpu_limit, cpu_reserve, cpu_weight;	/* milli-CPUs, weight */
	uint64_t mem_limit, mem_reserve;		/* bytes */
	char cpus[KN_CHAN_SELF_CPUS_LEN];
	uint32_t usage_cpu;				/* milli-CPUs */
	uint64_t usage_mem;				/* bytes */
	uint32_t cmds;		/* KVM_NEST_CH_A_CMD nests: commands for us */
	uint32_t bad;		/* attributes of a wrong size, stray bytes */
};

/* Fills @s from the @len bytes of a FETCH answer at @buf. */
void kn_chan_self_parse(struct kn_chan_self *s, const void *buf, uint64_t len);

#endif
