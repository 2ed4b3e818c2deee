/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side: a KVM_NEST_CH_REPORT buffer as a child kvm-nest would write
 * it (include/uapi/linux/kvm_nest_channel.h): one KVM_NEST_CH_A_DOLL nest
 * of KVM_NEST_A_DOLL_* attributes per doll.
 */
#ifndef KN_CHAN_REPORT_H
#define KN_CHAN_REPORT_H

#include <stdint.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "../../include/uapi/linux/kvm_nest_channel.h"
#include "kn_nla.h"

/* Bits of kn_ch_doll.have: the attributes to write. */
#define KN_CH_HAVE(type)	(1u << (type))
#define KN_CH_NEEDED	(KN_CH_HAVE(KVM_NEST_A_DOLL_ID) |		\
			 KN_CH_HAVE(KVM_NEST_A_DOLL_PARENT) |		\
			 KN_CH_HAVE(KVM_NEST_A_DOLL_LEVEL))
#define KN_CH_ALL	(KN_CH_NEEDED |					\
			 KN_CH_HAVE(KVM_NEST_A_DOLL_PID) |		\
			 KN_CH_HAVE(KVM_NEST_A_DOLL_NAME) |		\
			 KN_CH_HAVE(KVM_NEST_A_DOLL_VCPUS) |		\
			 KN_CH_HAVE(KVM_NEST_A_DOLL_MEM) |		\
			 KN_CH_HAVE(KVM_NEST_A_DOLL_GUEST_NS) |		\
			 KN_CH_HAVE(KVM_NEST_A_DOLL_EXITS) |		\
			 KN_CH_HAVE(KVM_NEST_A_DOLL_REFLECTED))

struct kn_ch_doll {
	uint32_t id, parent, level;
	uint32_t have;
	const char *name;
	uint32_t pid, vcpus;
	uint64_t mem, guest_ns, exits, reflected;
	unsigned int nr_self, nr_nested;
	const uint64_t *self, *nested;	/* CTX_SELF, CTX_NESTED addresses */
};

/* The attributes of @d, without the nest around them. */
void kn_ch_doll_attrs(struct kn_nla *b, const struct kn_ch_doll *d);
/* The nest of one doll; returns its offset. */
size_t kn_ch_put_doll(struct kn_nla *b, const struct kn_ch_doll *d);

#endif
