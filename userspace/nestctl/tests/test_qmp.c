// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_qmp.c: qmp.c against fake QMP servers on a socketpair, each a
 * thread playing a script: replies hidden among events (one with an
 * "error"), replies to other ids, split and packed reads, pretty-printed
 * JSON; and servers that never answer, send garbage, flood, or hang up.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "../qmp.h"
#include "../util.h"
#include "tap.h"

#define PLAN 30

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, \"capabilities\": [\"oob\"]}}\r\n"
#define CAPS_OK "<", "{\"return\": {}, \"id\": $ID}\r\n"

/*
 * A script step: "<" reads one command and takes its id, "~" waits 50 ms
 * (the client's read ends there), "=" reads until the client hangs up,
 * "*N text" sends text N times; any other text is sent, with $ID the id
 * of the last command read and $BAD another one.
 */
struct server {
	int fd;
	const char *const *steps;
	char *big;		/* sent by a "!" step */
	unsigned int cmds;	/* commands read */
};

static void put_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static void put(int fd, const char *text, long id)
{
	char out[1024];
	size_t n = 0;

	for (const char *s = text; *s && n < sizeof(out) - 24; s++) {
		if (!strncmp(s, "$ID", 3) || !strncmp(s, "$BAD", 4)) {
			n += (size_t)snprintf(out + n, 24, "%ld", s[1] == 'I' ? id : id + 1000);
			s += s[1] == 'I' ? 2 : 3;
		} else {
			out[n++] = *s;
		}
	}
	put_all(fd, out, n);
}

/* One line from the client; its "id": N, or -1. */
static long get_cmd(int fd)
{
	char line[512];
	size_t n = 0;
	const char *id;

	while (n < sizeof(line) - 1 && read(fd, line + n, 1) == 1)
		if (line[n++] == '\n')
			break;
	line[n] = '\0';
	id = strstr(line, "\"id\":");
	return id ? strtol(id + 5, NULL, 10) : -1;
}

static void *serve(void *arg)
{
	struct server *sv = arg;
	long id = -1;
	char c;

	for (const char *const *st = sv->steps; *st; st++) {
		const char *s = *st;

		if (!strcmp(s, "<")) {
			id = get_cmd(sv->fd);
			sv->cmds++;
		} else if (!strcmp(s, "~")) {
			nanosleep(&(struct timespec){ .tv_nsec = 50000000 }, NULL);
		} else if (!strcmp(s, "=")) {
			while (read(sv->fd, &c, 1) == 1)
				;
		} else if (!strcmp(s, "!")) {
			put_all(sv->fd, sv->big, strlen(sv->big));
		} else if (s[0] == '*') {
			char *text;
			long times = strtol(s + 1, &text, 10);

			while (times--)
				put(sv->fd, text + 1, id);
		} else {
			put(sv->fd, s, id);
		}
	}
	close(sv->fd);
	return NULL;
}

struct run {
	struct nc_qmp q;
	struct server sv;
	pthread_t th;
	int start;		/* nc_qmp_start()'s result */
};

static void run_start(struct run *r, const char *const *steps, char *big)
{
	int sv[2];

	memset(r, 0, sizeof(*r));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		perror("socketpair");
		exit(1);
	}
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	r->sv = (struct server){ .fd = sv[1], .steps = steps, .big = big };
	if (pthread_create(&r->th, NULL, serve, &r->sv)) {
		fprintf(stderr, "pthread_create failed\n");
		exit(1);
	}
	r->start = nc_qmp_start(&r->q, sv[0], 2000);
}

static void run_end(struct run *r)
{
	nc_qmp_close(&r->q);
	pthread_join(r->th, NULL);
}

static int has(const struct nc_qmp *q, const char *word)
{
	return !!strstr(q->why, word);
}

