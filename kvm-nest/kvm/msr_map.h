/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_KVM_MSR_MAP_H
#define KN_KVM_MSR_MAP_H

#include <linux/types.h>

/* A VMX MSR bitmap's write bits are this far after the read bits. */
#define KN_VMX_MSR_BITMAP_WRITES	2048

/*
 * The byte of a VMX MSR bitmap (from its start) that holds the read bit
 * of @msr, and that bit.  False for an MSR outside the bitmap: its reads
 * and writes always exit.
 */
bool kn_vmx_msr_bitmap_read_bit(u32 msr, u32 *byte, u8 *bit);
/*
 * The 32-bit word of an SVM MSR permission map (its byte offset from the
 * start) that holds @msr's two bits, read then write, and their shift.
 * False for an MSR outside the map's ranges: every access exits.
 */
bool kn_svm_msrpm_bits_at(u32 msr, u32 *word, unsigned int *shift);

#endif
