// SPDX-License-Identifier: GPL-2.0-only
/*
 * The monitor object: print each doll event as it arrives, one line or one
 * JSON object each, flushed at once, until SIGINT or SIGTERM (exit 0).
 * Words choose the events (doll, envelope, level) and -t stamps them.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <linux/kvm_nest.h>

#include "attr.h"
#include "doll.h"
#include "match.h"
#include "monitor.h"
#include "nestctl.h"

static void nc_monitor_usage(FILE *f)
{
	fputs("Usage: nestctl monitor [ -t ] [ OBJECT... ]\n"
	      "       nestctl monitor help\n"
	      "where  OBJECT := { doll | envelope | level }: only their events\n"
	      "       (envelope: changes, refusals and the agent's progress)\n"
	      "       -t: each event with its time\n", f);
}

static const char *nc_event_name(uint8_t cmd)
{
	switch (cmd) {
	case KVM_NEST_CMD_DOLL_NEW_NTF:
		return "doll-new";
	case KVM_NEST_CMD_DOLL_DEL_NTF:
		return "doll-del";
	case KVM_NEST_CMD_ENV_NTF:
		return "env";
	case KVM_NEST_CMD_LEVEL_NTF:
		return "level";
	case KVM_NEST_CMD_ENV_REFUSED_NTF:
		return "env-refused";
	case KVM_NEST_CMD_PROGRESS_NTF:
		return "progress";
	}
	return NULL;
}

/* What the filter words name: bits of an event's kind. */
enum { NC_MON_DOLL = 1, NC_MON_ENV = 2, NC_MON_LEVEL = 4, NC_MON_ALL = 7 };

static unsigned int nc_event_kind(uint8_t cmd)
{
	switch (cmd) {
	case KVM_NEST_CMD_ENV_NTF:
	case KVM_NEST_CMD_ENV_REFUSED_NTF:
	case KVM_NEST_CMD_PROGRESS_NTF:
		return NC_MON_ENV;
	case KVM_NEST_CMD_LEVEL_NTF:
		return NC_MON_LEVEL;
	}
	return NC_MON_DOLL;
}

static const enum mnl_attr_data_type nc_level_ntf_types[KVM_NEST_A_INFO_MAX + 1] = {
	[KVM_NEST_A_INFO_DEPTH] = MNL_TYPE_U32,
};

/* "2026-12-06T16:04:05.123456+0000": local time, as ISO 8601. */
static void nc_monitor_time(char *buf, size_t len)
{
	struct timeval tv;
	struct tm tm;
	char zone[8];
	size_t n;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf + n, len - n, ".%06ld%s", (long)tv.tv_usec, zone);
}

void nc_monitor_head(struct nc_monitor *m, const char *name)
{
	struct nc_print *p = m->p;
	char tag[32], when[48];

	snprintf(tag, sizeof(tag), "[%s]", name);
	nc_pr_open_obj(p, NULL);
	nc_pr_str(p, NC_JSON, "event", name);
	nc_pr_str(p, NC_TEXT | NC_BARE, NULL, tag);
	if (m->stamp) {
		nc_monitor_time(when, sizeof(when));
		nc_pr_str(p, NC_ANY, "time", when);
	}
}

/* level: this kernel's depth changed (a kvm-nest parent came or went). */
static int nc_monitor_level(struct nc_monitor *m, const struct nlmsghdr *nlh,
			    const char *name)
{
	const struct nlattr *tb[KVM_NEST_A_INFO_MAX + 1] = { 0 };

	if (nc_attrs_parse(nlh, sizeof(struct genlmsghdr), nc_level_ntf_types,
			   KVM_NEST_A_INFO_MAX, tb) || !tb[KVM_NEST_A_INFO_DEPTH])
		return -EBADMSG;
	nc_monitor_head(m, name);
	nc_pr_uint(m->p, NC_ANY, "depth", mnl_attr_get_u32(tb[KVM_NEST_A_INFO_DEPTH]));
	return 0;
}

/* doll-new, doll-del: the doll; env: the doll and its new envelope. */
static int nc_monitor_doll(struct nc_monitor *m, const struct nlmsghdr *nlh,
			   const char *name)
{
	struct nc_print *p = m->p;
	struct nc_doll d;
	int err = nc_doll_parse(nlh, &d);

	if (!err) {
		nc_monitor_head(m, name);
		nc_doll_print_ident(p, &d);
		if (d.has & NC_HAS_ENV) {
			nc_pr_open_obj(p, "envelope");
			nc_env_print(p, &d.env);
			nc_pr_close_obj(p);
		}
	}
	nc_doll_free(&d);
	return err;
}

