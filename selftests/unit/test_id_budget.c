// SPDX-License-Identifier: GPL-2.0-only
/*
 * doll_id_budget.c on a clock the test moves: a VM gets KN_ID_BURST ids
 * at once, then KN_ID_RATE a second, whole tokens only, never more than
 * the burst; a refused take changes nothing but the refusal count.
 */
#include <errno.h>

#include "../../kvm-nest/doll_id.h"
#include "tap.h"

#define PLAN 12
#define SEC	1000000000ull
#define TOKEN	(SEC / KN_ID_RATE)	/* time that earns one id */

static u64 now = 1000;	/* 0 would read as "never topped up" */

u64 local_clock(void)
{
	return now;
}

int main(void)
{
	struct kn_id_budget b = { 0 };

	tap_plan(PLAN);
	tap_ok(kn_id_budget_take(&b, KN_ID_BURST) == 0 && b.tokens == 0,
	       "a fresh VM may take the whole burst at once");
	tap_ok(kn_id_budget_take(&b, 1) == -EAGAIN && b.refused == 1 &&
	       b.minted == KN_ID_BURST, "one more is refused and counted");
	now += TOKEN - 1;
	tap_ok(kn_id_budget_take(&b, 1) == -EAGAIN,
	       "1 ns short of one token's time earns nothing");
	now += 1;
	tap_ok(kn_id_budget_take(&b, 1) == 0, "one token's time earns one id");
	tap_ok(kn_id_budget_take(&b, 1) == -EAGAIN, "and only one");
	now += TOKEN + TOKEN / 2;
	kn_id_budget_take(&b, 1);
	now += TOKEN - TOKEN / 2;
	tap_ok(kn_id_budget_take(&b, 1) == 0,
	       "after 1.5 tokens' time and one take, half a token more earns one");
	now += 10 * TOKEN;
	tap_ok(kn_id_budget_take(&b, 11) == -EAGAIN && b.tokens == 10,
	       "a refused take of 11 out of 10 takes nothing");
	tap_ok(kn_id_budget_take(&b, 10) == 0 && b.tokens == 0,
	       "10 out of 10 is taken");
	kn_id_budget_refund(&b, 4);
	tap_ok(b.tokens == 4 && b.minted == KN_ID_BURST + 1 + 1 + 1 + 10 - 4,
	       "a refund gives tokens back and un-counts them");
	now += (u64)KN_ID_BURST * TOKEN;
	tap_ok(kn_id_budget_take(&b, KN_ID_BURST + 1) == -EAGAIN &&
	       b.tokens == KN_ID_BURST, "a long wait fills up to the burst, no more");
	kn_id_budget_refund(&b, KN_ID_BURST);
	tap_ok(b.tokens == KN_ID_BURST, "a refund never goes past the burst");
	tap_ok(b.refused == 5, "refusals counted: %llu of 5",
	       (unsigned long long)b.refused);
	return tap_done(PLAN);
}
