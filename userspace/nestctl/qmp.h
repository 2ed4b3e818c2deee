/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal QMP client: connect to a VMM's QMP socket, check that the
 * process listening there is the VMM, leave capabilities negotiation, run
 * commands.  Each command carries an "id"; its reply is the object that
 * has that id and a "return" or "error" at its top level.  Events, and
 * replies to commands given up on, are skipped.
 */
#ifndef NC_QMP_H
#define NC_QMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NC_QMP_BUF	16384

struct nc_qmp {
	int fd;
	unsigned int id;	/* of the last command sent */
	pid_t peer;		/* who listens on the socket */
	size_t len;		/* bytes in buf not yet taken */
	char buf[NC_QMP_BUF];
	char reply[NC_QMP_BUF];	/* the last reply object, NUL-terminated */
};

/*
 * Connect and negotiate within timeout_ms; 0 or -errno.  -EPERM, before
 * anything is sent, when the process that listens there (SO_PEERCRED,
 * in q->peer) is not vmm.  -ETIMEDOUT also when another client holds the
 * socket: QEMU serves one at a time.
 */
int nc_qmp_open(struct nc_qmp *q, const char *path, pid_t vmm,
		unsigned int timeout_ms);
void nc_qmp_close(struct nc_qmp *q);
/*
 * Run command cmd with args (a JSON object, or NULL) and wait for its
 * reply in q->reply; 0 on "return", -EREMOTEIO on "error" (nc_qmp_error()
 * has its desc), -errno.
 */
int nc_qmp_cmd(struct nc_qmp *q, const char *cmd, const char *args,
	       unsigned int timeout_ms);
/* The "desc" of an error reply, or "". */
void nc_qmp_error(const struct nc_qmp *q, char *buf, size_t len);
/* The number after "key": in the last reply's "return"; false when absent. */
bool nc_qmp_u64(const struct nc_qmp *q, const char *key, uint64_t *v);

#endif
