// SPDX-License-Identifier: GPL-2.0
/* The delegation tests' CPUID tables (kn_deleg_l1.h). */
#include <stdbool.h>
#include <string.h>

#include "kn_deleg_l1.h"

static uint32_t val(uint32_t fn, uint32_t idx, unsigned int reg)
{
	uint32_t v = fn * 0x9e3779b1U ^ idx * 0x85ebca6bU ^ reg * 0x27d4eb2fU;

	return v | 0x80000000U;	/* a high bit, so sign extension would show */
}

void kn_deleg_l1_tables(struct kn_deleg_l1_tables *tt)
{
	static const struct { uint32_t fn, idx, flags; bool keep; } keys[] = {
		{ 0x0, 0, 0, false }, { 0x4, 0, 1, false }, { 0x4, 1, 1, false },
		{ 0x4, 3, 1, false }, { 0x6, 0, 0, false }, { 0xa, 0, 0, false },
		{ 0x80000000, 0, 0, false }, { 0x80000002, 0, 0, false },
		{ 0x80000008, 0, 0, false }, { 0x3fffffff, 0, 0, false },
		{ 0x50000000, 0, 0, false },
		/* computed at run time by a hypervisor: L1 keeps them */
		{ 0x1, 0, 0, true }, { 0xd, 1, 1, true }, { 0x40000000, 0, 0, true },
		{ 0x7, 0, 1, true },
	};
	_Static_assert(sizeof(keys) / sizeof(keys[0]) <= KN_DELEG_L1_MAX_T, "KN_DELEG_L1_MAX_T");

	memset(tt, 0, sizeof(*tt));
	for (unsigned int i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct kvm_nest_ch_cpuid *e = &tt->t.e[tt->t.n++];

		e->function = keys[i].fn;
		e->index = keys[i].idx;
		e->flags = keys[i].flags;
		e->eax = val(e->function, e->index, 0);
		e->ebx = val(e->function, e->index, 1);
		e->ecx = val(e->function, e->index, 2);
		e->edx = val(e->function, e->index, 3);
		if (!keys[i].keep)
			tt->pol.e[tt->pol.n++] = *e;
	}
	/* The same keys with other values: a replacement table. */
	tt->t2 = tt->t;
	for (unsigned int i = 0; i < tt->t2.n; i++) {
		tt->t2.e[i].eax ^= 0x5a5a;
		tt->t2.e[i].edx ^= 0xa5a5;
	}
	tt->pol2 = tt->pol;
	for (unsigned int i = 0; i < tt->pol2.n; i++) {
		tt->pol2.e[i].eax ^= 0x5a5a;
		tt->pol2.e[i].edx ^= 0xa5a5;
	}
}