/* The reply among an event with an "error", other ids, split reads. */
static void test_reply(void)
{
	static const char *const steps[] = {
		GREETING, CAPS_OK, "<",
		/* Packed: two messages in one read, a stale reply among them. */
		"{\"event\": \"BLOCK_JOB_ERROR\", \"data\": {\"device\": \"d0\", \"operation\": \"write\", \"action\": \"stop\"}, \"error\": {\"class\": \"GenericError\", \"desc\": \"event error\"}, \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\r\n"
		"{\"return\": {\"actual\": 1}, \"id\": $BAD}\r\n",
		"~",
		/* An event that even carries this command's id. */
		"{\"event\": \"X\", \"id\": $ID, \"error\": {\"class\": \"GenericError\", \"desc\": \"evil\"}}\r\n",
		/* This id without "return" or "error": not a reply. */
		"{\"id\": $ID, \"data\": {\"actual\": 2}}\r\n", "~",
		/* The reply, split in the middle of a key and of its id. */
		"{\"return\": {\"act", "~", "ual\": 536870912}, \"id\": ", "~", "$ID}", "~", "\r\n",
		"<", "{\"error\": {\"class\": \"GenericError\", \"desc\": \"No balloon \\\"device\\\" here\"}, \"id\": $ID}\r\n",
		/* -qmp-pretty: one message over several lines. */
		"<", "{\n    \"return\": {\n        \"base-memory\": 1073741824\n    },\n    \"id\": $ID\n}\n",
		"=", NULL
	};
	struct run r;
	uint64_t v = 0;
	char desc[64];
	int err, ok;

	run_start(&r, steps, NULL);
	tap_ok(r.start == 0, "greeting and qmp_capabilities: %d %s", r.start, r.q.why);
	err = nc_qmp_cmd(&r.q, "query-balloon", NULL, 2000);
	tap_ok(err == 0, "query-balloon: the reply among events and other ids: %d %s",
	       err, r.q.why);
	ok = nc_qmp_u64(&r.q, "actual", &v);
	tap_ok(ok && v == 536870912,
	       "actual is the reply's 536870912 (got %llu)", (unsigned long long)v);
	err = nc_qmp_cmd(&r.q, "balloon", "{\"value\": 268435456}", 2000);
	nc_qmp_error(&r.q, desc, sizeof(desc));
	tap_ok(err == -EREMOTEIO && !strcmp(desc, "No balloon \"device\" here"),
	       "an error reply: -EREMOTEIO and its desc (%d, '%s')", err, desc);
	tap_ok(has(&r.q, "QEMU refused balloon: No balloon"),
	       "q->why names the command: %s", r.q.why);
	tap_ok(!nc_qmp_u64(&r.q, "actual", &v), "no number in an error reply");
	err = nc_qmp_cmd(&r.q, "query-memory-size-summary", NULL, 2000);
	ok = nc_qmp_u64(&r.q, "base-memory", &v);
	tap_ok(err == 0 && ok && v == 1073741824,
	       "a pretty-printed reply over several lines (%d, %llu)", err, (unsigned long long)v);
	tap_ok(!nc_qmp_u64(&r.q, "plugged-memory", &v), "an absent key is false");
	run_end(&r);
	tap_ok(r.sv.cmds == 4, "the server read 4 commands (%u)", r.sv.cmds);
}

