// SPDX-License-Identifier: GPL-2.0
/*
 * Channel load of the stress run (make stress): -p processes (4 by default)
 * each run VMs whose guest code, at CPL 0, makes kvm-nest channel calls,
 * -n calls in all (2000 by default), from a seeded PRNG. A VM makes 250
 * calls in one go, then is destroyed and the next one made (kvm-nest
 * admits 200 calls a second per VM: the other 50 must be refused while
 * the VM is younger than a second). Rounds alternate between
 *  - judged rounds: lib/kn_chan_fuzz.h's hostile and valid calls, each owed an
 *    exact answer (as in ch_hostile), and
 *  - mutated rounds: a valid HELLO, then valid HELLO, REPORT, FETCH, REPLY
 *    and DELEGATE buffers mutated (bytes flipped, edge values, lengths,
 *    addresses, ops), whose answers must be among those the uapi lists.
 * Every so often a mutated round is all DELEGATE (policies come and go).
 *
 * stress.sh unloads and loads kvm-nest meanwhile. A round during which
 * the module generation (KN_STRESS_GEN, a file stress.sh bumps at each
 * rmmod and insmod) changed, or that got KVM's -ENOSYS for one of our
 * calls, is "disturbed": its answers are only checked against the set.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kn_chan_fuzz_int.h"
#include "kn_chan_score.h"
#include "kn_deleg.h"
#include "kn_dolls.h"
#include "kn_kmsg.h"
#include "kn_slot.h"
#include "kn_stress.h"
#include "kn_time.h"

#define BURST		50
#define ROUND		(KN_CHAN_FUZZ_RATE + BURST)
#define MAX_PROCS	16

enum { B_HELLO, B_REPORT, B_FETCH, B_REPLY, B_DELEGATE, B_NR };

/* One process's counts, in shared memory. */
struct wstat {
	struct kn_chan_score s;		/* judged rounds */
	uint64_t calls, rounds, disturbed, mutated, mut_unlisted, mut_ok;
	uint64_t burst_fast, burst_wrong, base[B_NR], deleg_ok;
	uint64_t waiting;		/* judged reports that said commands wait */
	uint64_t ns;
	int done;
	char first[200];
};

struct opts {
	unsigned long calls;
	uint64_t seed;
	unsigned int procs;
};

static void note(struct wstat *w, const char *fmt, unsigned int base, int64_t ret)
{
	if (!*w->first)
		snprintf(w->first, sizeof(w->first), fmt, base, (long)ret);
}

/* Whether @ret is an answer the uapi lists for a call of ours. */
static bool listed(int64_t ret, unsigned int base, bool disturbed)
{
	switch (ret) {
	case 0:
	case -KVM_NEST_E2BIG:
	case -KVM_NEST_EFAULT:
	case -KVM_NEST_EBUSY:
	case -KVM_NEST_EINVAL:
	case -KVM_NEST_EPROTO:
	case -KVM_NEST_ENOSPC:
		return true;
	case -KN_HYPERCALL_ENOSYS:
		return disturbed;
	}
	/* FETCH answers the length it wrote; REPORT how many commands wait. */
	return ret > 0 && ((base == B_FETCH && ret <= KVM_NEST_CH_FETCH_MAX) ||
			   (base == B_REPORT && ret < 1000));
}

