/* SPDX-License-Identifier: GPL-2.0 */
/* A small deterministic PRNG (splitmix64): one seed, one sequence. */
#ifndef KN_PRNG_H
#define KN_PRNG_H

#include <stddef.h>
#include <stdint.h>

struct kn_prng {
	uint64_t s;
};

static inline uint64_t kn_rand(struct kn_prng *p)
{
	uint64_t z = (p->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); 0 for n == 0. The bias of % is irrelevant here. */
static inline uint64_t kn_below(struct kn_prng *p, uint64_t n)
{
	return n ? kn_rand(p) % n : 0;
}

/* Uniform in [lo, hi]. */
static inline uint64_t kn_range(struct kn_prng *p, uint64_t lo, uint64_t hi)
{
	return lo + kn_below(p, hi - lo + 1);
}

/* True one time in @n. */
static inline int kn_one_in(struct kn_prng *p, uint64_t n)
{
	return kn_below(p, n) == 0;
}

static inline void kn_rand_bytes(struct kn_prng *p, void *buf, size_t len)
{
	uint8_t *b = buf;

	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)kn_rand(p);
}

#endif
