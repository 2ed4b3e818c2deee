/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side: the kernel log from a point on (/dev/kmsg), and the problem
 * lines in it: the patterns of selftests/harness/lib/klog.sh.
 */
#ifndef KN_KMSG_H
#define KN_KMSG_H

#include <stddef.h>

struct kn_kmsg {
	int fd;			/* -1: no kernel log to read */
	unsigned int lines, problems, lost;
	char first[256];	/* the first problem line */
};

/* Starts at the end of the log as it is now. */
void kn_kmsg_open(struct kn_kmsg *k);
/* Reads what was logged since, adding to the counts. */
void kn_kmsg_scan(struct kn_kmsg *k);
void kn_kmsg_close(struct kn_kmsg *k);

#endif