/* A valid DELEGATE: a few CPUID answers, maybe MSRs, for a fake context. */
static size_t delegate(struct kn_prng *p, uint8_t *buf)
{
	static const uint32_t leaves[] = { 0x0, 0x6, 0xa, 0x80000000, 0x80000002,
					   0x80000003, 0x80000008, 0x3fffffff };
	static const uint32_t msrs[] = { 0xce, 0x10a, 0x8b, 0xc0011029 };
	struct kvm_nest_ch_cpuid e[4];
	struct kvm_nest_ch_msr m[3];
	uint32_t classes = (uint32_t)kn_range(p, 0, KVM_NEST_DELEG_ALL);
	uint32_t n = (uint32_t)kn_below(p, 5), nm = 0, flags = 0;
	uint64_t ctx = (1UL << 32) + kn_below(p, 300) * KN_PAGE_SIZE;
	uint32_t first = (uint32_t)kn_below(p, 8);

	for (uint32_t i = 0; i < n; i++) {
		e[i] = (struct kvm_nest_ch_cpuid){ .function = leaves[(first + i) % 8] };
		kn_rand_bytes(p, &e[i].eax, 16);
	}
	if (classes & KVM_NEST_DELEG_RDMSR) {
		nm = (uint32_t)kn_below(p, 4);
		for (uint32_t i = 0; i < nm; i++)
			m[i] = (struct kvm_nest_ch_msr){ .index = msrs[(first + i) % 4],
							 .value = kn_rand(p) };
	}
	if (kn_one_in(p, 16)) {
		ctx = 0;
		classes = 0;
		flags = KVM_NEST_DELEG_F_REVOKE_ALL;
		n = nm = 0;
	}
	return kn_deleg_put_msr(buf, ctx, classes, flags, e, n, m, nm);
}

/* Mutate @len bytes at @b; may change the length. */
static uint64_t mutate_buf(struct kn_prng *p, uint8_t *b, uint64_t len, uint64_t room)
{
	static const uint32_t edges[] = { 0, 1, 4, 0xffff, 0x10000, 0x7fffffff,
					  0x80000000, 0xffffffff, 256, 257, 64 };
	unsigned int n = (unsigned int)kn_range(p, 1, 4);

	for (unsigned int i = 0; i < n && len; i++) {
		uint64_t at = kn_below(p, len);

		switch (kn_below(p, 5)) {
		case 0:
			b[at] ^= (uint8_t)(1u << kn_below(p, 8));
			break;
		case 1:
			b[at] = (uint8_t)kn_rand(p);
			break;
		case 2:
			at &= ~3UL;
			if (at + 4 <= len)
				memcpy(b + at, &edges[kn_below(p, sizeof(edges) / 4)], 4);
			break;
		case 3:		/* shorter */
			len = kn_below(p, len + 1);
			break;
		default:	/* longer, with junk */
			if (len + 64 <= room) {
				uint64_t more = kn_range(p, 1, 64);

				kn_rand_bytes(p, b + len, more);
				len += more;
			}
			break;
		}
	}
	return len;
}

/* A mutated call from a valid one of @base. */
static void mutated(struct kn_chan_fuzz *g, struct kn_prng *p, unsigned int base,
		    struct kn_hypercall_call *call)
{
	static uint8_t buf[KVM_NEST_CH_DELEGATE_MAX + 64];
	struct kn_chan_fuzz_case c;
	uint8_t *host;

	switch (base) {
	case B_HELLO:
		kn_chan_fuzz_make_kind(g, KN_CHAN_FUZZ_HELLO_OK, call, &c);
		break;
	case B_REPORT:
		kn_chan_fuzz_make_kind(g, KN_CHAN_FUZZ_REP_OK, call, &c);
		break;
	case B_FETCH:
		kn_chan_fuzz_make_kind(g, KN_CHAN_FUZZ_FETCH, call, &c);
		break;
	case B_REPLY:
		kn_chan_fuzz_make_kind(g, KN_CHAN_FUZZ_REPLY, call, &c);
		break;
	default:
		call->nr = KVM_NEST_HC;
		call->op = KVM_NEST_CH_DELEGATE;
		call->len = delegate(p, buf);
		call->gpa = kn_chan_fuzz_put(g, buf, call->len + 64);
		break;
	}
	/* The buffer, if in our arena, gets the mutations. */
	if (call->gpa >= g->rw.gpa && call->gpa < g->rw.gpa + g->rw.used &&
	    call->len <= g->rw.gpa + g->rw.used - call->gpa && !kn_one_in(p, 8)) {
		host = g->rw.mem + (call->gpa - g->rw.gpa);
		call->len = mutate_buf(p, host, call->len,
				       g->rw.gpa + g->rw.size - call->gpa);
	}
	switch (kn_below(p, 12)) {
	case 0:
		call->op = kn_below(p, 8);
		break;
	case 1:
		call->gpa = kn_one_in(p, 2) ? kn_chan_fuzz_outside(g) : g->ro.gpa;
		break;
	case 2:
		call->len = kn_one_in(p, 2) ? kn_rand(p) : call->len + kn_range(p, 1, 4096);
		break;
	case 3:
		call->gpa += kn_range(p, 1, 7);
		break;
	}
}

