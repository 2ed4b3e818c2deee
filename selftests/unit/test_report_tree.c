// SPDX-License-Identifier: GPL-2.0-only
/*
 * channel/report_tree.c: a child's report is a tree listed parents first;
 * each entry is checked against the ones before it alone.
 */
#include <errno.h>

#include "../../kvm-nest/channel/report_tree.h"
#include "tap.h"

#define PLAN 11

static struct kn_report_entry e[8];

static const struct kn_report_entry *at(u32 rid, u32 rparent, u32 level)
{
	static struct kn_report_entry x;

	x.rep.rid = rid;
	x.rparent = rparent;
	x.level = level;
	return &x;
}

/* Places @rid as entry @n, as parent.c does after a check passes. */
static int place(unsigned int n, u32 rid, u32 rparent, u32 level)
{
	int err = kn_report_place(e, n, at(rid, rparent, level));

	if (!err)
		e[n] = *at(rid, rparent, level);
	return err;
}

int main(void)
{
	tap_plan(PLAN);
	tap_ok(place(0, 10, 0, 1) == 0, "a top doll at level 1 comes first");
	tap_ok(kn_report_place(e, 1, at(11, 0, 2)) == -EINVAL &&
	       kn_report_place(e, 1, at(11, 0, 0)) == -EINVAL,
	       "a top doll at level 0 or 2 is refused");
	tap_ok(place(1, 20, 10, 2) == 0 && place(2, 30, 20, 3) == 0,
	       "a child one level below its parent, and a grandchild, are taken");
	tap_ok(kn_report_place(e, 3, at(31, 20, 4)) == -EINVAL,
	       "a child two levels below its parent is refused");
	tap_ok(kn_report_place(e, 3, at(31, 20, 2)) == -EINVAL,
	       "a child at its parent's level is refused");
	tap_ok(kn_report_place(e, 3, at(31, 40, 2)) == -EINVAL,
	       "a child before its parent is refused");
	tap_ok(kn_report_place(e, 3, at(20, 10, 2)) == -EINVAL &&
	       kn_report_place(e, 3, at(10, 0, 1)) == -EINVAL,
	       "an id already listed is refused, top doll or not");
	tap_ok(kn_report_place(e, 3, at(50, 50, 2)) == -EINVAL,
	       "a doll that is its own parent is refused");
	tap_ok(kn_report_place(e, 2, at(30, 20, 3)) == 0,
	       "only the entries before count: an id further on is no duplicate");
	tap_ok(kn_report_place(e, 2, at(31, 30, 4)) == -EINVAL,
	       "nor is a parent further on a parent");
	tap_ok(place(3, 11, 0, 1) == 0 && place(4, 21, 11, 2) == 0,
	       "a second top doll and its child follow the first tree");
	return tap_done(PLAN);
}
