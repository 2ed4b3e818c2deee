// SPDX-License-Identifier: GPL-2.0-only
/* The exit code index space of acct.h: pure, so selftests/unit tests it. */
#include "acct.h"

unsigned int kn_code_index(u32 code)
{
	if (code < KN_CODE_LOW)
		return code;
	if (code - KN_CODE_HIGH_BASE < KN_CODE_HIGH_NR)
		return KN_CODE_LOW + code - KN_CODE_HIGH_BASE;
	return KN_CODE_OTHER;
}

bool kn_code_of_index(unsigned int idx, u32 *code)
{
	if (idx < KN_CODE_LOW)
		*code = idx;
	else if (idx < KN_CODE_OTHER)
		*code = KN_CODE_HIGH_BASE + idx - KN_CODE_LOW;
	else
		return false;
	return true;
}
