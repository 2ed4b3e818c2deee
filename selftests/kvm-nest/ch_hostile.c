// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile guest against the host side of the kvm-nest channel: guest
 * code makes -n hypercalls (10000 by default) from a seeded PRNG, mixing
 * every kind of malformed HELLO and REPORT of lib/kn_chan_fuzz.h with unknown
 * ops, numbers that are not ours, and valid HELLOs and REPORTs. Each call
 * must get exactly the answer kvm-nest owes it.
 *
 * kvm-nest admits 200 calls a second per VM. A round is a fresh VM making
 * 250 calls at once: the first 200 are admitted and judged, the other 50
 * are a burst past the limit that must be refused, as long as the round
 * took under a second (under TCG it takes a few hundred ms). After each
 * round, debugfs must show exactly the dolls of the last report taken. In
 * the last round, a second after the burst, the VM is admitted again.
 *
 * We listen to kvm-nest's events meanwhile, so that it builds one for
 * every reported doll that comes or goes (through parents that the same
 * report may drop). The whole run is made twice, identically; kernel
 * memory must not grow over the second run, and the kernel log must stay
 * free of WARN/BUG/Oops.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kn_chan_score.h"
#include "kn_dolls.h"
#include "kn_events.h"
#include "kn_kmsg.h"
#include "kn_meminfo.h"
#include "kn_record.h"
#include "kn_slot.h"
#include "kn_time.h"

#define BURST		50
#define ROUND		(KN_CHAN_FUZZ_RATE + BURST)
/*
 * Memslots of their own for the buffers, so that nothing zeroes them
 * first (slow under TCG): room for all of a round's even were each 64
 * KiB, and some read-only memory.
 */
/*
 * Growth allowed over the second run. A reported doll takes a 4 KiB slab
 * object (its counters and 128 contexts), so leaking one per report taken
 * (over 1000 a run) would add over 4 MiB; one report buffer (up to 64 KiB)
 * or array of entries per call, far more. Measured noise: tens of KiB.
 */
#define SLAB_BOUND	(2L << 20)
#define VMALLOC_BOUND	(2L << 20)
#define AVAIL_BOUND	(8L << 20)

struct opts {
	unsigned long calls;
	uint64_t seed;
	uint32_t depth;
};

/* Large (a netlink buffer): one, for the whole test. */
static struct kn_events events;

/* Our VM's doll: those of earlier rounds may still be going away. */
static const struct kn_record *our_vm(const struct kn_records *rs)
{
	return kn_records_vm(rs, (uint64_t)getpid(), KN_RECORD_NONE);
}

/* Whether debugfs shows the dolls of the last report taken, and only them. */
static bool view_matches(struct kn_chan_score *s, const struct kn_chan_fuzz_state *st)
{
	static const struct kn_record *below[KVM_NEST_CH_MAX_DOLLS + 1];
	uint16_t levels[KVM_NEST_CH_MAX_LEVEL + 1] = { 0 };
	unsigned int n = 0, odd = 0;
	const struct kn_record *vm;
	struct kn_records rs;
	bool ok;

	kn_records_read(&rs, "dolls");
	vm = our_vm(&rs);
	if (vm)
		n = kn_records_below(&rs, kn_record_u64(vm, "id"), "reported", below,
				  KVM_NEST_CH_MAX_DOLLS + 1);
	for (unsigned int i = 0; i < n && i <= KVM_NEST_CH_MAX_DOLLS; i++) {
		/* The child's level 1 is our 2: its VMs run on our VM. */
		uint64_t level = kn_record_u64(below[i], "level") - 1;

		if (level >= 1 && level <= KVM_NEST_CH_MAX_LEVEL)
			levels[level]++;
		else
			odd++;
	}
	ok = vm && !rs.bad && !odd && n == st->dolls &&
	     !memcmp(levels, st->levels, sizeof(levels));
	if (!ok)
		kn_chan_score_problem(s, "debugfs shows %u reported dolls (%u at odd levels, %u bad lines: %s), expected %u",
				   n, odd, rs.bad, rs.bad ? rs.first_bad : "-",
				   st->dolls);
	kn_records_free(&rs);
	return ok;
}

/* The other views read and parse, reported dolls of all depths present. */
static bool views_read(void)
{
	struct kn_records levels, hooks;
	bool ok;

	kn_records_read(&levels, "levels");
	kn_records_read(&hooks, "hooks");
	ok = !levels.bad && levels.nr && !hooks.bad && hooks.nr;
	kn_records_free(&levels);
	kn_records_free(&hooks);
	return ok;
}

