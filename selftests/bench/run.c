// SPDX-License-Identifier: GPL-2.0
/*
 * kn-bench run: one VM, one configuration; for each op a warm-up, then
 * repetitions of two loops (n1 then n2 ops) between ucalls. What both
 * loops share (the ucall, the entry) cancels out of time and of kvm-nest's
 * exit counts per op (knb_twon_samples()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"
#include "exits.h"
#include "kn_apic.h"
#include "kn_tap.h"
#include "kn_tdp.h"
#include "kn_time.h"
#include "kn_vm.h"
#include "kvmstat.h"
#include "report.h"
#include "run.h"

#define MEM_SIZE	(64UL << 20)
#define N_MAX		100000

/* A run: the VM and the state at the last loop boundary. */
struct ctx {
	const struct knb_opts *o;
	struct kn_vm vm;
	struct kn_vcpu *vcpu;
	bool acct;
	uint64_t tsc_khz, fresh, fresh_end;
	struct knb_exits snap;		/* exits at the last boundary */
	struct knb_kvmstat kst;		/* KVM's own count, with or without kvm-nest */
	uint64_t ksnap;			/* its value at the last boundary */
	unsigned int mark;		/* its marker, with --markers */
};

struct loop {
	uint64_t n;
	double ns;
	uint64_t wake, early;
};

/*
 * A loop boundary: the guest is stopped at a ucall. Read kvm-nest here;
 * with --markers, tell the watcher of the level below, which reads its own
 * kvm-nest while this process sleeps.
 */
static void boundary(struct ctx *c, bool mark)
{
	if (c->acct) {
		struct kn_dolls ds;

		kn_dolls_read(&ds);
		knb_exits_of(&ds, getpid(), &c->snap);
		kn_dolls_free(&ds);
	}
	if (c->kst.fd >= 0)
		c->ksnap = knb_kvmstat_exits(&c->kst);
	if (c->o->markers_ms && mark) {
		struct timespec pause = {
			.tv_sec = c->o->markers_ms / 1000,
			.tv_nsec = c->o->markers_ms % 1000 * 1000000L,
		};

		/* Fixed width: the doll pays an exit per character printed. */
		printf("KNB-MARK %06u\n", ++c->mark);
		fflush(stdout);
		nanosleep(&pause, NULL);
	}
}

static uint64_t op_arg(struct ctx *c, unsigned int op, uint64_t n)
{
	uint64_t gpa = c->fresh;

	if (op == KNB_HLT)
		return c->o->hlt_us * c->tsc_khz / 1000;
	if (op != KNB_TOUCH)
		return 0;
	if (n > (c->fresh_end - gpa) / KN_PAGE_SIZE)
		kn_bail("out of fresh pages for touch (%lu wanted): lower -n or -r", n);
	c->fresh += n * KN_PAGE_SIZE;
	return gpa;
}

/* @mark: whether a bracket of the watcher ends (and the next starts) here. */
static void run_loop(struct ctx *c, unsigned int op, struct loop *l, bool mark)
{
	volatile struct knb_cmd *cmd = KN_GUEST_VAR(&c->vm, knb_cmd);
	uint64_t t0;

	cmd->op = op;
	cmd->n = l->n;
	cmd->arg = op_arg(c, op, l->n);
	t0 = kn_now_ns();
	kn_vcpu_expect(c->vcpu, KN_UC_SYNC);
	l->ns = kn_now_ns() - t0;
	l->wake = c->vcpu->uc.args[0];
	l->early = c->vcpu->uc.args[1];
	boundary(c, mark);
}

/* n2 for about --target-ms per loop, from a warm loop's speed. */
static uint64_t pick_n(struct ctx *c, unsigned int op)
{
	struct loop cold = { .n = 2 }, warm = { .n = 8 };
	uint64_t n, pages;

	run_loop(c, op, &cold, false);
	run_loop(c, op, &warm, true);
	pages = (c->fresh_end - c->fresh) / KN_PAGE_SIZE;
	if (c->o->n)
		return c->o->n;
	n = c->o->target_ms * 1e6 / (warm.ns / warm.n);
	n = n < KNB_N_MIN ? KNB_N_MIN : n > N_MAX ? N_MAX : n;
	/* touch: every repetition takes n1 + n2 = 1.25 n2 fresh pages */
	if (op == KNB_TOUCH && n * 5 / 4 * c->o->reps > pages)
		n = pages / c->o->reps * 4 / 5;
	return n;
}

