/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side: the score of ch_hostile's calls. Each is judged against the
 * model of its VM (kn_chan_fuzz.h); answers are counted by value and by kind;
 * the first few problems are told as TAP diagnostics.
 */
#ifndef KN_CHAN_SCORE_H
#define KN_CHAN_SCORE_H

#include "kn_chan_fuzz.h"
#include "kn_tap.h"

/* 0, -7, -14, -16, -22, -71 and -1000 are counted apart. */
#define KN_CHAN_SCORE_RETS	7

struct kn_chan_score {
	uint64_t calls, wrong, unlisted, rounds, fast, refused, late;
	uint64_t hellos, hello_bad, views_bad, reports, readmitted, unread;
	uint64_t by_ret[KN_CHAN_SCORE_RETS + 1];	/* the last: other values */
	uint64_t made[KN_CHAN_FUZZ_NR], answered[KN_CHAN_FUZZ_NR];
	unsigned int problems;			/* the counts end here */
	unsigned int run;
};

/* A diagnostic, for the first few problems of a run only. */
void kn_chan_score_problem(struct kn_chan_score *s, const char *fmt, ...)
	KN_PRINTF(2, 3);
/*
 * Judges the calls @q made, in order, updating the model @st; @refill:
 * a second may have passed since the first. Checks HELLO buffers too.
 */
void kn_chan_score_judge(struct kn_chan_score *s, const struct kn_chan_fuzz *g,
		      const struct kn_hypercall_queue *q,
		      const struct kn_chan_fuzz_case *cases, struct kn_chan_fuzz_state *st,
		      bool refill, uint32_t depth);
void kn_chan_score_add(struct kn_chan_score *sum, const struct kn_chan_score *s);
/* Answers by value, on one line. */
void kn_chan_score_print(const char *what, const struct kn_chan_score *s);
/* Calls made and answered (not refused) by kind; true if all answered. */
bool kn_chan_score_kinds(const struct kn_chan_score *s);

#endif