/* A second after the burst, the VM is admitted again: a HELLO, a REPORT. */
static void readmit(struct kn_chan_score *s, struct kn_chan_fuzz *g,
		    struct kn_hypercall_queue *q, struct kn_chan_fuzz_case *cases,
		    struct kn_chan_fuzz_state *st, const struct opts *o)
{
	usleep(1100000);	/* a second since the burst began, and some */
	kn_chan_fuzz_make_kind(g, KN_CHAN_FUZZ_HELLO_OK, kn_hypercall_add(q, 0, 0, 0, 0), &cases[0]);
	kn_chan_fuzz_make_kind(g, KN_CHAN_FUZZ_REP_OK, kn_hypercall_add(q, 0, 0, 0, 0), &cases[1]);
	kn_hypercall_flush(q);
	if (q->calls[0].ret == 0 && q->calls[1].ret == 0)
		s->readmitted++;
	else
		kn_chan_score_problem(s, "a second after the burst: HELLO %ld, REPORT %ld, expected 0 0",
				   q->calls[0].ret, q->calls[1].ret);
	kn_chan_score_judge(s, g, q, cases, st, true, o->depth);
	s->views_bad += !view_matches(s, st);
	s->unread += !views_read();
}

/* A fresh VM makes @n calls at once; the last round also waits a second. */
static void round_of(struct kn_chan_score *s, struct kn_prng *p, unsigned int n,
		     bool last, const struct opts *o)
{
	static struct kn_chan_fuzz_case cases[ROUND];
	struct kn_chan_fuzz_state st = { 0 };
	struct kn_hypercall_queue q;
	struct kn_chan_fuzz g;
	struct kn_vm vm;
	uint64_t ns;

	kn_chan_fuzz_vm_create(&g, p, &vm);
	kn_hypercall_init(&q, &vm, ROUND, NULL);
	for (unsigned int i = 0; i < n; i++)
		kn_chan_fuzz_make(&g, kn_hypercall_add(&q, 0, 0, 0, 0), &cases[i]);
	ns = kn_hypercall_flush(&q);
	s->fast += ns < KN_NSEC;
	kn_chan_score_judge(s, &g, &q, cases, &st, ns >= KN_NSEC, o->depth);
	s->views_bad += !view_matches(s, &st);
	if (last)
		readmit(s, &g, &q, cases, &st, o);
	s->rounds++;
	kn_hypercall_end(&q);
	kn_chan_fuzz_vm_destroy(&g);
	kn_events_drain(&events);
}

/* Until no VM of ours is left (their dolls go when KVM frees them). */
static void wait_gone(void)
{
	struct kn_records rs;
	bool gone;

	for (int i = 0; i < 200; i++) {
		kn_records_read(&rs, "dolls");
		gone = !our_vm(&rs);
		kn_records_free(&rs);
		if (gone)
			break;
		usleep(10000);
	}
	usleep(200000);		/* and the RCU callbacks that free them */
}

static void run(struct kn_chan_score *s, const struct opts *o)
{
	struct kn_prng p = { o->seed };
	uint64_t t0 = kn_now_ns();

	for (unsigned long left = o->calls; left;) {
		unsigned int n = left < ROUND ? (unsigned int)left : ROUND;

		left -= n;
		round_of(s, &p, n, !left, o);
	}
	wait_gone();
	kn_diag("run %u: %lu calls in %lu rounds (%lu under a second) in %.1f s",
		s->run, s->calls, s->rounds, s->fast,
		(double)(kn_now_ns() - t0) / KN_NSEC);
}

static void check_memory(const struct kn_meminfo *a, const struct kn_meminfo *b)
{
	int64_t slab = b->unreclaimable - a->unreclaimable;
	int64_t vmalloc = b->vmalloc - a->vmalloc;
	int64_t avail = b->available - a->available;

	kn_diag("KiB after run 1, run 2: SUnreclaim %ld %ld, Slab %ld %ld, VmallocUsed %ld %ld, Percpu %ld %ld, MemAvailable %ld %ld",
		a->unreclaimable >> 10, b->unreclaimable >> 10, a->slab >> 10,
		b->slab >> 10, a->vmalloc >> 10, b->vmalloc >> 10,
		a->percpu >> 10, b->percpu >> 10, a->available >> 10,
		b->available >> 10);
	kn_ok(slab < SLAB_BOUND && vmalloc < VMALLOC_BOUND && -avail < AVAIL_BOUND,
	      "kernel memory flat over the second run: SUnreclaim %+ld KiB (< %ld), VmallocUsed %+ld KiB (< %ld), MemAvailable %+ld KiB (> -%ld)",
	      slab / 1024, SLAB_BOUND >> 10, vmalloc / 1024, VMALLOC_BOUND >> 10,
	      avail / 1024, AVAIL_BOUND >> 10);
}