static void mutated_round(struct wstat *w, struct kn_chan_fuzz *g, struct kn_prng *p,
			  struct kn_hypercall_queue *q, unsigned int n, bool deleg_only,
			  uint64_t *ns)
{
	static uint8_t base[ROUND];

	kn_chan_fuzz_make_kind(g, KN_CHAN_FUZZ_HELLO_OK, kn_hypercall_add(q, 0, 0, 0, 0),
			 &(struct kn_chan_fuzz_case){ 0 });
	base[0] = B_HELLO;
	for (unsigned int i = 1; i < n; i++) {
		base[i] = deleg_only ? B_DELEGATE : (uint8_t)kn_below(p, B_NR);
		mutated(g, p, base[i], kn_hypercall_add(q, 0, 0, 0, 0));
	}
	*ns = kn_hypercall_flush(q);
	for (unsigned int i = 0; i < n; i++)
		w->base[base[i]]++;
	w->mutated++;
}

/* Judges a mutated round once we know whether it was disturbed. */
static void mutated_judge(struct wstat *w, const struct kn_hypercall_queue *q, unsigned int n,
			  bool disturbed, bool fast, const uint8_t *bases)
{
	unsigned int admitted = 0;

	/*
	 * Every call takes a token first, revocations and malformed ones too
	 * (kvm-nest/channel/parent.c): after 200 within a second, all are
	 * refused (a refused DELEGATE still drops what it names).
	 */
	for (unsigned int i = 0; i < n; i++) {
		int64_t ret = q->calls[i].ret;
		bool past = admitted >= KN_CHAN_FUZZ_RATE;

		admitted++;
		if (past && fast && !disturbed) {
			w->burst_fast++;
			if (ret != -KVM_NEST_EBUSY) {
				w->burst_wrong++;
				note(w, "call past the rate limit (base %u) answered %ld", bases[i], ret);
			}
			continue;
		}
		if (!listed(ret, bases[i], disturbed)) {
			w->mut_unlisted++;
			note(w, "mutated call of base %u: unlisted answer %ld", bases[i], ret);
		} else if (ret >= 0) {
			w->mut_ok++;
			w->deleg_ok += bases[i] == B_DELEGATE;
		}
	}
}

static uint8_t op_base(uint64_t op)
{
	switch (op) {
	case KVM_NEST_CH_REPORT:
		return B_REPORT;
	case KVM_NEST_CH_FETCH:
		return B_FETCH;
	case KVM_NEST_CH_REPLY:
		return B_REPLY;
	case KVM_NEST_CH_DELEGATE:
		return B_DELEGATE;
	}
	return B_HELLO;
}

/* KVM's own answer to one of our calls: no kvm-nest was there. */
static bool any_enosys(const struct kn_hypercall_queue *q, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (q->calls[i].nr == KVM_NEST_HC && q->calls[i].ret == -KN_HYPERCALL_ENOSYS)
			return true;
	return false;
}