static int nc_monitor_event(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct nc_monitor *m = data;
	struct nc_print *p = m->p;
	const char *name;
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g))
		return -EBADMSG;
	name = nc_event_name(g->cmd);
	if (!name)
		return 0;	/* an event this nestctl does not know */
	if (!(m->kinds & nc_event_kind(g->cmd)))
		return 0;	/* not asked for */
	if (g->cmd == KVM_NEST_CMD_LEVEL_NTF)
		err = nc_monitor_level(m, nlh, name);
	else if (g->cmd == KVM_NEST_CMD_ENV_REFUSED_NTF)
		err = nc_monitor_refused(m, nlh, name);
	else if (g->cmd == KVM_NEST_CMD_PROGRESS_NTF)
		err = nc_monitor_progress(m, nlh, name);
	else
		err = nc_monitor_doll(m, nlh, name);
	if (err)
		return err;
	nc_pr_nl(p);
	nc_pr_close_obj(p);
	if (!nc_pr_flush(p)) {
		m->write_err = errno ? errno : EIO;
		return -m->write_err;
	}
	return 0;
}

/* Events until a signal arrives on sfd. */
static int nc_monitor_loop(struct nc_ctx *ctx, struct nc_monitor m, int sfd)
{
	struct pollfd fds[2] = {
		{ .fd = nc_nl_fd(&ctx->nl), .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
	};
	int err;

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return nc_error("monitor: poll: %s", strerror(errno));
		}
		if (fds[1].revents)
			return NC_OK;
		err = nc_nl_events(&ctx->nl, nc_monitor_event, &m);
		if (m.write_err)
			return nc_error("monitor: cannot write the output: %s",
					strerror(m.write_err));
		if (err == -ENOBUFS)
			fputs("Warning: events lost: nestctl did not read them fast enough\n",
			      stderr);
		else if (err)
			return nc_nl_report(&ctx->nl, err, "monitor");
	}
}

/* [ -t ] [ doll | envelope | level ]...: into m; NC_OK or NC_USAGE. */
static int nc_monitor_args(struct nc_monitor *m, int argc, char **argv)
{
	static const char *const names[] = { "doll", "envelope", "level" };
	static const unsigned int kinds[] = { NC_MON_DOLL, NC_MON_ENV, NC_MON_LEVEL };
	char amb[64];

	for (int i = 0; i < argc; i++) {
		int k;

		if (nc_is(argv[i], "-t") || nc_is(argv[i], "-timestamp")) {
			m->stamp = true;
			continue;
		}
		k = nc_match(argv[i], names, NC_ARRAY_SIZE(names), amb, sizeof(amb));
		if (k < 0)
			return nc_usage_error("monitor", "\"%s\" is not an object to monitor: doll, envelope or level",
					      argv[i]);
		m->kinds |= kinds[k];
	}
	if (!m->kinds)
		m->kinds = NC_MON_ALL;
	return NC_OK;
}

static int nc_monitor_run(struct nc_ctx *ctx, int argc, char **argv)
{
	struct nc_monitor m = { .p = &ctx->pr, .stamp = ctx->stamp };
	sigset_t sigs;
	int rc, err, sfd;

	rc = nc_monitor_args(&m, argc, argv);
	if (rc)
		return rc;
	rc = nc_ctx_nl(ctx);
	if (rc)
		return rc;
	err = nc_nl_subscribe(&ctx->nl);
	if (err)
		return nc_error("monitor: cannot join group %s of %s: %s",
				KVM_NEST_MCGRP_EVENTS, KVM_NEST_GENL_NAME,
				strerror(-err));
	/* Signals become readable events: a clean exit with no handler. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) ||
	    (sfd = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0)
		return nc_error("monitor: signalfd: %s", strerror(errno));
	rc = nc_monitor_loop(ctx, m, sfd);
	close(sfd);
	return rc;
}

int nc_monitor(struct nc_ctx *ctx, int argc, char **argv)
{
	static const struct nc_cmd cmds[] = { { NULL, nc_monitor_run } };
	static const struct nc_object obj = {
		"monitor", nc_monitor_usage, cmds, 1, true
	};

	return nc_dispatch(ctx, &obj, argc, argv);
}
