/* SPDX-License-Identifier: GPL-2.0-only */
/* nestctl monitor: what its printers share (monitor.c, monitor_change.c). */
#ifndef NC_MONITOR_H
#define NC_MONITOR_H

#include <stdbool.h>
#include <libmnl/libmnl.h>

#include "print.h"

struct nc_monitor {
	struct nc_print *p;
	unsigned int kinds;	/* NC_MON_*: the events shown */
	bool stamp;		/* -t */
	int write_err;		/* errno of a failed write */
};

/* The start of every event: its name, as "[name]" in text; its time. */
void nc_monitor_head(struct nc_monitor *m, const char *name);
/* env-refused: the doll (or pending name), the envelope refused, why. */
int nc_monitor_refused(struct nc_monitor *m, const struct nlmsghdr *nlh,
		       const char *name);
/* progress: the doll and the agent's figures. */
int nc_monitor_progress(struct nc_monitor *m, const struct nlmsghdr *nlh,
			const char *name);

#endif