/* A stale reply arrives after a timeout: the next command skips it. */
static void test_timeout(void)
{
	static const char *const steps[] = {
		GREETING, CAPS_OK, "<", "=", NULL
	};
	static const char *const late[] = {
		GREETING, CAPS_OK, "<", "<",
		"{\"return\": {\"actual\": 1}, \"id\": 2}\r\n",
		"{\"return\": {\"actual\": 7}, \"id\": 3}\r\n", "=", NULL
	};
	static const char *const mute[] = { "=", NULL };
	struct run r;
	uint64_t t0, v = 0;
	int err, ok;

	run_start(&r, steps, NULL);
	t0 = nc_now_ms();
	err = nc_qmp_cmd(&r.q, "query-balloon", NULL, 300);
	t0 = nc_now_ms() - t0;
	tap_ok(err == -ETIMEDOUT && t0 >= 290 && t0 < 1500,
	       "no reply: -ETIMEDOUT after %llu ms (%d)", (unsigned long long)t0, err);
	tap_ok(has(&r.q, "the reply to query-balloon did not come in time"), "why: %s", r.q.why);
	run_end(&r);

	run_start(&r, late, NULL);
	err = nc_qmp_cmd(&r.q, "query-balloon", NULL, 100);
	tap_ok(err == -ETIMEDOUT, "the first command times out (%d)", err);
	err = nc_qmp_cmd(&r.q, "query-balloon", NULL, 2000);
	ok = nc_qmp_u64(&r.q, "actual", &v);
	tap_ok(err == 0 && ok && v == 7,
	       "the next takes its own reply, not the late one (%d, %llu)",
	       err, (unsigned long long)v);
	run_end(&r);

	run_start(&r, mute, NULL);
	tap_ok(r.start == -ETIMEDOUT && has(&r.q, "the greeting did not come"),
	       "no greeting: -ETIMEDOUT (%d, %s)", r.start, r.q.why);
	run_end(&r);
}

/* Servers that break the protocol. */
static void test_garbage(void)
{
	static const char *const garbage[] = {
		GREETING, CAPS_OK, "<", "this is not JSON\r\n", "=", NULL
	};
	static const char *const no_greeting[] = {
		"{\"return\": {}, \"id\": 1}\r\n", "=", NULL
	};
	static const char *const hmp[] = {
		"QEMU 7.2.0 monitor - type 'help' for more information\r\n(qemu) ", "=", NULL
	};
	static const char *const not_object[] = {
		GREETING, CAPS_OK, "<", "[1, 2]\r\n", "=", NULL
	};
	static const char *const deep[] = {
		GREETING, CAPS_OK, "<",
		"{\"event\": \"X\", \"data\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\r\n",
		"=", NULL
	};
	static const char *const flood[] = {
		GREETING, CAPS_OK, "<",
		"*300 {\"event\": \"BALLOON_CHANGE\", \"data\": {\"actual\": 1}}\r\n",
		"{\"return\": {}, \"id\": $ID}\r\n", "=", NULL
	};
	static const char *const hangup[] = {
		GREETING, CAPS_OK, "<", "{\"return\": {\"act", NULL
	};
	static const char *const huge[] = {
		GREETING, CAPS_OK, "<", "!", "=", NULL
	};
	size_t big_len = NC_QMP_MSG_MAX + 100;
	char *big = malloc(big_len + 1);
	struct run r;
	int err;

	if (!big)
		exit(1);
	run_start(&r, garbage, NULL);
	err = nc_qmp_cmd(&r.q, "query-balloon", NULL, 2000);
	tap_ok(err == -EPROTO && has(&r.q, "not JSON") &&
	       has(&r.q, "waiting for the reply to query-balloon"),
	       "garbage: -EPROTO, says so (%d, %s)", err, r.q.why);
	err = nc_qmp_cmd(&r.q, "query-balloon", NULL, 2000);
	tap_ok(err == -EPROTO && has(&r.q, "not JSON"),
	       "and the stream stays refused (%d, %s)", err, r.q.why);
	run_end(&r);

	run_start(&r, no_greeting, NULL);
	tap_ok(r.start == -EPROTO && has(&r.q, "greeting"),
	       "no greeting first: -EPROTO (%d, %s)", r.start, r.q.why);
	tap_ok(r.q.fd == -1 && !r.q.tok, "a failed start closes");
	run_end(&r);

	run_start(&r, hmp, NULL);
	tap_ok(r.start == -EPROTO && has(&r.q, "not JSON") && has(&r.q, "not -monitor"),
	       "a -monitor (HMP) socket: -EPROTO (%d, %s)", r.start, r.q.why);
	run_end(&r);

	run_start(&r, not_object, NULL);
	err = nc_qmp_cmd(&r.q, "query-balloon", NULL, 2000);
	tap_ok(err == -EPROTO && has(&r.q, "not a JSON object"),
	       "an array: -EPROTO (%d, %s)", err, r.q.why);
	run_end(&r);

	run_start(&r, deep, NULL);
	err = nc_qmp_cmd(&r.q, "query-balloon", NULL, 2000);
	tap_ok(err == -EPROTO && has(&r.q, "nesting"),
	       "nesting deeper than %d: -EPROTO (%d, %s)", NC_QMP_DEPTH, err, r.q.why);
	run_end(&r);

	run_start(&r, flood, NULL);
	err = nc_qmp_cmd(&r.q, "query-balloon", NULL, 5000);
	tap_ok(err == -EPROTO && has(&r.q, "more than 256 messages"),
	       "300 events before the reply: -EPROTO (%d, %s)", err, r.q.why);
	run_end(&r);

	run_start(&r, hangup, NULL);
	err = nc_qmp_cmd(&r.q, "query-balloon", NULL, 2000);
	tap_ok(err == -ECONNRESET && has(&r.q, "closed the socket") &&
	       has(&r.q, "middle of a message"),
	       "hang-up inside a message: -ECONNRESET (%d, %s)", err, r.q.why);
	run_end(&r);

	/* One event, longer than a message may be, with no newline in it. */
	snprintf(big, big_len + 1, "{\"event\": \"X\", \"data\": \"");
	memset(big + strlen(big), 'a', big_len - strlen(big));
	big[big_len] = '\0';
	run_start(&r, huge, big);
	err = nc_qmp_cmd(&r.q, "query-balloon", NULL, 5000);
	tap_ok(err == -EMSGSIZE && has(&r.q, "longer than"),
	       "a %zu-byte message: -EMSGSIZE (%d, %s)", big_len, err, r.q.why);
	run_end(&r);
	free(big);
}