static void round_of(struct wstat *w, struct kn_prng *p, unsigned int n, bool judged,
		     bool deleg_only)
{
	static struct kn_chan_fuzz_case cases[ROUND];
	static uint8_t bases[ROUND];
	/* stress_nl may set this VM's envelope meanwhile. */
	struct kn_chan_fuzz_state st = { .fetch_any_len = true };
	struct kn_hypercall_queue q;
	struct kn_chan_fuzz g;
	struct kn_vm vm;
	uint64_t gen = kn_stress_gen(), ns = 0;
	bool disturbed;

	kn_chan_fuzz_vm_create(&g, p, &vm);
	kn_hypercall_init(&q, &vm, ROUND, NULL);
	if (judged) {
		for (unsigned int i = 0; i < n; i++)
			kn_chan_fuzz_make(&g, kn_hypercall_add(&q, 0, 0, 0, 0), &cases[i]);
		ns = kn_hypercall_flush(&q);
	} else {
		mutated_round(w, &g, p, &q, n, deleg_only, &ns);
	}
	disturbed = kn_stress_disturbed(gen) || any_enosys(&q, n);
	w->calls += n;
	w->rounds++;
	w->disturbed += disturbed;
	if (judged && !disturbed) {
		w->s.fast += ns < KN_NSEC;
		/*
		 * stress_nl pings and sets envelopes of any id, some of them
		 * our reported dolls': a report may say commands wait.
		 */
		for (unsigned int i = 0; i < n; i++)
			if (q.calls[i].op == KVM_NEST_CH_REPORT && q.calls[i].ret > 0) {
				q.calls[i].ret = 0;
				w->waiting++;
			}
		kn_chan_score_judge(&w->s, &g, &q, cases, &st, ns >= KN_NSEC, 1);
		w->s.rounds++;
	} else if (judged) {
		for (unsigned int i = 0; i < n; i++)
			bases[i] = op_base(q.calls[i].op);
		mutated_judge(w, &q, n, true, false, bases);
	} else {
		/* Judged by the op kvm-nest saw, which a mutation may change. */
		for (unsigned int i = 0; i < n; i++)
			bases[i] = op_base(q.calls[i].op);
		mutated_judge(w, &q, n, disturbed, ns < KN_NSEC, bases);
	}
	kn_hypercall_end(&q);
	kn_chan_fuzz_vm_destroy(&g);
}

static void worker(struct wstat *w, uint64_t seed, unsigned long calls)
{
	struct kn_prng p = { seed };
	uint64_t t0 = kn_now_ns();
	unsigned long r = 0;

	w->s.run = 1;
	for (unsigned long left = calls; left; r++) {
		unsigned int n = left < ROUND ? (unsigned int)left : ROUND;

		left -= n;
		round_of(w, &p, n, r % 2 == 0, r % 8 == 7);
	}
	w->ns = kn_now_ns() - t0;
	w->done = 1;
}

static void parse(int argc, char **argv, struct opts *o)
{
	int opt;

	o->calls = 2000;
	o->seed = kn_now_ns() ^ (uint64_t)getpid() << 32;
	o->procs = 4;
	while ((opt = getopt(argc, argv, "n:s:p:")) != -1) {
		if (opt == 'n')
			o->calls = kn_arg_ulong(optarg, "-n");
		else if (opt == 's')
			o->seed = kn_arg_ulong(optarg, "-s");
		else if (opt == 'p' && kn_arg_ulong(optarg, "-p") - 1 < MAX_PROCS)
			o->procs = (unsigned int)kn_arg_ulong(optarg, "-p");
		else
			kn_bail("usage: %s [-n CALLS] [-s SEED] [-p PROCESSES (1-%d)]", argv[0],
				MAX_PROCS);
	}
}

