/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_AGENT_H
#define KN_ENV_AGENT_H

#include "env.h"

/* How long an agent may take, a balloon included. */
#define KN_AGENT_TIMEOUT	(60 * HZ)

struct kn_agent_req {
	u32 id;
	pid_t pid;
	u64 pid_start;
	const char *name;
	const struct kn_env *env;
};

/*
 * Asks the agent of this kernel to enforce @req's envelope on its doll's
 * VMM (cgroup, balloon) and waits for its answer.  0 once applied; else
 * an errno with the agent's explanation in @why.
 */
int kn_agent_apply(const struct kn_agent_req *req, char *why, size_t len);
/* An agent's answer to request @cookie; -ENOENT if nobody waits for it. */
int kn_agent_done(u64 cookie, u32 err, const char *msg);

struct kn_progress;
/*
 * The agent's progress on request @cookie, passed on as an event about
 * the request's doll: -ENOENT if nobody waits for it, -EBUSY if too soon
 * after the last report or after the final one.
 */
int kn_agent_progress(u64 cookie, const struct kn_progress *p);

#endif
