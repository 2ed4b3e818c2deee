// SPDX-License-Identifier: GPL-2.0
#include "kn_chan_report.h"

static void u32_if(struct kn_nla *b, const struct kn_ch_doll *d, uint16_t type,
		   uint32_t v)
{
	if (d->have & KN_CH_HAVE(type))
		kn_nla_u32(b, type, v);
}

static void u64_if(struct kn_nla *b, const struct kn_ch_doll *d, uint16_t type,
		   uint64_t v)
{
	if (d->have & KN_CH_HAVE(type))
		kn_nla_u64(b, type, v);
}

void kn_ch_doll_attrs(struct kn_nla *b, const struct kn_ch_doll *d)
{
	u32_if(b, d, KVM_NEST_A_DOLL_ID, d->id);
	u32_if(b, d, KVM_NEST_A_DOLL_PARENT, d->parent);
	u32_if(b, d, KVM_NEST_A_DOLL_LEVEL, d->level);
	u32_if(b, d, KVM_NEST_A_DOLL_PID, d->pid);
	if (d->have & KN_CH_HAVE(KVM_NEST_A_DOLL_NAME))
		kn_nla_str(b, KVM_NEST_A_DOLL_NAME, d->name);
	u32_if(b, d, KVM_NEST_A_DOLL_VCPUS, d->vcpus);
	u64_if(b, d, KVM_NEST_A_DOLL_MEM, d->mem);
	u64_if(b, d, KVM_NEST_A_DOLL_GUEST_NS, d->guest_ns);
	u64_if(b, d, KVM_NEST_A_DOLL_EXITS, d->exits);
	u64_if(b, d, KVM_NEST_A_DOLL_REFLECTED, d->reflected);
	for (unsigned int i = 0; i < d->nr_self; i++)
		kn_nla_u64(b, KVM_NEST_CH_A_CTX_SELF, d->self[i]);
	for (unsigned int i = 0; i < d->nr_nested; i++)
		kn_nla_u64(b, KVM_NEST_CH_A_CTX_NESTED, d->nested[i]);
}

size_t kn_ch_put_doll(struct kn_nla *b, const struct kn_ch_doll *d)
{
	size_t nest = kn_nla_nest(b, KVM_NEST_CH_A_DOLL);

	kn_ch_doll_attrs(b, d);
	kn_nla_end(b, nest);
	return nest;
}
