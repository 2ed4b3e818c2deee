/* SPDX-License-Identifier: GPL-2.0 */
/* Guest side: a vendor-neutral snapshot of the running CPU's own state. */
#ifndef KN_STATE_H
#define KN_STATE_H

#include <stdbool.h>
#include <stdint.h>

/* In the order of VMX's field encodings; SVM maps them through a table. */
enum kn_seg_id { KN_ES, KN_CS, KN_SS, KN_DS, KN_FS, KN_GS, KN_LDTR, KN_TR, KN_NR_SEGS };

struct kn_seg {
	uint16_t sel;
	bool unusable;		/* null selector */
	/* Descriptor bits 47:40 (type, S, DPL, P) in 7:0, 55:52 (AVL, L, D/B, G) in 11:8. */
	uint16_t attr;
	uint32_t limit;		/* in bytes, G already applied */
	uint64_t base;
};

struct kn_state {
	struct kn_seg seg[KN_NR_SEGS];
	uint64_t gdt_base, idt_base;
	uint16_t gdt_limit, idt_limit;
	uint64_t cr0, cr3, cr4, efer, pat;
};

void kn_state_read(struct kn_state *st);

#endif
