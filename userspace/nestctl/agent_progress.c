// SPDX-License-Identifier: GPL-2.0-only
/*
 * A balloon change's progress, for any listener: the agent sends
 * AGENT_PROGRESS with its apply's cookie and the kernel passes it on to
 * the events group as PROGRESS_NTF (nestctl monitor shows it).  One
 * report when the balloon is asked, then one a second or at each tenth of
 * the way, and a final done or failed one.  A guest that grows is
 * followed a few seconds: its limit is raised already, so only the report
 * waits for it.  A kernel that does not know the command gets no more;
 * progress never fails an apply.
 */
#include <errno.h>
#include <string.h>
#include <linux/kvm_nest.h>

#include "agent.h"
#include "balloon.h"
#include "dolls.h"

#define NC_STEP_MS		1000
#define NC_STEP_PARTS		10
#define NC_POLL_MS		250

static void nc_progress_send(struct nc_apply *a, uint32_t state, uint64_t now)
{
	struct nc_progress *pr = &a->prog;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint64_t t = nc_now_ms();
	int err;

	if (!a->nl || pr->off)
		return;
	nlh = nc_nl_req(a->nl, KVM_NEST_CMD_AGENT_PROGRESS, &nc_doll_attr_names);
	mnl_attr_put_u64(nlh, KVM_NEST_A_DOLL_COOKIE, a->cookie);
	nest = mnl_attr_nest_start(nlh, KVM_NEST_A_DOLL_PROGRESS);
	mnl_attr_put_u32(nlh, KVM_NEST_A_PROGRESS_STATE, state);
	mnl_attr_put_u64(nlh, KVM_NEST_A_PROGRESS_MEM_START, pr->start);
	mnl_attr_put_u64(nlh, KVM_NEST_A_PROGRESS_MEM_NOW, now);
	mnl_attr_put_u64(nlh, KVM_NEST_A_PROGRESS_MEM_TARGET, pr->target);
	mnl_attr_put_u32(nlh, KVM_NEST_A_PROGRESS_ELAPSED_MS,
			 (uint32_t)(t - pr->t0 > UINT32_MAX ? UINT32_MAX : t - pr->t0));
	mnl_attr_nest_end(nlh, nest);
	err = nc_nl_do(a->nl, NULL, NULL);
	pr->sent_ms = t;
	pr->sent_now = now;
	if (err == -EOPNOTSUPP || err == -EINVAL) {
		nc_log("doll %u: this kvm-nest takes no progress reports (%s); none sent",
		       a->id, a->nl->ext.msg[0] ? a->nl->ext.msg : strerror(-err));
		pr->off = true;
	} else if (err && err != -EBUSY) {
		nc_vlog("doll %u: progress report not taken: %s", a->id,
			a->nl->ext.msg[0] ? a->nl->ext.msg : strerror(-err));
	}
}

void nc_progress_begin(struct nc_apply *a, uint64_t now, uint64_t target)
{
	struct nc_progress *pr = &a->prog;

	pr->on = true;
	pr->t0 = nc_now_ms();
	pr->start = now;
	pr->target = target;
	nc_progress_send(a, KVM_NEST_PROGRESS_RUNNING, now);
}

void nc_progress_step(struct nc_apply *a, uint64_t now)
{
	struct nc_progress *pr = &a->prog;
	uint64_t way = pr->start > pr->target ? pr->start - pr->target :
						pr->target - pr->start;
	uint64_t moved = now > pr->sent_now ? now - pr->sent_now :
					      pr->sent_now - now;

	if (!pr->on)
		return;
	if (nc_now_ms() - pr->sent_ms >= NC_STEP_MS ||
	    (way && moved >= way / NC_STEP_PARTS))
		nc_progress_send(a, KVM_NEST_PROGRESS_RUNNING, now);
}

/* The guest's size now, without touching the apply's own failure. */
static uint64_t nc_progress_peek(struct nc_apply *a, struct nc_balloon *b)
{
	uint64_t now = a->prog.sent_now;
	char msg[NC_MSG_LEN];
	int error = a->error;

	memcpy(msg, a->msg, sizeof(msg));
	if (nc_balloon_actual(b, a, &now))
		now = a->prog.sent_now;
	a->error = error;
	memcpy(a->msg, msg, sizeof(msg));
	return now;
}

void nc_progress_follow(struct nc_apply *a, struct nc_balloon *b,
			unsigned int ms)
{
	uint64_t end = nc_now_ms() + ms, now;
	unsigned int left = nc_apply_left_ms(a);

	if (left < ms)
		end = nc_now_ms() + left;
	while (a->prog.on && nc_now_ms() < end) {
		nc_sleep_ms(NC_POLL_MS);
		now = nc_progress_peek(a, b);
		if (now >= a->prog.target)
			break;
		nc_progress_step(a, now);
	}
}

void nc_progress_end(struct nc_apply *a, struct nc_balloon *b, bool ok)
{
	if (!a->prog.on)
		return;
	nc_progress_send(a, ok ? KVM_NEST_PROGRESS_DONE : KVM_NEST_PROGRESS_FAILED,
			 nc_progress_peek(a, b));
	a->prog.on = false;
}
