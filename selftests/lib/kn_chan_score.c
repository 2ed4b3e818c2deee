// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "kn_chscore.h"

#define MAX_PROBLEMS	10

static const int64_t rets[KN_CHSCORE_RETS] = {
	0, -KVM_NEST_E2BIG, -KVM_NEST_EFAULT, -KVM_NEST_EBUSY, -KVM_NEST_EINVAL,
	-KVM_NEST_EPROTO, -KN_HC_ENOSYS,
};

_Static_assert(offsetof(struct kn_chscore, problems) % sizeof(uint64_t) == 0,
	       "kn_chscore_add() sums the counts as uint64_t");

void kn_chscore_problem(struct kn_chscore *s, const char *fmt, ...)
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

static void count_ret(struct kn_chscore *s, const struct kn_chf_case *c,
		      int64_t ret)
{
	unsigned int i;

	/* A FETCH answers how many bytes it wrote: a success. */
	if ((c->kind == KN_CHF_FETCH || c->kind == KN_CHF_FETCH_BAD) &&
	    ret > 0 && ret <= KVM_NEST_CH_FETCH_MAX)
		ret = 0;
	for (i = 0; i < KN_CHSCORE_RETS && rets[i] != ret; i++)
		;
	s->by_ret[i]++;
	/* KVM's -ENOSYS is for numbers that are not ours, and only for them. */
	if (i == KN_CHSCORE_RETS || (ret == -KN_HC_ENOSYS) == c->ours)
		s->unlisted++;
}

static void judge_one(struct kn_chscore *s, unsigned int i,
		      const struct kn_chf_case *c, const struct kn_hc_call *call,
		      struct kn_chf_state *st, bool refill)
{
	int64_t want = kn_chf_expect(st, c);
	bool past = c->ours && st->calls >= KN_CHF_RATE;

	s->calls++;
	s->made[c->kind]++;
	s->answered[c->kind] += call->ret == want;
	s->reports += c->replaces && call->ret == 0;
	count_ret(s, c, call->ret);
	if (past && !refill) {
		s->refused += call->ret == -KVM_NEST_EBUSY;
		s->late += call->ret != -KVM_NEST_EBUSY;
	}
	if (kn_chf_judge(st, c, call->ret, refill))
		return;
	s->wrong++;
	kn_chscore_problem(s, "call %u %s nr=%#lx op=%#lx gpa=%#lx len=%#lx: %ld, expected %ld%s",
			   i, kn_chf_name(c->kind), call->nr, call->op, call->gpa,
			   call->len, call->ret,
			   past && !refill ? -KVM_NEST_EBUSY : want,
			   past && refill ? " or -16" : "");
}

void kn_chscore_judge(struct kn_chscore *s, const struct kn_chf *g,
		      const struct kn_hc_queue *q,
		      const struct kn_chf_case *cases, struct kn_chf_state *st,
		      bool refill, uint32_t depth)
{
	for (unsigned int i = 0; i < q->ran; i++) {
		judge_one(s, i, &cases[i], &q->calls[i], st, refill);
		if (!cases[i].hello)
			continue;
		s->hellos++;
		if (kn_chf_hello_ok(g, &cases[i], q->calls[i].ret, depth))
			continue;
		s->hello_bad++;
		kn_chscore_problem(s, "call %u %s: answered %ld, but its buffer holds something else",
				   i, kn_chf_name(cases[i].kind), q->calls[i].ret);
	}
}

void kn_chscore_add(struct kn_chscore *sum, const struct kn_chscore *s)
{
	const uint64_t *from = (const uint64_t *)s;
	uint64_t *to = (uint64_t *)sum;

	for (size_t i = 0; i < offsetof(struct kn_chscore, problems) / sizeof(*to); i++)
		to[i] += from[i];
}

void kn_chscore_print(const char *what, const struct kn_chscore *s)
{
	char line[200];
	int len = snprintf(line, sizeof(line), "%s answers:", what);

	for (unsigned int i = 0; i < KN_CHSCORE_RETS; i++)
		len += snprintf(line + len, sizeof(line) - (size_t)len, " %ld:%lu",
				rets[i], s->by_ret[i]);
	kn_diag("%s other:%lu", line, s->by_ret[KN_CHSCORE_RETS]);
}

bool kn_chscore_kinds(const struct kn_chscore *s)
{
	bool all = true;
	char line[160];
	int len = 0;

	kn_diag("kind made/answered:");
	for (unsigned int k = 0; k < KN_CHF_NR; k++) {
		all &= s->answered[k] > 0;
		len += snprintf(line + len, sizeof(line) - (size_t)len, " %s %lu/%lu",
				kn_chf_name(k), s->made[k], s->answered[k]);
		if (len > 90 || k == KN_CHF_NR - 1) {
			kn_diag("%s", line);
			len = 0;
		}
	}
	return all;
}