static void measure(struct ctx *c, unsigned int op)
{
	struct knb_result r = { .op = op };
	struct knb_twon time = { 0 }, exits = { 0 }, kexits = { 0 };

	r.n2 = pick_n(c, op);
	r.n1 = r.n2 / 4;
	r.m0 = c->mark;
	for (unsigned int i = 0; i < c->o->reps; i++) {
		struct knb_exits s[3] = { c->snap };
		uint64_t k[3] = { c->ksnap };
		struct loop l1 = { .n = r.n1 }, l2 = { .n = r.n2 };

		run_loop(c, op, &l1, true);
		s[1] = c->snap;
		k[1] = c->ksnap;
		run_loop(c, op, &l2, true);
		s[2] = c->snap;
		k[2] = c->ksnap;
		knb_twon_add(&time, l1.ns, l2.ns);
		if (op == KNB_HLT)
			knb_series_add(&r.wake, (l1.wake + l2.wake) * 1e6 / c->tsc_khz /
					       (r.n1 + r.n2));
		r.early += l1.early + l2.early;
		if (c->acct)
			knb_exits_rep(s, r.n1, r.n2, &r.sum, &exits);
		if (c->kst.fd >= 0)
			knb_twon_add(&kexits, k[1] - k[0], k[2] - k[1]);
	}
	knb_twon_samples(&time, r.n1, r.n2, &r.time);
	knb_twon_samples(&exits, r.n1, r.n2, &r.exits);
	knb_twon_samples(&kexits, r.n1, r.n2, &r.kvm_exits);
	/* Printing only now: in a doll, output costs exits. */
	knb_progress(c->o, c->acct, &r);
	knb_emit(c->o, c->acct, &r);
}

static void setup(struct ctx *c)
{
	volatile struct knb_params *p;
	const char *why;
	uint64_t lazy, size;

	kn_vm_create(&c->vm, MEM_SIZE);
	if (c->o->level == 2)
		kn_vm_require_nested(&c->vm);
	kn_apic_vm(&c->vm);
	c->vcpu = kn_vcpu_add(&c->vm, knb_guest_main, 0);
	c->tsc_khz = kn_apic_tsc_khz(c->vcpu);

	/* Fresh pages: above everything the host wrote, never touched by anyone. */
	lazy = (c->vm.brk + KN_TDP_2M - 1) & ~(KN_TDP_2M - 1);
	size = (MEM_SIZE - lazy) & ~(KN_TDP_2M - 1);
	if (size > KN_TDP_LAZY_TABLES * KN_TDP_2M)
		size = KN_TDP_LAZY_TABLES * KN_TDP_2M;
	/* 4 KiB host pages, so that each first touch is one fault at every level. */
	if (madvise(c->vm.mem + lazy, size, MADV_NOHUGEPAGE))
		kn_die("madvise(MADV_NOHUGEPAGE)");
	c->fresh = lazy;
	c->fresh_end = lazy + size;
	p = KN_GUEST_VAR(&c->vm, knb_params);
	p->level = c->o->level;
	p->mem_size = MEM_SIZE;
	p->lazy = lazy;
	p->lazy_size = size;

	c->acct = kn_accounting(&why);
	if (!c->acct)
		fprintf(stderr, "bench: no exit counts at L%u: %s\n", c->o->depth, why);
	if (!knb_kvmstat_open(&c->kst, c->vcpu->fd, &why))
		fprintf(stderr, "bench: no KVM exit stat at L%u: %s\n", c->o->depth, why);
}

/* The dolls file as it is now, for cross-checks after this VM is gone. */
static void save_dolls(const char *path)
{
	FILE *in = fopen(KN_DOLLS_FILE, "r"), *out = fopen(path, "w");
	char buf[4096];
	size_t n;

	if (!in || !out)
		kn_die(in ? path : KN_DOLLS_FILE);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	if (fclose(out))
		kn_die(path);
}

int knb_run(int argc, char **argv)
{
	struct knb_opts o;
	struct ctx c = { .o = &o };

	knb_parse_run(argc, argv, &o);
	setup(&c);
	kn_vcpu_expect(c.vcpu, KN_UC_SYNC);
	boundary(&c, false);
	for (unsigned int op = 0; op < KNB_NR_OPS; op++)
		if (o.ops & 1U << op)
			measure(&c, op);
	KN_GUEST_VAR(&c.vm, knb_cmd)->op = KNB_QUIT;
	kn_vcpu_expect(c.vcpu, KN_UC_DONE);
	if (o.dolls_out && c.acct)
		save_dolls(o.dolls_out);
	knb_kvmstat_close(&c.kst);
	kn_vm_destroy(&c.vm);
	return 0;
}
