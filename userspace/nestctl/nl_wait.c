// SPDX-License-Identifier: GPL-2.0-only
/*
 * Saying that a request takes long.  Generic netlink runs a request inside
 * the sender's sendto(), and envelope changes wait there in the kernel
 * (killable only: no signal handler runs meanwhile), so a second thread
 * prints the note after NC_NL_NOTE_MS, then every NC_NL_NOTE_EVERY_S.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "nl.h"

static void *nc_nl_waiter_run(void *arg)
{
	struct nc_nl_waiter *w = arg;
	unsigned int waited_ms = NC_NL_NOTE_MS, step_ms = NC_NL_NOTE_MS;
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	pthread_mutex_lock(&w->lock);
	for (;;) {
		until.tv_sec += step_ms / 1000;
		until.tv_nsec += (long)(step_ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		while (!w->done &&
		       pthread_cond_timedwait(&w->cond, &w->lock, &until) != ETIMEDOUT)
			;
		if (w->done)
			break;
		if (waited_ms == NC_NL_NOTE_MS)
			fprintf(stderr, "%s\n", w->note);
		else
			fprintf(stderr, "still waiting, %u s so far...\n", waited_ms / 1000);
		step_ms = NC_NL_NOTE_EVERY_S * 1000;
		waited_ms += step_ms;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

void nc_nl_wait_start(struct nc_nl_waiter *w, const char *note)
{
	pthread_condattr_t ca;

	w->note = NULL;
	w->done = false;
	if (!note)
		return;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	w->note = note;
	if (pthread_create(&w->thread, NULL, nc_nl_waiter_run, w)) {
		/* Without the thread the request still works, silently. */
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		w->note = NULL;
	}
}

void nc_nl_wait_stop(struct nc_nl_waiter *w)
{
	if (!w->note)
		return;
	pthread_mutex_lock(&w->lock);
	w->done = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	w->note = NULL;
}
