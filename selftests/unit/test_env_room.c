// SPDX-License-Identifier: GPL-2.0-only
/*
 * env/room.c with env/admit_res.c: what a kernel may hand out follows its
 * own envelope, and the reservations of the dolls at each level sum to
 * at most what the level above reserved for that kernel.
 */
#include <errno.h>
#include <stdint.h>

#include "../../kvm-nest/channel/depth.h"
#include "../../kvm-nest/env/admit_res.h"
#include "../../kvm-nest/env/room.h"
#include "tap.h"

#define PLAN 9
#define GIB	(1ull << 30)

static char why[256];

/* Admits a doll reserving @cpu and @mem next to others taking @taken. */
static int admit(const struct kn_env_room *r, u64 cpu, u64 mem,
		 const u64 taken[KN_NR_RES])
{
	struct kn_res c = { .reserve = cpu }, m = { .reserve = mem };
	int err = kn_admit_res(KN_CPU, &c, r->cpu_cap, r->cpu_resv,
			       taken[KN_CPU], why, sizeof(why));

	return err ?: kn_admit_res(KN_MEM, &m, r->mem_cap, r->mem_resv,
				   taken[KN_MEM], why, sizeof(why));
}

int main(void)
{
	struct kn_env self = { 0 };
	struct kn_env_room r;
	u64 taken[KN_NR_RES] = { 0 };

	tap_plan(PLAN);
	kn_env_room_of(&self, 4000, 8 * GIB, false, &r);
	tap_ok(r.cpu_cap == 4000 && r.cpu_resv == 4000 && r.mem_cap == 8 * GIB &&
	       r.mem_resv == 8 * GIB, "at the top, with no envelope, all of the machine");
	self = (struct kn_env){ .cpu_limit = 2500, .mem_limit = 3 * GIB };
	kn_env_room_of(&self, 4000, 8 * GIB, false, &r);
	tap_ok(r.cpu_cap == 2500 && r.cpu_resv == 2500 && r.mem_cap == 3 * GIB,
	       "an own limit caps what any doll gets and what all reserve");
	self = (struct kn_env){ .cpu_limit = 9000, .mem_limit = 64 * GIB };
	kn_env_room_of(&self, 4000, 8 * GIB, false, &r);
	tap_ok(r.cpu_cap == 4000 && r.mem_cap == 8 * GIB,
	       "a limit above the machine is the machine");
	self = (struct kn_env){ .cpu_limit = 2000 };
	kn_env_room_of(&self, 4000, 8 * GIB, true, &r);
	tap_ok(r.cpu_cap == 2000 && r.cpu_resv == 0 && r.mem_resv == 0,
	       "below a parent that reserved nothing, nothing is reservable");
	self = (struct kn_env){ .cpu_limit = 2000, .cpu_reserve = 3000,
				.mem_reserve = 16 * GIB };
	kn_env_room_of(&self, 4000, 8 * GIB, true, &r);
	tap_ok(r.cpu_resv == 2000 && r.mem_resv == 8 * GIB,
	       "a parent's reservation above the caps is cut to them");

	/* L0 reserves 1.5 CPUs and 2 GiB for the doll that runs L1. */
	kn_depth_set(1);
	self = (struct kn_env){ .cpu_limit = 2000, .cpu_reserve = 1500,
				.mem_reserve = 2 * GIB };
	kn_env_room_of(&self, 2000, 4 * GIB, true, &r);
	tap_ok(admit(&r, 1000, GIB, taken) == 0, "L1's first doll fits");
	taken[KN_CPU] = 1000;
	taken[KN_MEM] = GIB;
	tap_ok(admit(&r, 501, 0, taken) == -ENOSPC,
	       "a second doll over what L0 reserved for L1 does not (%s)", why);
	tap_ok(admit(&r, 500, GIB, taken) == 0,
	       "one that makes the sum exactly L0's reservation does");
	taken[KN_CPU] = 1500;
	taken[KN_MEM] = 2 * GIB;
	tap_ok(admit(&r, 0, 1, taken) == -ENOSPC,
	       "with it, not one byte more");
	return tap_done(PLAN);
}