int main(int argc, char **argv)
{
	struct wstat *w, sum = { 0 };
	struct kn_kmsg log;
	struct kn_vm probe;
	unsigned int died = 0;
	uint64_t ns = 0;
	const char *why;
	struct opts o;
	pid_t pid[MAX_PROCS];

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse(argc, argv, &o);
	kn_vm_create(&probe, KN_MEM_DEFAULT);	/* skips without KVM */
	kn_vm_destroy(&probe);
	if (!kn_accounting(&why))
		kn_skip_rest("%s", why);
	w = mmap(NULL, MAX_PROCS * sizeof(*w), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED)
		kn_die("mmap");
	kn_plan(6);
	kn_diag("seed %#lx (replay: -s %#lx -n %lu -p %u)", o.seed, o.seed, o.calls, o.procs);
	kn_kmsg_open(&log);
	for (unsigned int i = 0; i < o.procs; i++) {
		unsigned long share = o.calls / o.procs + (i < o.calls % o.procs);

		memset(&w[i], 0, sizeof(w[i]));
		fflush(stdout);
		pid[i] = fork();
		if (pid[i] < 0)
			kn_die("fork");
		if (!pid[i]) {
			worker(&w[i], o.seed + i * 0x9e3779b97f4a7c15ULL, share);
			fflush(stdout);
			_exit(0);
		}
	}
	for (unsigned int i = 0; i < o.procs; i++) {
		int status;

		waitpid(pid[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) || !w[i].done) {
			died++;
			kn_diag("process %u ended with status %#x before its calls were made", i,
				status);
		}
		kn_chan_score_add(&sum.s, &w[i].s);
		sum.calls += w[i].calls;
		sum.rounds += w[i].rounds;
		sum.disturbed += w[i].disturbed;
		sum.mutated += w[i].mutated;
		sum.mut_unlisted += w[i].mut_unlisted;
		sum.mut_ok += w[i].mut_ok;
		sum.burst_fast += w[i].burst_fast;
		sum.burst_wrong += w[i].burst_wrong;
		sum.deleg_ok += w[i].deleg_ok;
		sum.waiting += w[i].waiting;
		for (unsigned int b = 0; b < B_NR; b++)
			sum.base[b] += w[i].base[b];
		if (!*sum.first)
			memcpy(sum.first, w[i].first, sizeof(sum.first));
		ns = w[i].ns > ns ? w[i].ns : ns;
	}
	kn_kmsg_scan(&log);
	kn_chan_score_print("judged rounds", &sum.s);
	kn_diag("judged reports that said commands wait (other loads' pings): %lu", sum.waiting);
	kn_diag("%lu calls in %lu rounds by %u processes in %.1f s (%.0f calls/s); %lu rounds disturbed by module cycles",
		sum.calls, sum.rounds, o.procs, ns / 1e9, ns ? sum.calls * 1e9 / ns : 0.0,
		sum.disturbed);
	kn_diag("mutated from valid: HELLO %lu, REPORT %lu, FETCH %lu, REPLY %lu, DELEGATE %lu (%lu DELEGATEs taken)",
		sum.base[B_HELLO], sum.base[B_REPORT], sum.base[B_FETCH], sum.base[B_REPLY],
		sum.base[B_DELEGATE], sum.deleg_ok);
	kn_ok(!died && sum.calls == o.calls, "%lu of %lu calls made by %u processes (%u died)",
	      sum.calls, o.calls, o.procs, died);
	kn_ok(!sum.s.wrong && !sum.s.unlisted,
	      "judged rounds: %lu calls, %lu not answered as owed, %lu unlisted answers",
	      sum.s.calls, sum.s.wrong, sum.s.unlisted);
	kn_ok(!sum.mut_unlisted, "mutated and disturbed calls: %lu answers outside the uapi's list%s%s",
	      sum.mut_unlisted, *sum.first ? "; the first problem: " : "", sum.first);
	kn_ok(!sum.burst_wrong && !sum.s.late,
	      "rate limit: %lu calls past the 200th of a VM younger than a second, %lu admitted",
	      sum.burst_fast + sum.s.refused, sum.burst_wrong + sum.s.late);
	kn_ok(sum.mut_ok && sum.deleg_ok, "mutated calls taken: %lu, of them DELEGATE %lu",
	      sum.mut_ok, sum.deleg_ok);
	kn_ok(log.fd >= 0 && !log.problems,
	      "kernel log: %u records, %u WARN/BUG/Oops lines%s%s (%u lost)",
	      log.lines, log.problems, log.problems ? ", the first: " : "",
	      log.first, log.lost);
	kn_diag("STRESS ch calls=%lu rounds=%lu disturbed=%lu judged=%lu seconds=%.1f", sum.calls,
		sum.rounds, sum.disturbed, sum.s.calls, ns / 1e9);
	kn_kmsg_close(&log);
	kn_finish();
}
