// SPDX-License-Identifier: GPL-2.0
/*
 * A FETCH answer, parsed the way a child kvm-nest reads it.  Guest code
 * calls this, so no libc: no memset or memcpy calls, and loops whose end
 * depends on the data, which the compiler cannot turn into such calls.
 */
#include <stddef.h>

#include "kn_chan_self.h"
#include "kn_genl.h"

/* A u32 or u64 attribute: its value, or false if its size is wrong. */
static int kn_chan_self_u32(const struct nlattr *a, uint32_t *v)
{
	if (kn_nla_len(a) != sizeof(*v))
		return 0;
	*v = *(const uint32_t *)kn_nla_data(a);
	return 1;
}

static int kn_chan_self_u64(const struct nlattr *a, uint64_t *v)
{
	const uint32_t *w = kn_nla_data(a);

	/* Attributes are 4-byte aligned: read the halves (x86: low first). */
	if (kn_nla_len(a) != sizeof(*v))
		return 0;
	*v = w[0] | (uint64_t)w[1] << 32;
	return 1;
}

static int kn_chan_self_str(const struct nlattr *a, char *out)
{
	const char *p = kn_nla_data(a);
	unsigned int n = kn_nla_len(a), i = 0;

	while (i < n && i < KN_CHAN_SELF_CPUS_LEN - 1 && p[i]) {
		out[i] = p[i];
		i++;
	}
	out[i] = '\0';
	return i < n && !p[i];	/* NUL-terminated within the attribute */
}

static int kn_chan_self_env(struct kn_chan_self *s, const struct nlattr *a)
{
	switch (kn_nla_type(a)) {
	case KVM_NEST_A_ENV_CPU_LIMIT:
		return kn_chan_self_u32(a, &s->cpu_limit);
	case KVM_NEST_A_ENV_CPU_RESERVE:
		return kn_chan_self_u32(a, &s->cpu_reserve);
	case KVM_NEST_A_ENV_CPU_WEIGHT:
		return kn_chan_self_u32(a, &s->cpu_weight);
	case KVM_NEST_A_ENV_CPUS:
		return kn_chan_self_str(a, s->cpus);
	case KVM_NEST_A_ENV_MEM_LIMIT:
		return kn_chan_self_u64(a, &s->mem_limit);
	case KVM_NEST_A_ENV_MEM_RESERVE:
		return kn_chan_self_u64(a, &s->mem_reserve);
	case KVM_NEST_A_ENV_PAD:
		return 1;
	default:
		return 0;	/* not in the uapi: the parent lies */
	}
}

/* An attribute parsed (@ok) sets @bit in have; one that was not is bad. */
static void kn_chan_self_mark(struct kn_chan_self *s, int ok, uint32_t bit)
{
	if (ok)
		s->have |= bit;
	else
		s->bad++;
}

/* The bytes after the last whole attribute: none if the walk ended well. */
static uint64_t kn_chan_self_left(const void *start, const void *end,
			       uint64_t len)
{
	uint64_t used = (uint64_t)((const uint8_t *)end - (const uint8_t *)start);

	return used < len ? len - used : 0;
}

void kn_chan_self_parse(struct kn_chan_self *s, const void *buf, uint64_t len)
{
	const void *end = buf;

	s->have = 0;
	s->cpu_limit = s->cpu_reserve = s->cpu_weight = 0;
	s->mem_limit = s->mem_reserve = 0;
	s->cpus[0] = '\0';
	s->usage_cpu = 0;
	s->usage_mem = 0;
	s->cmds = 0;
	s->bad = 0;
	kn_nla_for_each(a, buf, len) {
		end = (const uint8_t *)a + NLA_ALIGN(a->nla_len);
		switch (kn_nla_type(a)) {
		case KVM_NEST_CH_A_SELF: {
			const void *in_end = kn_nla_data(a);

			s->have |= KN_CHAN_SELF_SELF;
			kn_nla_for_each(e, kn_nla_data(a), kn_nla_len(a)) {
				in_end = (const uint8_t *)e + NLA_ALIGN(e->nla_len);
				kn_chan_self_mark(s, kn_chan_self_env(s, e),
					       KN_CHAN_SELF_ENV(kn_nla_type(e)));
			}
			s->bad += kn_chan_self_left(kn_nla_data(a), in_end,
						 kn_nla_len(a)) != 0;
			break;
		}
		case KVM_NEST_CH_A_USAGE_CPU:
			kn_chan_self_mark(s, kn_chan_self_u32(a, &s->usage_cpu),
				       KN_CHAN_SELF_USAGE_CPU);
			break;
		case KVM_NEST_CH_A_USAGE_MEM:
			kn_chan_self_mark(s, kn_chan_self_u64(a, &s->usage_mem),
				       KN_CHAN_SELF_USAGE_MEM);
			break;
		case KVM_NEST_CH_A_CMD:
			s->cmds++;
			break;
		case KVM_NEST_CH_A_PAD:
			break;
		default:
			s->bad++;
		}
	}
	s->bad += kn_chan_self_left(buf, end, len) != 0;
}
