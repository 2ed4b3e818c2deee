// SPDX-License-Identifier: GPL-2.0-only
/*
 * env/admit_res.c: a reservation must stay within its own limit, the
 * hosting kernel's cap and what its other dolls left; edge values fit
 * exactly, one more does not, and nothing wraps.  The reasons are the
 * text nestctl shows, so they are checked too.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../kvm-nest/channel/depth.h"
#include "../../kvm-nest/env/admit_res.h"
#include "tap.h"

#define PLAN 13
#define MIB	(1ull << 20)

static char why[256];

static int admit(int i, u64 limit, u64 reserve, u64 cap, u64 resv, u64 taken)
{
	struct kn_res want = { .limit = limit, .reserve = reserve };

	memset(why, 0, sizeof(why));
	return kn_admit_res(i, &want, cap, resv, taken, why, sizeof(why));
}

int main(void)
{
	struct kn_res want = { .limit = 0, .reserve = 5000 };
	char small[16];

	kn_depth_set(1);
	tap_plan(PLAN);
	tap_ok(admit(KN_CPU, 2000, 2000, 4000, 4000, 2000) == 0 && !why[0],
	       "a reservation equal to its limit and to what is left fits");
	tap_ok(admit(KN_CPU, 2000, 2001, 4000, 4000, 0) == -EINVAL &&
	       !strcmp(why, "cpu.reserve 2.001 CPUs is above cpu.limit 2.000 CPUs"),
	       "reserve above limit: -EINVAL (%s)", why);
	tap_ok(admit(KN_CPU, 0, 3000, 4000, 4000, 0) == 0,
	       "no limit (0) lets the reservation go up to the cap");
	tap_ok(admit(KN_CPU, 4001, 0, 4000, 4000, 0) == -ENOSPC &&
	       !strcmp(why, "4.001 CPUs asked, but L1 has 4.000 CPUs to give"),
	       "limit one above the cap: -ENOSPC (%s)", why);
	tap_ok(admit(KN_CPU, 4000, 0, 4000, 0, 0) == 0,
	       "a limit equal to the cap fits, with nothing reservable");
	tap_ok(admit(KN_MEM, 0, 257 * MIB, 4096 * MIB, 1024 * MIB, 768 * MIB) ==
	       -ENOSPC && !strcmp(why, "mem.reserve 257 MiB does not fit in L1: "
	       "1024 MiB reservable, 768 MiB held by others, 256 MiB fits"),
	       "one MiB more than is left: -ENOSPC (%s)", why);
	tap_ok(admit(KN_MEM, 0, 256 * MIB, 4096 * MIB, 1024 * MIB, 768 * MIB) == 0,
	       "exactly what is left fits");
	tap_ok(admit(KN_MEM, 0, 0, 4096 * MIB, 1024 * MIB, 2048 * MIB) == 0,
	       "others holding more than reservable (overcommitted): 0 still fits");
	tap_ok(admit(KN_MEM, 0, 1, 4096 * MIB, 1024 * MIB, 2048 * MIB) == -ENOSPC,
	       "and 1 byte does not (no wrap below zero)");
	tap_ok(admit(KN_MEM, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, 0) == 0,
	       "U64_MAX everywhere fits");
	tap_ok(admit(KN_MEM, 0, UINT64_MAX, UINT64_MAX, UINT64_MAX, 1) == -ENOSPC,
	       "U64_MAX with 1 byte taken does not");
	kn_depth_set(3);
	tap_ok(admit(KN_CPU, 9000, 0, 8000, 0, 0) == -ENOSPC &&
	       strstr(why, "but L3 has"), "the reason names this kernel's level");
	memset(small, 'x', sizeof(small));
	tap_ok(kn_admit_res(KN_CPU, &want, 8000, 4000, 0, small, 8) == -ENOSPC &&
	       strlen(small) == 7 && small[8] == 'x',
	       "a short reason buffer is cut, not overrun");
	return tap_done(PLAN);
}
