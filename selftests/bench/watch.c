// SPDX-License-Identifier: GPL-2.0
/*
 * kn-bench watch: this kernel's side of a kn-bench run inside an L1 doll.
 * It follows the doll's result port (a file its QEMU writes), reads this
 * kernel's kvm-nest at each "KNB-MARK k" while the bench in the doll
 * sleeps, and re-emits each of its "KNB {...}" results with "exits_l0"
 * added: the same two-N estimate as kn-bench run, over the doll's whole
 * VM (its own kernel included), so background exits add noise here.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "exits.h"
#include "kn_tap.h"
#include "kn_time.h"
#include "report.h"
#include "run.h"

#define MAX_MARKS 4096

struct watch {
	pid_t pid;
	const char *knob;
	const char *census;		/* the census switch, or NULL */
	bool census_on;
	unsigned int pause_ms;
	double deadline;		/* ms, CLOCK_MONOTONIC */
	struct knb_exits *snap;		/* by mark */
	bool late[MAX_MARKS];
	double mark_ms[MAX_MARKS];	/* how long each snapshot took */
	struct knb_twon exits;		/* of the result being built */
	struct knb_exits sum;
	unsigned long n1, n2;
	unsigned int late_marks;
	double mark_ms_max;
};

static double now_ms(void)
{
	return kn_now_ns() / 1e6;
}

static void on_mark(struct watch *w, unsigned int k)
{
	double t0 = now_ms();
	struct kn_dolls ds;

	if (k >= MAX_MARKS)
		kn_bail("marker %u: more than %d", k, MAX_MARKS);
	kn_dolls_read(&ds);
	knb_exits_of(&ds, w->pid, &w->snap[k]);
	kn_dolls_free(&ds);
	/* The bench sleeps pause_ms after printing the marker: stay well inside. */
	w->mark_ms[k] = now_ms() - t0;
	w->late[k] = w->mark_ms[k] > w->pause_ms / 2.0;
}

static void census_switch(const char *path, bool on)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%d\n", on) < 0 || fclose(f))
		kn_die(path);
}

/*
 * The census goes on once the doll's bench starts, not at its boot: boot
 * touches more distinct MSRs than a doll's census table holds.
 */
static void on_info(struct watch *w)
{
	if (!w->census || w->census_on)
		return;
	census_switch(w->census, true);
	w->census_on = true;
}

/* Acceleration switch of this level (see bench.rst); absent today. */
static void on_config(struct watch *w, const char *config)
{
	FILE *f;

	if (!w->knob || access(w->knob, W_OK))
		return;
	f = fopen(w->knob, "w");
	if (!f || fprintf(f, "%d\n", !strcmp(config, "kvm-nest")) < 0 || fclose(f))
		kn_die(w->knob);
}

static void on_rep(struct watch *w, const char *line)
{
	unsigned int r, m[3];
	unsigned long n1, n2;
	struct knb_exits s[3];

	if (sscanf(line, "KNB-REP %*s %u %u %u %u %lu %lu", &r, &m[0], &m[1], &m[2],
		   &n1, &n2) != 6 || n2 <= n1)
		kn_bail("bad line from the doll: %s", line);
	for (int i = 0; i < 3; i++) {
		if (m[i] >= MAX_MARKS)
			kn_bail("marker %u out of range", m[i]);
		s[i] = w->snap[m[i]];
		w->late_marks += w->late[m[i]];
		if (w->mark_ms[m[i]] > w->mark_ms_max)
			w->mark_ms_max = w->mark_ms[m[i]];
	}
	knb_exits_rep(s, n1, n2, &w->sum, &w->exits);
	w->n1 = n1;
	w->n2 = n2;
}

/* The doll's result, minus its closing brace, plus ours. */
static void on_result(struct watch *w, char *line)
{
	char *end = strrchr(line, '}');
	struct knb_series per_op = { 0 };

	knb_twon_samples(&w->exits, w->n1, w->n2, &per_op);
	if (!end)
		kn_bail("bad result from the doll: %s", line);
	*end = 0;
	fputs(line, stdout);
	knb_json_exits(stdout, "exits_l0", &per_op, &w->sum);
	printf(",\"l0_late_marks\":%u,\"l0_mark_ms_max\":%.1f}\n", w->late_marks,
	       w->mark_ms_max);
	fflush(stdout);
	fprintf(stderr, "bench:   L0 exits/op %.2f [%.2f-%.2f]%s\n", knb_median(&per_op),
		knb_min(&per_op), knb_max(&per_op),
		w->late_marks ? " (some marks late: see l0_late_marks)" : "");
	w->exits = (struct knb_twon){ 0 };
	w->sum = (struct knb_exits){ 0 };
	w->late_marks = 0;
	w->mark_ms_max = 0;
}

