// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "kn_chan_score.h"

#define MAX_PROBLEMS	10

static const int64_t rets[KN_CHAN_SCORE_RETS] = {
	0, -KVM_NEST_E2BIG, -KVM_NEST_EFAULT, -KVM_NEST_EBUSY, -KVM_NEST_EINVAL,
	-KVM_NEST_EPROTO, -KN_HYPERCALL_ENOSYS,
};

_Static_assert(offsetof(struct kn_chan_score, problems) % sizeof(uint64_t) == 0,
	       "kn_chan_score_add() sums the counts as uint64_t");

void kn_chan_score_problem(struct kn_chan_score *s, const char *fmt, ...)
{
	char line[320];
	va_list ap;

	if (s->problems++ >= MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	kn_diag("run %u round %lu: %s", s->run, s->rounds, line);
}

static void count_ret(struct kn_chan_score *s, const struct kn_chan_fuzz_case *c,
		      int64_t ret)
{
	unsigned int i;

	/* A FETCH answers how many bytes it wrote: a success. */
	if ((c->kind == KN_CHAN_FUZZ_FETCH || c->kind == KN_CHAN_FUZZ_FETCH_BAD) &&
	    ret > 0 && ret <= KVM_NEST_CH_FETCH_MAX)
		ret = 0;
	for (i = 0; i < KN_CHAN_SCORE_RETS && rets[i] != ret; i++)
		;
	s->by_ret[i]++;
	/* KVM's -ENOSYS is for numbers that are not ours, and only for them. */
	if (i == KN_CHAN_SCORE_RETS || (ret == -KN_HYPERCALL_ENOSYS) == c->ours)
		s->unlisted++;
}

static void judge_one(struct kn_chan_score *s, unsigned int i,
		      const struct kn_chan_fuzz_case *c, const struct kn_hypercall_call *call,
		      struct kn_chan_fuzz_state *st, bool refill)
{
	int64_t want = kn_chan_fuzz_expect(st, c);
	bool past = c->ours && st->calls >= KN_CHAN_FUZZ_RATE;

	s->calls++;
	s->made[c->kind]++;
	s->answered[c->kind] += call->ret == want;
	s->reports += c->replaces && call->ret == 0;
	count_ret(s, c, call->ret);
	if (past && !refill) {
		s->refused += call->ret == -KVM_NEST_EBUSY;
		s->late += call->ret != -KVM_NEST_EBUSY;
	}
	if (kn_chan_fuzz_judge(st, c, call->ret, refill))
		return;
	s->wrong++;
	kn_chan_score_problem(s, "call %u %s nr=%#lx op=%#lx gpa=%#lx len=%#lx: %ld, expected %ld%s",
			   i, kn_chan_fuzz_name(c->kind), call->nr, call->op, call->gpa,
			   call->len, call->ret,
			   past && !refill ? -KVM_NEST_EBUSY : want,
			   past && refill ? " or -16" : "");
}

void kn_chan_score_judge(struct kn_chan_score *s, const struct kn_chan_fuzz *g,
		      const struct kn_hypercall_queue *q,
		      const struct kn_chan_fuzz_case *cases, struct kn_chan_fuzz_state *st,
		      bool refill, uint32_t depth)
{
	for (unsigned int i = 0; i < q->ran; i++) {
		judge_one(s, i, &cases[i], &q->calls[i], st, refill);
		if (!cases[i].hello)
			continue;
		s->hellos++;
		if (kn_chan_fuzz_hello_ok(g, &cases[i], q->calls[i].ret, depth))
			continue;
		s->hello_bad++;
		kn_chan_score_problem(s, "call %u %s: answered %ld, but its buffer holds something else",
				   i, kn_chan_fuzz_name(cases[i].kind), q->calls[i].ret);
	}
}

void kn_chan_score_add(struct kn_chan_score *sum, const struct kn_chan_score *s)
{
	const uint64_t *from = (const uint64_t *)s;
	uint64_t *to = (uint64_t *)sum;

	for (size_t i = 0; i < offsetof(struct kn_chan_score, problems) / sizeof(*to); i++)
		to[i] += from[i];
}

void kn_chan_score_print(const char *what, const struct kn_chan_score *s)
{
	char line[200];
	int len = snprintf(line, sizeof(line), "%s answers:", what);

	for (unsigned int i = 0; i < KN_CHAN_SCORE_RETS; i++)
		len += snprintf(line + len, sizeof(line) - (size_t)len, " %ld:%lu",
				rets[i], s->by_ret[i]);
	kn_diag("%s other:%lu", line, s->by_ret[KN_CHAN_SCORE_RETS]);
}

bool kn_chan_score_kinds(const struct kn_chan_score *s)
{
	bool all = true;
	char line[160];
	int len = 0;

	kn_diag("kind made/answered:");
	for (unsigned int k = 0; k < KN_CHAN_FUZZ_NR; k++) {
		all &= s->answered[k] > 0;
		len += snprintf(line + len, sizeof(line) - (size_t)len, " %s %lu/%lu",
				kn_chan_fuzz_name(k), s->made[k], s->answered[k]);
		if (len > 90 || k == KN_CHAN_FUZZ_NR - 1) {
			kn_diag("%s", line);
			len = 0;
		}
	}
	return all;
}
