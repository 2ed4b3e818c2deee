// SPDX-License-Identifier: GPL-2.0-only
/*
 * acct_code.c: every exit code of both vendors that has a slot maps to its
 * own slot and back; every other code shares the "other" slot.
 */
#include "../../kvm-nest/acct.h"
#include "tap.h"

#define PLAN 9

/* A code with a slot of its own: SVM/VMX basic reasons, SVM's 0x400 block. */
static int tracked(u32 code)
{
	return code < KN_CODE_LOW ||
	       (code >= KN_CODE_HIGH_BASE &&
		code < KN_CODE_HIGH_BASE + KN_CODE_HIGH_NR);
}

int main(void)
{
	/* SVM_EXIT_ERR (-1), VMX entry failure bit, codes between the blocks. */
	static const u32 others[] = { 0x100, 0x3ff, 0x410, 0x80000021,
				      0xffffffff, 0x7fffffff };
	unsigned int seen[KN_NR_CODES] = { 0 };
	unsigned int i, bad_trip = 0, bad_range = 0, dup = 0, bad_other = 0;
	u32 code, back = 0;

	tap_plan(PLAN);
	for (code = 0; code < 0x500; code++) {
		unsigned int idx = kn_code_index(code);

		if (idx >= KN_NR_CODES) {
			bad_range++;
			continue;
		}
		if (!tracked(code)) {
			bad_other += idx != KN_CODE_OTHER;
			continue;
		}
		seen[idx]++;
		if (!kn_code_of_index(idx, &back) || back != code)
			bad_trip++;
	}
	tap_ok(!bad_range, "every index of codes 0..0x4ff is below KN_NR_CODES (%u out)",
	       bad_range);
	tap_ok(!bad_trip, "tracked codes round-trip through their index (%u wrong)",
	       bad_trip);
	for (i = 0; i < KN_CODE_OTHER; i++)
		dup += seen[i] != 1;
	tap_ok(!dup, "each slot below KN_CODE_OTHER holds exactly one code (%u not)",
	       dup);
	tap_ok(!seen[KN_CODE_OTHER], "no tracked code lands in the other slot");
	tap_ok(!bad_other, "codes 0x100..0x3ff, 0x410.. go to the other slot (%u not)",
	       bad_other);
	for (i = 0, bad_other = 0; i < sizeof(others) / sizeof(others[0]); i++)
		bad_other += kn_code_index(others[i]) != KN_CODE_OTHER;
	tap_ok(!bad_other, "-1, 0x80000021 and other high codes go to the other slot");
	back = 0x1234;
	tap_ok(!kn_code_of_index(KN_CODE_OTHER, &back) && back == 0x1234,
	       "the other slot has no code and leaves *code alone");
	tap_ok(!kn_code_of_index(KN_NR_CODES, &back) &&
	       !kn_code_of_index(~0U, &back), "indexes past the table have no code");
	tap_ok(kn_code_index(KN_CODE_HIGH_BASE) == KN_CODE_LOW &&
	       kn_code_index(KN_CODE_HIGH_BASE + KN_CODE_HIGH_NR - 1) ==
	       KN_CODE_OTHER - 1, "the SVM block's first and last codes sit right after the low block");
	return tap_done(PLAN);
}