/* Returns false at the doll's end of output. */
static bool on_line(struct watch *w, char *line)
{
	unsigned int k;

	line[strcspn(line, "\r\n")] = 0;
	if (sscanf(line, "KNB-MARK %u", &k) == 1)
		on_mark(w, k);
	else if (!strncmp(line, "KNB-CONFIG ", 11))
		on_config(w, line + 11);
	else if (!strncmp(line, "KNB-INFO ", 9))
		on_info(w);
	else if (!strncmp(line, "KNB-REP ", 8))
		on_rep(w, line);
	else if (!strncmp(line, "KNB {", 5))
		on_result(w, line);
	else if (!strncmp(line, "KN-END", 6))
		return false;
	else if (strncmp(line, "KN-", 3))
		fprintf(stderr, "%s\n", line);
	return true;
}

static bool alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno != ESRCH;
}

/*
 * Follows @path like tail -f, woken by inotify, until KN-END or the doll
 * dies; false if the deadline came first.
 */
static bool follow(struct watch *w, const char *path)
{
	char buf[8192];
	size_t len = 0;
	int fd, in = inotify_init1(IN_CLOEXEC);
	bool more = true, timed_out = false;

	/* QEMU creates the file a moment after it starts. */
	while ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 && errno == ENOENT &&
	       alive(w->pid))
		usleep(100000);
	if (fd < 0 || in < 0 || inotify_add_watch(in, path, IN_MODIFY) < 0)
		kn_die(path);
	while (more) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);
		char *nl;

		if (r < 0)
			kn_die(path);
		if (r == 0) {
			struct pollfd p = { .fd = in, .events = POLLIN };
			char ev[4096];

			if (!alive(w->pid))
				break;
			if (now_ms() > w->deadline) {
				timed_out = true;
				break;
			}
			if (poll(&p, 1, 1000) > 0 && read(in, ev, sizeof(ev)) < 0)
				kn_die("inotify");
			continue;
		}
		len += r;
		buf[len] = 0;
		while (more && (nl = strchr(buf, '\n'))) {
			*nl = 0;
			more = on_line(w, buf);
			len -= nl + 1 - buf;
			memmove(buf, nl + 1, len + 1);
		}
		if (len == sizeof(buf) - 1)
			kn_bail("line longer than %zu bytes from the doll", sizeof(buf));
	}
	close(in);
	close(fd);
	return !timed_out;
}

int knb_watch(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'l' },
		{ "knob", required_argument, NULL, 'k' },
		{ "pause-ms", required_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 't' },
		{ "census", required_argument, NULL, 'c' },
		{ 0 }
	};
	struct watch w = { .pause_ms = 200 };
	unsigned long timeout = 3600;
	bool ok;
	const char *log = NULL;
	int opt;

	while ((opt = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (opt) {
		case 'p': w.pid = kn_arg_ulong(optarg, "--pid"); break;
		case 'l': log = optarg; break;
		case 'k': w.knob = optarg; break;
		case 'P': w.pause_ms = kn_arg_ulong(optarg, "--pause-ms"); break;
		case 't': timeout = kn_arg_ulong(optarg, "--timeout"); break;
		case 'c': w.census = optarg; break;
		default: log = NULL; optind = argc + 1;
		}
	}
	if (!log || !w.pid || optind != argc) {
		fprintf(stderr, "usage: kn-bench watch --pid QEMU_PID --log RESULT_LOG "
			"[--knob FILE] [--pause-ms MS] [--timeout S] [--census FILE]\n");
		return 2;
	}
	w.snap = calloc(MAX_MARKS, sizeof(*w.snap));
	if (!w.snap)
		kn_die("calloc");
	w.deadline = now_ms() + timeout * 1e3;
	ok = follow(&w, log);
	if (w.census_on)
		census_switch(w.census, false);
	if (!ok) {
		fprintf(stderr, "bench: watch: no end from the doll after %lus\n", timeout);
		free(w.snap);
		return 1;
	}
	free(w.snap);
	return 0;
}
