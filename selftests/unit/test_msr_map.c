// SPDX-License-Identifier: GPL-2.0-only
/*
 * msr_map.c: where each vendor's MSR map keeps an MSR's intercept bits,
 * checked at the manuals' landmarks, and every MSR of a range on a bit
 * (VMX) or bit pair (SVM) of its own inside the map.
 */
#include <string.h>

#include "../../kvm-nest/kvm/msr_map.h"
#include "tap.h"

#define PLAN 8

static const u32 vmx_outside[] = { 0x2000, 0xbfffffff, 0xc0002000,
				   0xc0010000, 0xffffffff };
static const u32 svm_outside[] = { 0x2000, 0xbfffffff, 0xc0002000,
				   0xc000ffff, 0xc0012000, 0xffffffff };

static int vmx_at(u32 msr, u32 byte, u8 bit)
{
	u32 b = ~0U;
	u8 m = 0;

	return kn_vmx_msr_bitmap_read_bit(msr, &b, &m) && b == byte && m == bit;
}

static int svm_at(u32 msr, u32 word, unsigned int shift)
{
	u32 w = ~0U;
	unsigned int s = ~0U;

	return kn_svm_msrpm_bits_at(msr, &w, &s) && w == word && s == shift;
}

/* Each in-range MSR on its own read bit of the bitmap's first 2 KiB. */
static unsigned int vmx_clashes(void)
{
	static const u32 base[] = { 0, 0xc0000000 };
	static unsigned char used[2048];
	unsigned int r, i, bad = 0;
	u32 byte;
	u8 bit;

	memset(used, 0, sizeof(used));
	for (r = 0; r < 2; r++)
		for (i = 0; i < 0x2000; i++) {
			if (!kn_vmx_msr_bitmap_read_bit(base[r] + i, &byte, &bit) ||
			    byte >= sizeof(used) || used[byte] & bit) {
				bad++;
				continue;
			}
			used[byte] |= bit;
		}
	for (i = 0; i < sizeof(used); i++)
		bad += used[i] != 0xff;
	return bad;
}

/* Each in-range MSR on its own bit pair of the map's 6 KiB. */
static unsigned int svm_clashes(void)
{
	static const u32 base[] = { 0, 0xc0000000, 0xc0010000 };
	static u32 used[6144 / 4];
	unsigned int r, i, shift, bad = 0;
	u32 word;

	memset(used, 0, sizeof(used));
	for (r = 0; r < 3; r++)
		for (i = 0; i < 0x2000; i++) {
			if (!kn_svm_msrpm_bits_at(base[r] + i, &word, &shift) ||
			    word % 4 || word >= sizeof(used) || shift % 2 ||
			    shift > 30 || used[word / 4] & 3U << shift) {
				bad++;
				continue;
			}
			used[word / 4] |= 3U << shift;
		}
	for (i = 0; i < sizeof(used) / 4; i++)
		bad += used[i] != ~0U;
	return bad;
}

int main(void)
{
	unsigned int i, out = 0;
	u32 byte;
	u8 bit;

	tap_plan(PLAN);
	tap_ok(vmx_at(0, 0, 0x01) && vmx_at(0x10, 2, 0x01) &&
	       vmx_at(0x1fff, 1023, 0x80),
	       "VMX: low MSRs' read bits in the first KiB (0, TSC 0x10, 0x1fff)");
	tap_ok(vmx_at(0xc0000000, 1024, 0x01) &&
	       vmx_at(0xc0000080, 1040, 0x01) &&
	       vmx_at(0xc0001fff, 2047, 0x80),
	       "VMX: high MSRs' read bits in the second KiB (EFER at byte 1040)");
	for (i = 0; i < sizeof(vmx_outside) / sizeof(vmx_outside[0]); i++)
		out += kn_vmx_msr_bitmap_read_bit(vmx_outside[i], &byte, &bit);
	tap_ok(!out, "VMX: MSRs outside both ranges have no bit (%u had)", out);
	tap_ok(!vmx_clashes(), "VMX: the 16384 MSRs fill the 2 KiB of read bits, one bit each");

	tap_ok(svm_at(0, 0, 0) && svm_at(0xf, 0, 30) && svm_at(0x10, 4, 0) &&
	       svm_at(0x1fff, 2044, 30),
	       "SVM: MSRs 0-0x1fff in the first 2 KiB, 2 bits each (0xf in bits 30-31)");
	tap_ok(svm_at(0xc0000000, 2048, 0) && svm_at(0xc0000080, 2080, 0) &&
	       svm_at(0xc0010000, 4096, 0) && svm_at(0xc0011fff, 6140, 30),
	       "SVM: 0xc0000000 and 0xc0010000 ranges at 2 KiB and 4 KiB (EFER at 2080)");
	out = 0;
	for (i = 0; i < sizeof(svm_outside) / sizeof(svm_outside[0]); i++) {
		unsigned int shift;

		out += kn_svm_msrpm_bits_at(svm_outside[i], &byte, &shift);
	}
	tap_ok(!out, "SVM: MSRs outside the three ranges have no bits (%u had)", out);
	tap_ok(!svm_clashes(), "SVM: the 24576 MSRs fill the 6 KiB, one bit pair each");
	return tap_done(PLAN);
}
