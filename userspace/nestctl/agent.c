// SPDX-License-Identifier: GPL-2.0-only
/*
 * nestctl agent [ -v ] [ -cgroup DIR ]: the enforcement daemon of one level.  It listens on
 * the kvm_nest "agent" group for AGENT_APPLY, applies each envelope
 * (agent_apply.c) and answers AGENT_DONE with the cookie, an errno and a
 * message that says what to do; on the "events" group, through a socket
 * of its own that a guest's flood of dolls may overrun, it removes the
 * cgroups of dolls that are gone.  Where it puts them: agent_place.c.  One agent per kernel, as root; SIGINT
 * or SIGTERM end it (exit 0) after the apply under way is answered.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/kvm_nest.h>

#include "agent.h"
#include "attr.h"
#include "cgroup.h"
#include "dolls.h"
#include "info.h"
#include "nestctl.h"
#include "place.h"

/*
 * Events backlog: an apply blocks the loop for up to 50 s.  Applies have
 * a socket of their own, which events a guest causes cannot fill: the
 * kernel sends one apply at a time.
 */
#define NC_AGENT_RCVBUF		(4 << 20)
/*
 * How often the agent checks that the kernel still sees it listen: a
 * module reload drops the group memberships, and an unload the family.
 */
#define NC_HEALTH_MS		2000
/* A gone doll's VMM may still be exiting: retry its rmdir this long. */
#define NC_RMDIR_TRY_MS		20000
#define NC_RMDIR_EVERY_MS	500
#define NC_RMDIR_MAX		64

struct nc_rmdir {
	uint32_t id;
	uint64_t until;
};

struct nc_agent {
	struct nc_ctx *ctx;
	struct nc_nl *req;	/* &ctx->nl: info, doll-get, AGENT_DONE */
	struct nc_nl ap;	/* the agent group: applies only */
	struct nc_nl ev;	/* the events group */
	bool up;		/* both open, and the kernel sees us */
	uint64_t next_health;
	struct nc_rmdir rm[NC_RMDIR_MAX];
	unsigned int n_rm;
};

static void nc_agent_usage(FILE *f)
{
	fputs("Usage: nestctl agent [ -v ] [ -cgroup DIR ]\n"
	      "       nestctl agent help\n"
	      "Applies the envelopes of this kernel's dolls with cgroup v2 and the\n"
	      "virtio balloon; run one per kernel that hosts dolls, as root.\n"
	      "-v logs every change applied.\n"
	      "On a systemd host, VMMs without a cgroup of their own go into the\n"
	      "transient scope " NC_SD_SCOPE " (else into the agent's unit's\n"
	      "delegated cgroup); elsewhere under DIR (-cgroup, or $" NC_BASE_ENV "),\n"
	      "by default " NC_CG_DOLLS ".\n", f);
}

static const enum mnl_attr_data_type nc_apply_types[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_COOKIE] = MNL_TYPE_U64,
	[KVM_NEST_A_DOLL_ID] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_PID] = MNL_TYPE_U32,
	[KVM_NEST_A_DOLL_PID_START] = MNL_TYPE_U64,
	[KVM_NEST_A_DOLL_NAME] = MNL_TYPE_NUL_STRING,
	[KVM_NEST_A_DOLL_ENV] = MNL_TYPE_NESTED,
};

static int nc_done(struct nc_agent *ag, const struct nc_apply *a)
{
	struct nlmsghdr *nlh;
	int err;

	nlh = nc_nl_req(ag->req, KVM_NEST_CMD_AGENT_DONE, &nc_doll_attr_names);
	mnl_attr_put_u64(nlh, KVM_NEST_A_DOLL_COOKIE, a->cookie);
	mnl_attr_put_u32(nlh, KVM_NEST_A_DOLL_ERROR, (uint32_t)a->error);
	if (a->error && a->msg[0])
		mnl_attr_put_strz(nlh, KVM_NEST_A_DOLL_MSG, a->msg);
	err = nc_nl_do(ag->req, NULL, NULL);
	if (err)
		nc_log("doll %u: the kernel did not take the answer (%s)%s", a->id,
		       ag->req->ext.msg[0] ? ag->req->ext.msg : strerror(-err),
		       err == -ENOENT ? "; it gave up waiting after 60 s" : "");
	return err;
}

