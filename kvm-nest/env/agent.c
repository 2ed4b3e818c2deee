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
#include "../netlink.h"
#include "agent.h"

struct kn_agent_wait {
	struct list_head node;
	u64 cookie;
	struct completion done;
	int err;
	char msg[KN_ENV_WHY_LEN];
};

static DEFINE_SPINLOCK(kn_agent_lock);
static LIST_HEAD(kn_agent_waits);
static u64 kn_agent_next;

int kn_agent_apply(const struct kn_agent_req *req, char *why, size_t len)
{
	struct kn_agent_wait w = { .err = 0 };
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
