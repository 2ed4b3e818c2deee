// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kn_kmsg.h"

/* What a WARN(), BUG(), oops or panic prints; not plain pr_warn() texts. */
static const char *const problems[] = {
	"WARNING: CPU:", "BUG:", "Oops", "Call Trace", "Kernel panic",
	"general protection fault",
};

void kn_kmsg_open(struct kn_kmsg *k)
{
	memset(k, 0, sizeof(*k));
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd >= 0 && lseek(k->fd, 0, SEEK_END) < 0) {
		close(k->fd);
		k->fd = -1;
	}
}

static void check(struct kn_kmsg *k, const char *rec)
{
	/* A record is "prio,seq,time,flags;text\n" and continuation lines. */
	const char *text = strchr(rec, ';');

	text = text ? text + 1 : rec;
	k->lines++;
	for (size_t i = 0; i < sizeof(problems) / sizeof(problems[0]); i++) {
		if (!strstr(text, problems[i]))
			continue;
		if (!k->problems++)
			snprintf(k->first, sizeof(k->first), "%.*s",
				 (int)strcspn(text, "\n"), text);
		return;
	}
}

void kn_kmsg_scan(struct kn_kmsg *k)
{
	char rec[8192];
	ssize_t n;

	if (k->fd < 0)
		return;
	for (;;) {
		n = read(k->fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE) {
			k->lost++;	/* overwritten before we read it */
			continue;
		}
		if (n <= 0)
			return;
		rec[n] = 0;
		check(k, rec);
	}
}

void kn_kmsg_close(struct kn_kmsg *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}
