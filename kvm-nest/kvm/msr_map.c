// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where an MSR's intercept bits sit in each vendor's MSR map: arithmetic
 * only, so the unit tests check it against the manuals.
 */
#include <linux/bits.h>
#include <linux/kernel.h>

#include "msr_map.h"

/*
 * Intel SDM Vol. 3, "MSR-Bitmap Address": 1 KiB of read bits for MSRs
 * 0-0x1fff, 1 KiB for 0xc0000000-0xc0001fff, then the same for writes.
 */
bool kn_vmx_msr_bitmap_read_bit(u32 msr, u32 *byte, u8 *bit)
{
	u32 base = 0;

	if (msr >= 0xc0000000) {
		msr -= 0xc0000000;
		base = 1024;
	}
	if (msr >= 1024 * 8)
		return false;
	*byte = base + msr / 8;
	*bit = BIT(msr % 8);
	return true;
}

/*
 * AMD APM Vol. 2, "MSR Intercepts": 2 KiB, 2 bits an MSR, for each of
 * 0-0x1fff, 0xc0000000-0xc0001fff and 0xc0010000-0xc0011fff.
 */
bool kn_svm_msrpm_bits_at(u32 msr, u32 *word, unsigned int *shift)
{
	static const u32 base[] = { 0, 0xc0000000, 0xc0010000 };
	unsigned int r;

	for (r = 0; r < ARRAY_SIZE(base); r++) {
		if (msr - base[r] < 2048 * 4) {
			*word = r * 2048 + (msr - base[r]) / 16 * 4;
			*shift = 2 * (msr % 16);
			return true;
		}
	}
	return false;
}
