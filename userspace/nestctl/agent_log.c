// SPDX-License-Identifier: GPL-2.0-only
/* The agent's log on stderr, its failures and its clock. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"

bool nc_agent_verbose;

NC_PRINTF(1, 0) static void nc_vlogf(const char *fmt, va_list ap)
{
	/* One line whole: libvirt's watch logs from threads of its own. */
	flockfile(stderr);
	fputs("nestctl agent: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

void nc_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nc_vlogf(fmt, ap);
	va_end(ap);
}

void nc_vlog(const char *fmt, ...)
{
	va_list ap;

	if (!nc_agent_verbose)
		return;
	va_start(ap, fmt);
	nc_vlogf(fmt, ap);
	va_end(ap);
}

int nc_apply_fail(struct nc_apply *a, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
	va_end(ap);
	a->error = err;
	return -err;
}

void nc_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

unsigned int nc_apply_left_ms(const struct nc_apply *a)
{
	uint64_t start = (uint64_t)a->start.tv_sec * 1000 +
			 (uint64_t)a->start.tv_nsec / 1000000;
	uint64_t used = nc_now_ms() - start;

	return used >= NC_APPLY_BUDGET_MS ? 0 : (unsigned int)(NC_APPLY_BUDGET_MS - used);
}
