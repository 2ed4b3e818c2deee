/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest side: the two-dimensional page tables (NPT/EPT) an L1 builds for
 * its L2. They map L1's memory 1:1 with 2 MiB pages, except a "lazy"
 * window of 4 KiB pages that start absent and are mapped one at a time on
 * the nested page faults L2 takes there: the first touch of such a page
 * goes through every level's NPT/EPT.
 */
#ifndef KN_TDP_H
#define KN_TDP_H

#include <stdbool.h>
#include <stdint.h>

#define KN_TDP_2M		(2UL << 20)
/* Lazy window: at most this many 2 MiB regions (one 4 KiB table each). */
#define KN_TDP_LAZY_TABLES	16

/* Entry bits of one format: a table pointer, a 2 MiB page, a 4 KiB page. */
struct kn_tdp_fmt {
	uint64_t table, huge, leaf;
};

extern const struct kn_tdp_fmt kn_tdp_npt, kn_tdp_ept;

/*
 * Builds the tables for [0, @mem_size) (at most 1 GiB) with the lazy window
 * [@lazy, @lazy + @lazy_size) (2 MiB aligned); returns the root's address.
 */
uint64_t kn_tdp_build(const struct kn_tdp_fmt *fmt, uint64_t mem_size,
		      uint64_t lazy, uint64_t lazy_size);
/* Maps the 4 KiB page of @gpa if it lies in the lazy window. */
bool kn_tdp_map(uint64_t gpa);

#endif
