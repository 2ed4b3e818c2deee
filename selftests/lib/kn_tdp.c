// SPDX-License-Identifier: GPL-2.0
/*
 * NPT (AMD APM vol. 2, 15.25) and EPT (SDM vol. 3C, 29.3) both walk 4-level
 * x86-64 style tables; they differ only in the bits of an entry. The
 * tables are static: one L2 per L1, like kn_l2.c's stack.
 */
#include "kn_tdp.h"
#include "kn_ucall.h"
#include "kn_x86.h"

#define PAGE		4096UL
#define ENTRIES		512
#define PS		(1UL << 7)

/* NPT: present, writable, user (every NPT access is a user access). */
const struct kn_tdp_fmt kn_tdp_npt = { .table = 0x7, .huge = 0x7 | PS, .leaf = 0x7 };
/* EPT: read, write, execute; leaves are write-back (type 6). */
const struct kn_tdp_fmt kn_tdp_ept = {
	.table = 0x7, .huge = 0x7 | 6 << 3 | PS, .leaf = 0x7 | 6 << 3,
};

static uint64_t pml4[ENTRIES] __attribute__((aligned(PAGE)));
static uint64_t pdpt[ENTRIES] __attribute__((aligned(PAGE)));
static uint64_t pd[ENTRIES] __attribute__((aligned(PAGE)));
static uint64_t pt[KN_TDP_LAZY_TABLES][ENTRIES] __attribute__((aligned(PAGE)));

static uint64_t lazy_start, lazy_end, leaf_bits;

uint64_t kn_tdp_build(const struct kn_tdp_fmt *fmt, uint64_t mem_size,
		      uint64_t lazy, uint64_t lazy_size)
{
	uint64_t regions = (mem_size + KN_TDP_2M - 1) / KN_TDP_2M;

	if (regions > ENTRIES || lazy % KN_TDP_2M || lazy_size % KN_TDP_2M ||
	    lazy_size > KN_TDP_LAZY_TABLES * KN_TDP_2M || lazy + lazy_size > mem_size)
		KN_GUEST_FAIL("bad TDP layout (memory, lazy window)", mem_size, lazy);
	kn_zero(pml4, sizeof(pml4));
	kn_zero(pdpt, sizeof(pdpt));
	kn_zero(pd, sizeof(pd));
	kn_zero(pt, sizeof(pt));
	pml4[0] = (uint64_t)pdpt | fmt->table;
	pdpt[0] = (uint64_t)pd | fmt->table;
	for (uint64_t i = 0; i < regions; i++) {
		uint64_t gpa = i * KN_TDP_2M;

		if (gpa >= lazy && gpa < lazy + lazy_size)
			pd[i] = (uint64_t)pt[(gpa - lazy) / KN_TDP_2M] | fmt->table;
		else
			pd[i] = gpa | fmt->huge;
	}
	lazy_start = lazy;
	lazy_end = lazy + lazy_size;
	leaf_bits = fmt->leaf;
	return (uint64_t)pml4;
}

bool kn_tdp_map(uint64_t gpa)
{
	uint64_t off;

	if (gpa < lazy_start || gpa >= lazy_end)
		return false;
	off = gpa - lazy_start;
	pt[off / KN_TDP_2M][off % KN_TDP_2M / PAGE] = (gpa & ~(PAGE - 1)) | leaf_bits;
	return true;
}
