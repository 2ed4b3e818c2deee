/* SPDX-License-Identifier: GPL-2.0-only */
/* Shim: atomics on the compiler's builtins, sequentially consistent. */
#ifndef KN_SHIM_LINUX_ATOMIC_H
#define KN_SHIM_LINUX_ATOMIC_H

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	long long counter;
} atomic64_t;

static inline long long atomic64_read(const atomic64_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_SEQ_CST);
}

static inline void atomic64_inc(atomic64_t *v)
{
	__atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST);
}

/* Returns the value it found, as the kernel's does. */
static inline long long atomic64_cmpxchg(atomic64_t *v, long long old,
					 long long new)
{
	__atomic_compare_exchange_n(&v->counter, &old, new, 0,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return old;
}

#endif
