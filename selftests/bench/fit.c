// SPDX-License-Identifier: GPL-2.0
/*
 * kn-bench fit: the workload of the fit measurement (bench.rst, "Fit
 * mode"). A parallel CPU-bound job in rounds, every thread one chunk of
 * arithmetic then a barrier, as a bulk-synchronous program does; beside it
 * a latency probe that sleeps a fixed period and records how late it wakes.
 * A vCPU the host has throttled holds up the whole round and the probe.
 * Prints one line:
 *   KNB-FIT threads=T online=N secs=S rounds=R chunks_per_s=X probes=P
 *           late_us_p50=A late_us_p90=B late_us_p99=C late_us_max=D
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run.h"

#define FIT_MAX_THREADS 64
#define FIT_MAX_PROBES (1u << 20)

struct fit {
	unsigned int threads, secs, period_us;
	unsigned long chunk;	/* arithmetic steps per thread per round */
	pthread_barrier_t barrier;
	atomic_bool stop;
	bool done;		/* thread 0's reading of stop, for this round */
	uint64_t rounds;	/* written by thread 0 only */
	uint64_t *late_ns;	/* the probe's samples */
	unsigned int probes;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static atomic_uint fit_next_id;

static void *fit_worker(void *arg)
{
	struct fit *f = arg;
	unsigned int id = atomic_fetch_add(&fit_next_id, 1);
	uint64_t x = id + 1;

	for (;;) {
		for (unsigned long i = 0; i < f->chunk; i++)
			x = x * 6364136223846793005ull + 1442695040888963407ull;
		/* Work the compiler cannot drop: the LCG's result is "used". */
		__asm__ volatile("" : : "r"(x));
		/*
		 * Thread 0 alone reads the stop between the barriers and all
		 * read its verdict after the second: threads that each read
		 * the stop could disagree and leave one waiting at a barrier.
		 */
		pthread_barrier_wait(&f->barrier);
		if (id == 0) {
			f->done = atomic_load(&f->stop);
			f->rounds += !f->done;
		}
		pthread_barrier_wait(&f->barrier);
		if (f->done)
			return NULL;
	}
}

static void *fit_probe(void *arg)
{
	struct fit *f = arg;
	struct timespec req = {
		.tv_sec = f->period_us / 1000000,
		.tv_nsec = (long)(f->period_us % 1000000) * 1000,
	};

	while (!atomic_load(&f->stop) && f->probes < FIT_MAX_PROBES) {
		uint64_t t0 = now_ns(), slept;

		while (clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL) == EINTR)
			;
		slept = now_ns() - t0;
		f->late_ns[f->probes++] = slept > f->period_us * 1000ull ?
					  slept - f->period_us * 1000ull : 0;
	}
	return NULL;
}

/* Progress on stderr every FIT_PROGRESS_S: a stalled job shows as such. */
#define FIT_PROGRESS_S 5

static void fit_progress(const struct fit *f, uint64_t t0, const char *what)
{
	fprintf(stderr, "kn-bench fit: %s, %.0f s: rounds %llu, probes %u\n", what,
		(now_ns() - t0) / 1e9, (unsigned long long)f->rounds, f->probes);
}

static void fit_wait(const struct fit *f, uint64_t t0)
{
	unsigned int left = f->secs;

	while (left) {
		unsigned int s = left < FIT_PROGRESS_S ? left : FIT_PROGRESS_S;

		sleep(s);
		left -= s;
		fit_progress(f, t0, "running");
	}
}

static void fit_join(const struct fit *f, pthread_t t, uint64_t t0)
{
	struct timespec until;

	for (;;) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += FIT_PROGRESS_S;
		if (pthread_timedjoin_np(t, NULL, &until) != ETIMEDOUT)
			return;
		fit_progress(f, t0, "stopping, a worker has not ended");
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The p-th percentile (nearest rank) of n sorted samples, in µs. */
static double pct_us(const uint64_t *s, unsigned int n, unsigned int p)
{
	unsigned int rank;

	if (!n)
		return 0;
	rank = (unsigned int)(((uint64_t)n * p + 99) / 100);
	return s[(rank ? rank : 1) - 1] / 1000.0;
}

static void fit_usage(void)
{
	fprintf(stderr,
		"usage: kn-bench fit [-t THREADS] [-d SECONDS] [-c CHUNK] [-p PERIOD_US]\n"
		"  -t  worker threads (4), -d  duration (20), -c  LCG steps per chunk\n"
		"      (200000), -p  the probe's sleep in µs (1000)\n");
	exit(2);
}

static unsigned long fit_num(const char *s, unsigned long lo, unsigned long hi)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "kn-bench fit: '%s' is not a number in %lu..%lu\n", s, lo, hi);
		fit_usage();
	}
	return v;
}

int knb_fit(int argc, char **argv)
{
	struct fit f = { .threads = 4, .secs = 20, .period_us = 1000, .chunk = 200000 };
	pthread_t tid[FIT_MAX_THREADS], probe;
	uint64_t t0, t1;
	unsigned int i;
	int c;

	while ((c = getopt(argc, argv, "t:d:c:p:h")) != -1) {
		switch (c) {
		case 't':
			f.threads = fit_num(optarg, 1, FIT_MAX_THREADS);
			break;
		case 'd':
			f.secs = fit_num(optarg, 1, 3600);
			break;
		case 'c':
			f.chunk = fit_num(optarg, 1, 1000000000);
			break;
		case 'p':
			f.period_us = fit_num(optarg, 10, 1000000);
			break;
		default:
			fit_usage();
		}
	}
	if (optind != argc)
		fit_usage();
	f.late_ns = calloc(FIT_MAX_PROBES, sizeof(*f.late_ns));
	if (!f.late_ns || pthread_barrier_init(&f.barrier, NULL, f.threads)) {
		fprintf(stderr, "kn-bench fit: out of memory\n");
		free(f.late_ns);
		return 1;
	}
	t0 = now_ns();
	for (i = 0; i < f.threads; i++)
		if (pthread_create(&tid[i], NULL, fit_worker, &f))
			break;
	if (i < f.threads || pthread_create(&probe, NULL, fit_probe, &f)) {
		/* The barrier waits for all: without them nothing can end. */
		fprintf(stderr, "kn-bench fit: cannot start thread %u: %s\n", i, strerror(errno));
		_exit(1);
	}
	fit_wait(&f, t0);
	atomic_store(&f.stop, true);
	for (i = 0; i < f.threads; i++)
		fit_join(&f, tid[i], t0);
	t1 = now_ns();
	pthread_join(probe, NULL);

	qsort(f.late_ns, f.probes, sizeof(*f.late_ns), cmp_u64);
	printf("KNB-FIT threads=%u online=%ld secs=%.2f rounds=%llu chunks_per_s=%.1f probes=%u "
	       "late_us_p50=%.0f late_us_p90=%.0f late_us_p99=%.0f late_us_max=%.0f\n",
	       f.threads, sysconf(_SC_NPROCESSORS_ONLN), (t1 - t0) / 1e9,
	       (unsigned long long)f.rounds, f.rounds * (double)f.threads / ((t1 - t0) / 1e9),
	       f.probes, pct_us(f.late_ns, f.probes, 50), pct_us(f.late_ns, f.probes, 90),
	       pct_us(f.late_ns, f.probes, 99),
	       f.probes ? f.late_ns[f.probes - 1] / 1000.0 : 0.0);
	pthread_barrier_destroy(&f.barrier);
	free(f.late_ns);
	return 0;
}