/* A resolved envelope is whole: cpus and weight always set. */
static int nc_apply_parse(const struct nlmsghdr *nlh, struct nc_apply *a)
{
	const struct nlattr *tb[KVM_NEST_A_DOLL_MAX + 1] = { 0 };
	bool bad;

	*a = (struct nc_apply){ .vmm.pidfd = -1 };
	clock_gettime(CLOCK_MONOTONIC, &a->start);
	if (nc_attrs_parse(nlh, sizeof(struct genlmsghdr), nc_apply_types,
			   KVM_NEST_A_DOLL_MAX, tb) || !tb[KVM_NEST_A_DOLL_COOKIE])
		return -EBADMSG;	/* no cookie: nothing to answer */
	a->cookie = mnl_attr_get_u64(tb[KVM_NEST_A_DOLL_COOKIE]);
	a->id = nc_attr_u32(tb[KVM_NEST_A_DOLL_ID], 0);
	a->pid = nc_attr_u32(tb[KVM_NEST_A_DOLL_PID], 0);
	if (tb[KVM_NEST_A_DOLL_PID_START])
		a->pid_start = mnl_attr_get_u64(tb[KVM_NEST_A_DOLL_PID_START]);
	snprintf(a->name, sizeof(a->name), "%s", nc_attr_str(tb[KVM_NEST_A_DOLL_NAME], ""));
	bad = !a->id || !a->pid || !tb[KVM_NEST_A_DOLL_PID_START] ||
	      !tb[KVM_NEST_A_DOLL_ENV] ||
	      nc_env_parse(tb[KVM_NEST_A_DOLL_ENV], &a->env) ||
	      !a->env.cpus[0] || a->env.cpu_weight < NC_WEIGHT_MIN ||
	      a->env.cpu_weight > NC_WEIGHT_MAX;
	if (bad)
		return nc_apply_fail(a, EINVAL, "agent-apply without a doll id, pid, pid-start or whole envelope; does this nestctl match the module?");
	return 0;
}

static void nc_agent_apply(struct nc_agent *ag, const struct nlmsghdr *nlh)
{
	struct nc_apply a;
	struct nc_doll d;
	int err = nc_apply_parse(nlh, &a);

	if (err == -EBADMSG) {
		nc_log("an agent-apply without a cookie: ignored");
		return;
	}
	a.nl = ag->req;
	if (!err && !nc_doll_get(ag->req, a.id, &d)) {
		if (d.has & NC_HAS_MEM)
			a.doll_mem = d.mem;
		nc_doll_free(&d);
	}
	if (!err) {
		nc_vlog("doll %u (pid %u%s%s): applying", a.id, a.pid,
			a.name[0] ? ", " : "", a.name);
		err = nc_apply_run(&a);
	}
	if (err)
		nc_log("doll %u: refused: %s", a.id, a.msg);
	/* Applied, but the kernel no longer waits: it kept the old envelope. */
	if (nc_done(ag, &a) == -ENOENT && !err)
		nc_apply_undo(&a);
	nc_vmm_close(&a.vmm);
}

/* Remove BASE/doll-ID if it is there and empty; false to retry. */
static bool nc_rmdir_doll(uint32_t id)
{
	int err = nc_cg_doll_rmdir(id);

	if (!err)
		nc_vlog("doll %u: removed its cgroups", id);
	return err != -EBUSY;
}

static void nc_rmdir_queue(struct nc_agent *ag, uint32_t id)
{
	if (nc_rmdir_doll(id))
		return;
	if (ag->n_rm == NC_RMDIR_MAX) {
		nc_log("doll %u: too many cgroups to remove at once; left for the next sweep", id);
		return;
	}
	ag->rm[ag->n_rm++] = (struct nc_rmdir){ id, nc_now_ms() + NC_RMDIR_TRY_MS };
}

static void nc_rmdir_retry(struct nc_agent *ag)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < ag->n_rm; i++) {
		struct nc_rmdir *r = &ag->rm[i];

		if (nc_rmdir_doll(r->id))
			continue;
		if (nc_now_ms() >= r->until) {
			nc_log("doll %u is gone but its cgroup still has processes; remove it by hand once they exit",
			       r->id);
			continue;
		}
		ag->rm[k++] = *r;
	}
	ag->n_rm = k;
}

/* Cgroups made for dolls that no longer exist: from an earlier run, or
 * whose doll-del event was lost. */
