/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal QMP client: connect to a VMM's QMP socket, leave capabilities
 * negotiation, run commands.  Replies are whole JSON objects (pretty or
 * not); events in between are skipped.
 */
#ifndef NC_QMP_H
#define NC_QMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NC_QMP_BUF	16384

struct nc_qmp {
	int fd;
	size_t len;		/* bytes in buf not yet taken */
	char buf[NC_QMP_BUF];
	char reply[NC_QMP_BUF];	/* the last reply object, NUL-terminated */
};

/*
 * Connect and negotiate within timeout_ms; 0 or -errno.  -ETIMEDOUT also
 * when another client holds the socket: QEMU serves one at a time.
 */
int nc_qmp_open(struct nc_qmp *q, const char *path, unsigned int timeout_ms);
void nc_qmp_close(struct nc_qmp *q);
/*
 * Run cmd (a JSON object) and wait for its reply in q->reply; 0 on
 * "return", -EREMOTEIO on "error" (nc_qmp_error() has its desc), -errno.
 */
int nc_qmp_cmd(struct nc_qmp *q, const char *cmd, unsigned int timeout_ms);
/* The "desc" of an error reply, or "". */
void nc_qmp_error(const struct nc_qmp *q, char *buf, size_t len);
/* The number after "key": in the last reply; false when absent. */
bool nc_qmp_u64(const struct nc_qmp *q, const char *key, uint64_t *v);

#endif
