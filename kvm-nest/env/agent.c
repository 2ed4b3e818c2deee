// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's half of enforcement: envelopes are applied by the agent
 * (nestctl agent) of this kernel, with cgroup v2 and the virtio balloon.
 * A request goes out on the "agent" multicast group; the answer comes
 * back as AGENT_DONE with the same cookie.
 */
#include <linux/completion.h>
#include <linux/ctype.h>
#include <linux/list.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>

#include "../channel/depth.h"
#include "../event.h"
#include "../netlink.h"
#include "agent.h"

/*
 * Progress reports passed on per apply: one in KN_PROGRESS_GAP while it
 * runs, so that a busy agent cannot flood the events group; the final one
 * always, and nothing after it.
 */
#define KN_PROGRESS_GAP		(HZ / 10)

struct kn_agent_wait {
	struct list_head node;
	u64 cookie;
	const struct kn_agent_req *req;	/* the caller's, while listed */
	struct completion done;
	int err;
	bool progressed, final;
	unsigned long progress_at;	/* jiffies of the last report */
	char msg[KN_ENV_WHY_LEN];
};

static DEFINE_SPINLOCK(kn_agent_lock);
static LIST_HEAD(kn_agent_waits);
static u64 kn_agent_next;

int kn_agent_apply(const struct kn_agent_req *req, char *why, size_t len)
{
	struct kn_agent_wait w = { .req = req };
	long left;
	int err;

	init_completion(&w.done);
	spin_lock(&kn_agent_lock);
	w.cookie = ++kn_agent_next;
	list_add_tail(&w.node, &kn_agent_waits);
	spin_unlock(&kn_agent_lock);

	err = kn_nl_agent_apply(w.cookie, req);
	if (err == -ESRCH) {
		scnprintf(why, len,
			  "no agent runs at L%u to enforce envelopes; start 'nestctl agent' there",
			  kn_depth());
		err = -ENOTCONN;
		goto out;
	}
	/* The agent's socket was full: it will never see this request. */
	if (err == -ENOBUFS)
		scnprintf(why, len,
			  "the agent at L%u could not take the request (its socket is full); see its log and try again",
			  kn_depth());
	if (err)
		goto out;
	left = wait_for_completion_killable_timeout(&w.done, KN_AGENT_TIMEOUT);
	if (left > 0) {
		err = w.err;
		if (err)
			strscpy(why, w.msg, len);
	} else {
		err = left ?: -ETIMEDOUT;
		if (!left)
			scnprintf(why, len,
				  "the agent at L%u did not answer within %u s; see its log",
				  kn_depth(), KN_AGENT_TIMEOUT / HZ);
	}
out:
	spin_lock(&kn_agent_lock);
	list_del(&w.node);
	spin_unlock(&kn_agent_lock);
	return err;
}

int kn_agent_done(u64 cookie, u32 err, const char *msg)
{
	struct kn_agent_wait *w;
	int ret = -ENOENT;
	size_t i;

	spin_lock(&kn_agent_lock);
	list_for_each_entry(w, &kn_agent_waits, node) {
		if (w->cookie != cookie || completion_done(&w->done))
			continue;
		/* An agent's errno is positive and must mean failure. */
		w->err = err ? -(int)min_t(u32, err, MAX_ERRNO) : 0;
		strscpy(w->msg, msg && *msg ? msg : "the agent failed", sizeof(w->msg));
		for (i = 0; w->msg[i]; i++)
			if (!isprint(w->msg[i]))
				w->msg[i] = '?';
		complete(&w->done);
		ret = 0;
		break;
	}
	spin_unlock(&kn_agent_lock);
	return ret;
}

/* Whether a report may go out now; under kn_agent_lock. */
static bool kn_agent_progress_due(struct kn_agent_wait *w, u32 state)
{
	if (w->final)
		return false;
	if (state == KVM_NEST_PROGRESS_RUNNING && w->progressed &&
	    time_before(jiffies, w->progress_at + KN_PROGRESS_GAP))
		return false;
	w->progressed = true;
	w->final = state != KVM_NEST_PROGRESS_RUNNING;
	w->progress_at = jiffies;
	return true;
}

int kn_agent_progress(u64 cookie, const struct kn_progress *p)
{
	char name[KN_NAME_LEN];
	struct kn_agent_wait *w;
	int ret = -ENOENT;
	pid_t pid = 0;
	u32 id = 0;

	spin_lock(&kn_agent_lock);
	list_for_each_entry(w, &kn_agent_waits, node) {
		if (w->cookie != cookie || completion_done(&w->done))
			continue;
		ret = -EBUSY;
		if (!kn_agent_progress_due(w, p->state))
			break;
		/* The doll is the request's, never what the agent says. */
		id = w->req->id;
		pid = w->req->pid;
		strscpy(name, w->req->name, sizeof(name));
		ret = 0;
		break;
	}
	spin_unlock(&kn_agent_lock);
	if (!ret)
		kn_event_progress(id, pid, name, p);
	return ret;
}