static void nc_sweep(struct nc_agent *ag)
{
	DIR *dir = nc_cg_base()[0] ? opendir(nc_cg_base()) : NULL;
	struct dirent *de;
	struct nc_doll d;
	unsigned int id;
	char c;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (sscanf(de->d_name, "doll-%u%c", &id, &c) != 1)
			continue;
		if (nc_doll_get(ag->req, id, &d) == -ENOENT)
			nc_rmdir_queue(ag, id);
		else
			nc_doll_free(&d);
	}
	closedir(dir);
}

static int nc_agent_event(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct nc_agent *ag = data;
	struct nc_doll d;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g))
		return 0;
	if (g->cmd == KVM_NEST_CMD_AGENT_APPLY) {
		nc_agent_apply(ag, nlh);
	} else if (g->cmd == KVM_NEST_CMD_DOLL_DEL_NTF && !nc_doll_parse(nlh, &d)) {
		nc_cpu_forget(d.id);
		if (d.level == 1)
			nc_rmdir_queue(ag, d.id);
		nc_doll_free(&d);
	}
	return 0;
}

static int nc_agent_join(struct nc_agent *ag)
{
	int size = NC_AGENT_RCVBUF, fd, err;

	fd = nc_nl_fd(&ag->ev);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	err = nc_nl_join(&ag->ap, ag->ap.agent);
	if (!err)
		err = nc_nl_join(&ag->ev, ag->ev.events);
	return err;
}

static void nc_agent_close(struct nc_agent *ag)
{
	if (ag->ap.sock)
		nc_nl_close(&ag->ap);
	if (ag->ev.sock)
		nc_nl_close(&ag->ev);
}

static void nc_agent_down(struct nc_agent *ag)
{
	nc_agent_close(ag);
	if (ag->ctx->nl_open)
		nc_nl_close(&ag->ctx->nl);
	ag->ctx->nl_open = false;
	ag->up = false;
}

/* The sockets open and the groups joined; 0 or -errno, silently. */
static int nc_agent_up(struct nc_agent *ag)
{
	int err = nc_nl_open_quiet(&ag->ctx->nl);

	if (err)
		return err;
	ag->ctx->nl_open = true;
	err = nc_nl_open_quiet(&ag->ap);
	if (!err)
		err = nc_nl_open_quiet(&ag->ev);
	if (!err)
		err = nc_agent_join(ag);
	if (err) {
		nc_agent_down(ag);
		return err;
	}
	ag->up = true;
	return 0;
}

/*
 * The kernel must see an agent listen.  After a module reload the groups
 * are new and this socket is in none; after an unload there is no family:
 * listen again once it is back.
 */
static void nc_agent_health(struct nc_agent *ag)
{
	struct nc_info in;
	bool was_up = ag->up;

	if (ag->up && !nc_info_get(ag->req, &in) && in.agent)
		return;
	nc_agent_down(ag);
	if (nc_agent_up(ag)) {
		if (was_up)
			nc_log("kvm-nest is gone; listening again when it is back");
		return;
	}
	nc_log("kvm-nest was loaded again; listening for envelopes to apply");
	nc_sweep(ag);
}

/* Applies first: they never wait behind a backlog of events. */
static void nc_agent_read(struct nc_agent *ag, const struct pollfd *fds)
{
	int err = 0;

	if (fds[0].revents)
		err = nc_nl_events(&ag->ap, nc_agent_event, ag);
	if (err) {
		/* The kernel sends one apply at a time: this is not a flood. */
		nc_log("reading applies: %s; listening again", strerror(-err));
		nc_agent_down(ag);
		return;
	}
	if (!fds[1].revents)
		return;
	err = nc_nl_events(&ag->ev, nc_agent_event, ag);
	if (err == -ENOBUFS) {
		nc_log("events lost while busy (applies are not among them); sweeping cgroups");
		nc_sweep(ag);
	} else if (err) {
		nc_log("reading events: %s; listening again", strerror(-err));
		nc_agent_down(ag);
	}
}

