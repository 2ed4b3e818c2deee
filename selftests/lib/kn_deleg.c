// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "kn_deleg.h"

/* Guest code: no libc. */
const struct kvm_nest_ch_cpuid *kn_deleg_find(const struct kvm_nest_ch_cpuid *t,
					      uint32_t n, uint32_t leaf,
					      uint32_t sub)
{
	for (uint32_t i = 0; i < n; i++)
		if (t[i].function == leaf &&
		    (!(t[i].flags & KN_CPUID_SIGNIFICANT) || t[i].index == sub))
			return &t[i];
	return NULL;
}

static int is_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf2: case 0xf3:
		return 1;
	default:
		return (b & 0xf0) == 0x40;	/* REX, in 64-bit mode */
	}
}

/* Guest code; the SDM's limit of 15 bytes per instruction. */
unsigned int kn_cpuid_len(const volatile uint8_t *p)
{
	unsigned int i = 0;

	while (i < 13 && is_prefix(p[i]))
		i++;
	return p[i] == 0x0f && p[i + 1] == 0xa2 ? i + 2 : 0;
}

size_t kn_deleg_put_msr(void *buf, uint64_t ctx, uint32_t classes, uint32_t flags,
			const struct kvm_nest_ch_cpuid *t, uint32_t n,
			const struct kvm_nest_ch_msr *m, uint32_t nm)
{
	struct kvm_nest_ch_delegate h = {
		.ctx = ctx, .classes = classes, .flags = flags, .nr_cpuid = n,
		.nr_msr = nm,
	};
	size_t len = sizeof(h) + n * sizeof(*t);

	memcpy(buf, &h, sizeof(h));
	if (n)
		memcpy((uint8_t *)buf + sizeof(h), t, n * sizeof(*t));
	if (nm)
		memcpy((uint8_t *)buf + len, m, nm * sizeof(*m));
	return len + nm * sizeof(*m);
}

size_t kn_deleg_put(void *buf, uint64_t ctx, uint32_t classes, uint32_t flags,
		    const struct kvm_nest_ch_cpuid *t, uint32_t n)
{
	return kn_deleg_put_msr(buf, ctx, classes, flags, t, n, NULL, 0);
}
