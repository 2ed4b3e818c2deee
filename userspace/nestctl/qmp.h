/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal QMP client: connect to a VMM's QMP socket, check that the
 * process listening there is the VMM, leave capabilities negotiation, run
 * commands.  Messages are parsed with json-c as they arrive, whether a
 * read holds part of one or several.  Each command carries an "id"; its
 * reply is the object that has that id and a "return" or "error" at its
 * top level.  Events (an "event" at the top level, even with an "error"
 * in them) and replies to other ids are skipped, up to NC_QMP_SKIP_MAX.
 */
#ifndef NC_QMP_H
#define NC_QMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Bounds on what a VMM may send: one message's bytes, its nesting. */
#define NC_QMP_MSG_MAX	65536
#define NC_QMP_DEPTH	32
/* Messages skipped while waiting for one reply. */
#define NC_QMP_SKIP_MAX	256

struct json_object;
struct json_tokener;

struct nc_qmp {
	int fd;
	unsigned int id;	/* of the last command sent */
	pid_t peer;		/* who listens on the socket */
	int dead;		/* -errno: the stream is out of step */
	const char *cmd;	/* the last command, for messages */
	char wait[64];		/* what is waited for, for messages */
	struct json_tokener *tok;
	size_t msg_len;		/* bytes of the message being parsed */
	size_t off, len;	/* buf[off, len) not yet parsed */
	char buf[4096];
	struct json_object *reply;	/* the last reply, or NULL */
	char why[256];		/* what went wrong and what to do */
};

/*
 * Connect and negotiate within timeout_ms; 0 or -errno.  -EPERM, before
 * anything is sent, when the process that listens there (SO_PEERCRED,
 * in q->peer) is not vmm.  -ETIMEDOUT also when another client holds the
 * socket: QEMU serves one at a time.  q->why says what went wrong.
 */
int nc_qmp_open(struct nc_qmp *q, const char *path, pid_t vmm,
		unsigned int timeout_ms);
/*
 * The same on a connected stream fd, which q then owns: take the
 * greeting, leave capabilities negotiation.
 */
int nc_qmp_start(struct nc_qmp *q, int fd, unsigned int timeout_ms);
void nc_qmp_close(struct nc_qmp *q);
/*
 * Run command cmd with args (a JSON object, or NULL) and wait for its
 * reply in q->reply; 0 on "return", -EREMOTEIO on "error" (nc_qmp_error()
 * has its desc), -errno with q->why.  After -EPROTO, -EMSGSIZE or a
 * closed socket every later command fails the same way.
 */
int nc_qmp_cmd(struct nc_qmp *q, const char *cmd, const char *args,
	       unsigned int timeout_ms);
/* What the last failure was and what to do; strerror() if nothing more. */
const char *nc_qmp_why(const struct nc_qmp *q, int err);
/* The "desc" of an error reply, or "". */
void nc_qmp_error(const struct nc_qmp *q, char *buf, size_t len);
/*
 * The unsigned integer at key in the last reply's "return" object; false
 * when absent or not such a number.
 */
bool nc_qmp_u64(const struct nc_qmp *q, const char *key, uint64_t *v);

#endif