static int nc_agent_loop(struct nc_agent *ag, int sfd)
{
	struct pollfd fds[3] = { { .fd = -1 }, { .fd = -1 },
				 { .fd = sfd, .events = POLLIN } };

	for (;;) {
		int wait = ag->n_rm ? NC_RMDIR_EVERY_MS : NC_HEALTH_MS, n;
		int cpu = nc_cpu_tick();	/* the pacer's writes are due */

		if (cpu >= 0 && cpu < wait)
			wait = cpu;

		fds[0] = (struct pollfd){ .fd = ag->up ? nc_nl_fd(&ag->ap) : -1,
					  .events = POLLIN };
		fds[1] = (struct pollfd){ .fd = ag->up ? nc_nl_fd(&ag->ev) : -1,
					  .events = POLLIN };
		n = poll(fds, 3, wait);
		if (n < 0 && errno != EINTR)
			return nc_error("agent: poll: %s", strerror(errno));
		if (n > 0 && fds[2].revents)
			return NC_OK;
		if (ag->n_rm)
			nc_rmdir_retry(ag);
		if (nc_now_ms() >= ag->next_health) {
			ag->next_health = nc_now_ms() + NC_HEALTH_MS;
			nc_agent_health(ag);
		}
		if (n > 0 && ag->up)
			nc_agent_read(ag, fds);
	}
}

/* Root, cgroup v2, no other agent at this level, and a place for VMMs. */
static int nc_agent_check(struct nc_ctx *ctx, const char *base)
{
	struct nc_info in;
	int err;

	if (geteuid())
		return nc_error("agent: run it as root: it writes cgroups and answers the kernel with CAP_NET_ADMIN");
	if (!nc_cg_is_v2())
		return nc_error("agent: %s is not cgroup v2; mount it: mount -t cgroup2 none %s",
				NC_CG_ROOT, NC_CG_ROOT);
	err = nc_ctx_nl(ctx);
	if (err)
		return err;
	err = nc_info_get(&ctx->nl, &in);
	if (err)
		return nc_nl_report(&ctx->nl, err, "agent: info");
	if (!in.has_depth)
		return nc_error("agent: this kvm-nest module has no envelopes; load one that matches this nestctl");
	if (in.agent)
		return nc_error("agent: another agent already listens at this level; only one may run, stop it first");
	return nc_place_init(base);
}

static int nc_agent_listen(struct nc_agent *ag)
{
	int err;

	if (nc_nl_open(&ag->ap) || nc_nl_open(&ag->ev))
		return NC_ERR;
	if (!ag->ap.agent)
		return nc_error("agent: kvm-nest has no \"%s\" group; load a module that matches this nestctl",
				KVM_NEST_MCGRP_AGENT);
	err = nc_agent_join(ag);
	if (err)
		return nc_error("agent: cannot join the groups of %s: %s",
				KVM_NEST_GENL_NAME, strerror(-err));
	ag->up = true;
	ag->next_health = nc_now_ms() + NC_HEALTH_MS;
	return NC_OK;
}

static int nc_agent_run(struct nc_ctx *ctx, int argc, char **argv)
{
	struct nc_agent ag = { .ctx = ctx, .req = &ctx->nl };
	const char *base = NULL;
	sigset_t sigs;
	int rc, sfd;

	for (int i = 0; i < argc; i++) {
		if (nc_is(argv[i], "-v"))
			nc_agent_verbose = true;
		else if (nc_is(argv[i], "-cgroup") && i + 1 < argc)
			base = argv[++i];
		else if (nc_is(argv[i], "-cgroup"))
			return nc_usage_error("agent", "-cgroup needs a directory, such as %s", NC_CG_DOLLS);
		else
			return nc_unknown_arg("agent", argv[i]);
	}
	/* Signals become readable, from the start: an apply under way is
	 * answered first, and a stop while starting is a clean exit too. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) ||
	    (sfd = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0)
		return nc_error("agent: signalfd: %s", strerror(errno));
	rc = nc_agent_check(ctx, base);
	if (!rc)
		rc = nc_agent_listen(&ag);
	if (!rc) {
		nc_sweep(&ag);
		nc_log("listening for envelopes to apply");
		nc_lv_watch_start();
		rc = nc_agent_loop(&ag, sfd);
		nc_lv_watch_stop();
	}
	nc_agent_close(&ag);
	nc_cpu_stop();
	nc_place_stop();
	close(sfd);
	if (!rc)
		nc_log("stopped");
	return rc;
}

int nc_agent(struct nc_ctx *ctx, int argc, char **argv)
{
	static const struct nc_cmd cmds[] = { { NULL, nc_agent_run } };
	static const struct nc_object obj = {
		"agent", nc_agent_usage, cmds, 1, true
	};

	return nc_dispatch(ctx, &obj, argc, argv);
}