/* Commands as sent: one line each, with arguments and the id. */
static void test_send(void)
{
	static const char *const steps[] = { GREETING, CAPS_OK, "<", "=", NULL };
	struct run r;
	int err;

	run_start(&r, steps, NULL);
	err = nc_qmp_cmd(&r.q, "balloon", "[1]", 100);
	tap_ok(err == -EINVAL && has(&r.q, "not a JSON object"),
	       "arguments that are not an object: -EINVAL (%d, %s)", err, r.q.why);
	err = nc_qmp_cmd(&r.q, "balloon", "{\"value\": 1}", 200);
	tap_ok(err == -ETIMEDOUT && r.q.id == 3, "ids count up: %u", r.q.id);
	run_end(&r);
	tap_ok(r.sv.cmds == 2, "the server read qmp_capabilities and balloon (%u)", r.sv.cmds);
}

/* nc_qmp_open() on a path: too long, nobody there. */
static void test_open(void)
{
	struct nc_qmp q = { .fd = -1 };
	char path[200];
	int err;

	memset(path, 'x', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	err = nc_qmp_open(&q, path, getpid(), 100);
	tap_ok(err == -ENAMETOOLONG && has(&q, "shorter -qmp path"),
	       "a too long path (%d, %s)", err, q.why);
	err = nc_qmp_open(&q, "/nonexistent/qmp.sock", getpid(), 100);
	tap_ok(err == -ENOENT && has(&q, "cannot connect to /nonexistent/qmp.sock"),
	       "no socket (%d, %s)", err, q.why);
	tap_ok(q.fd == -1, "closed after a failure");
	nc_qmp_close(&q);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_plan(PLAN);
	test_reply();
	test_timeout();
	test_garbage();
	test_send();
	test_open();
	return tap_done(PLAN);
}
