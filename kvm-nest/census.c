// SPDX-License-Identifier: GPL-2.0-only
/* The exit census table: claim a slot once, then count in it. */
#include <linux/bits.h>

#include "census.h"
#include "kvm/detail.h"

/* Bit 63 keeps a key from being 0, the mark of a free slot. */
static u64 kn_census_key(u32 code, u64 detail)
{
	return BIT_ULL(63) | (u64)(code & 0xffff) << 40 |
	       (u64)(KN_DETAIL_KIND(detail) & 0xff) << 32 | KN_DETAIL_VAL(detail);
}

void kn_census_add(struct kn_census *c, u32 code, u64 detail)
{
	u64 key = kn_census_key(code, detail);
	unsigned int i;

	for (i = 0; i < KN_CENSUS_SLOTS; i++) {
		s64 k = atomic64_read(&c->key[i]);

		if (!k) {
			k = atomic64_cmpxchg(&c->key[i], 0, key);
			if (!k)
				k = key;
		}
		if ((u64)k == key) {
			atomic64_inc(&c->count[i]);
			return;
		}
	}
	atomic64_inc(&c->overflow);
}

int kn_census_visit(const struct kn_census *c, kn_census_fn fn, void *arg)
{
	unsigned int i;
	int ret;

	for (i = 0; i < KN_CENSUS_SLOTS; i++) {
		u64 key = atomic64_read(&c->key[i]);
		u64 n = atomic64_read(&c->count[i]);

		if (!key || !n)
			continue;
		ret = fn((key >> 40) & 0xffff,
			 KN_DETAIL((key >> 32) & 0xff, (u32)key), n, arg);
		if (ret)
			return ret;
	}
	return 0;
}