/*
 * A run from tests.list takes no arguments: KN_CH_HOSTILE_SEED and
 * KN_CH_HOSTILE_CALLS replay a printed seed there (check.sh passes KN_*).
 */
static void parse(int argc, char **argv, struct opts *o)
{
	const char *seed = getenv("KN_CH_HOSTILE_SEED");
	const char *calls = getenv("KN_CH_HOSTILE_CALLS");
	int opt;

	o->calls = calls && *calls ? kn_arg_ulong(calls, "KN_CH_HOSTILE_CALLS") : 10000;
	o->seed = seed && *seed ? kn_arg_ulong(seed, "KN_CH_HOSTILE_SEED") :
		  kn_now_ns() ^ (uint64_t)getpid() << 32;
	o->depth = 1;
	while ((opt = getopt(argc, argv, "n:s:d:")) != -1) {
		if (opt == 'n')
			o->calls = kn_arg_ulong(optarg, "-n");
		else if (opt == 's')
			o->seed = kn_arg_ulong(optarg, "-s");
		else if (opt == 'd')
			o->depth = (uint32_t)kn_arg_ulong(optarg, "-d");
		else
			kn_bail("usage: %s [-n CALLS] [-s SEED] [-d DEPTH]", argv[0]);
	}
}

static void report(const struct kn_chan_score *s, const struct kn_chan_score *s1,
		   const struct opts *o)
{
	kn_ok(!s->wrong, "%lu calls (2 runs of %lu): %lu not answered as owed",
	      s->calls, o->calls, s->wrong);
	kn_ok(!s->unlisted, "%lu answers outside {0 (or a FETCH's length) -7 -14 -16 -22 -71}, or -1000 where it should not be",
	      s->unlisted);
	kn_ok(s->fast && s->refused && !s->late,
	      "rate limit: in %lu of %lu rounds under a second, %lu calls past the 200th refused, %lu admitted",
	      s->fast, s->rounds, s->refused, s->late);
	kn_ok(s->hellos && !s->hello_bad,
	      "%lu HELLO buffers: answered as version 1 depth %u after a success, untouched otherwise (%lu not)",
	      s->hellos, o->depth, s->hello_bad);
	kn_ok(!s->views_bad,
	      "debugfs showed exactly the dolls of the last report taken after every round (%lu did not; %lu reports taken)",
	      s->views_bad, s->reports);
	kn_ok(kn_chan_score_kinds(s1), "every kind of call was answered, not only refused, in run 1");
	kn_ok(s->readmitted == 2, "a second after the burst, the VM was admitted again (%lu of 2 runs)",
	      s->readmitted);
	kn_ok(!s->unread, "levels and hooks read and parse after each run (%lu did not)",
	      s->unread);
}

int main(int argc, char **argv)
{
	struct kn_chan_score s1 = { .run = 1 }, s2 = { .run = 2 }, s = { 0 };
	struct kn_meminfo m1, m2;
	struct kn_kmsg log;
	struct kn_vm probe;
	const char *why;
	struct opts o;

	parse(argc, argv, &o);
	kn_vm_create(&probe, KN_MEM_DEFAULT);	/* skips without KVM */
	kn_vm_destroy(&probe);
	if (!kn_accounting(&why))
		kn_skip_rest("%s", why);
	kn_plan(11);
	kn_diag("seed %#lx (replay: -s %#lx -n %lu), expected depth %u", o.seed,
		o.seed, o.calls, o.depth);
	kn_kmsg_open(&log);
	if (kn_events_open(&events))
		kn_bail("kvm-nest is loaded but has no netlink family");

	run(&s1, &o);
	kn_chan_score_print("run 1", &s1);
	kn_meminfo_read(&m1);
	run(&s2, &o);
	kn_chan_score_print("run 2", &s2);
	kn_meminfo_read(&m2);
	kn_events_drain(&events);
	kn_kmsg_scan(&log);
	kn_chan_score_add(&s, &s1);
	kn_chan_score_add(&s, &s2);

	report(&s, &s1, &o);
	kn_ok(events.added && events.removed,
	      "events while we listened: %lu new dolls, %lu gone (%lu overruns)",
	      events.added, events.removed, events.lost);
	check_memory(&m1, &m2);
	kn_ok(log.fd >= 0 && !log.problems,
	      "kernel log: %u records, %u WARN/BUG/Oops lines%s%s (%u lost)",
	      log.lines, log.problems, log.problems ? ", the first: " : "",
	      log.first, log.lost);
	kn_events_close(&events);
	kn_kmsg_close(&log);
	kn_finish();
}
