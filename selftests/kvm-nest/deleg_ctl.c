// SPDX-License-Identifier: GPL-2.0
/*
 * The per-doll switch of delegated exits (KVM_NEST_CMD_DELEG_SET).
 * Our test L1 registers a CPUID policy for its L2, and L0 answers with
 * accel 1. Then, N CPUIDs of L2 at a time:
 *  1. the level-2 (ctx) doll switched off: all N reach L1, delegated +0;
 *     on again: delegated +N, L1 sees none;
 *  2. the same through our level-1 doll, which covers all its contexts;
 *  3. a switch stays off when L1 registers its policy again, for either
 *     doll, and "all classes" switches too;
 *  4. a level-2 doll that L1 reports over the channel covers the context
 *     it reports for itself; a level-3 one's switch goes down to L1 as a
 *     command (L1's id, the classes, off or on), and L1's answer comes
 *     back: its refusal with its reason, named as L1's, or success; its
 *     DOLL_GET shows only what L1's report says is off;
 *  5. malformed requests get their exact errno and extended ack, and
 *     change nothing;
 * and each doll's DOLL_GET shows the classes L1 registered and those off.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kn_chan_report.h"
#include "kn_deleg_l1.h"
#include "kn_deleg_switch.h"
#include "kn_dolls.h"
#include "kn_genl.h"
#include "kn_nla.h"
#include "kn_tap.h"

#define NO_DOLL		0xfffffff0u	/* an id no doll has */
#define CPUID		KVM_NEST_DELEG_CPUID
#define ALL		(KVM_NEST_DELEG_CPUID | KVM_NEST_DELEG_RDMSR | KVM_NEST_DELEG_PAUSE)

static struct {
	unsigned long n;
	struct kn_deleg_l1_table t, pol;
	uint32_t l1, ctx;	/* our dolls' ids */
} g;

static const struct kn_deleg_l1_query hits[] = {
	{ 0x0, 0 }, { 0x80000000, 0 }, { 0x80000002, 0 }, { 0x80000008, 0 },
};


/* L1's table, all of it delegated: leaves L0 may answer. */
static void tables(void)
{
	for (unsigned int i = 0; i < sizeof(hits) / sizeof(hits[0]); i++) {
		struct kvm_nest_ch_cpuid *e = &g.t.e[g.t.n++];

		e->function = hits[i].leaf;
		e->eax = 0x80000000U | i;
		e->ebx = 0x81000000U | e->function;
		e->ecx = 0x82000000U;
		e->edx = 0x83000000U | i;
	}
	g.pol = g.t;
}

static void burst(struct kn_deleg_l1 *t, unsigned long n, struct kn_deleg_l1_delta *d)
{
	kn_deleg_l1_burst(t, hits, sizeof(hits) / sizeof(hits[0]), n, d);
}

/* N CPUIDs: all delegated (@on) or all seen by L1, every answer right. */
static void expect(struct kn_deleg_l1 *t, bool on, const char *what)
{
	struct kn_deleg_l1_delta d;

	burst(t, g.n, &d);
	kn_ok(d.ok && !t->j->l2_bad && d.delegated == (on ? g.n : 0) &&
	      d.l1_cpuid == (on ? 0 : g.n),
	      "%s: %lu CPUIDs: delegated %lu (expected %lu), L1 saw %lu (expected %lu), %lu wrong",
	      what, g.n, d.delegated, on ? g.n : 0, d.l1_cpuid, on ? 0 : g.n, t->j->l2_bad);
}

static int set(uint64_t id, uint64_t classes, uint64_t on, struct kn_genl_ack *ack,
	       char *refusal)
{
	return kn_deleg_switch_set(id, classes, on, ack, refusal, 512);
}

/* Switches and says whether the kernel took it. */
static bool turn(uint32_t id, uint32_t classes, bool on, const char *what)
{
	struct kn_genl_ack ack;
	char refusal[512];
	int err = set(id, classes, on, &ack, refusal);

	if (err)
		kn_diag("%s: DELEG_SET doll %u classes %#x %s: %s (%s%s)", what, id, classes,
			on ? "on" : "off", strerror(-err), ack.msg, refusal);
	return !err;
}

/* DOLL_GET shows @registered and @off for doll @id. */
static void state(uint32_t id, uint32_t registered, uint32_t off, const char *what)
{
	struct kn_deleg_switch_doll d;
	int err = kn_deleg_switch_get(id, &d);

	kn_ok(!err && d.has_deleg && d.registered == registered && d.off == off,
	      "%s: doll %u shows registered %#x (expected %#x), off %#x (expected %#x)%s",
	      what, id, d.registered, registered, d.off, off,
	      err ? strerror(-err) : d.has_deleg ? "" : ", or not at all");
}

static bool warm(struct kn_deleg_l1 *t)
{
	return kn_deleg_l1_warm(t, hits, sizeof(hits) / sizeof(hits[0]));
}

/* 1 and 2: the ctx doll, then the level-1 doll. */
#define PLAN_SWITCH 7
static void switch_doll(struct kn_deleg_l1 *t, uint32_t id, const char *name)
{
	char what[64];

	snprintf(what, sizeof(what), "%s doll off", name);
	kn_ok(turn(id, CPUID, false, what), "%s: DELEG_SET cpuid off", what);
	state(id, CPUID, CPUID, what);
	/* The other doll has a switch of its own: still on. */
	state(id == g.ctx ? g.l1 : g.ctx, CPUID, 0, what);
	expect(t, false, what);
	snprintf(what, sizeof(what), "%s doll on", name);
	kn_ok(turn(id, CPUID, true, what), "%s: DELEG_SET cpuid on", what);
	state(id, CPUID, 0, what);
	expect(t, true, what);
}

/* 3. L1 registers its policy again: a switch stays off. */
#define PLAN_REGRANT 5
static void regrant(struct kn_deleg_l1 *t, uint32_t id, uint32_t classes, const char *name)
{
	char what[64];
	int64_t r;

	snprintf(what, sizeof(what), "%s doll off (classes %#x), L1 grants again", name, classes);
	kn_ok(turn(id, classes, false, what), "%s: DELEG_SET off", what);
	r = kn_deleg_l1_delegate(t, t->ctx, CPUID, 0, &g.pol);
	kn_ok(!r, "%s: DELEGATE answered %ld", what, r);
	expect(t, false, what);
	snprintf(what, sizeof(what), "%s doll on after L1's grant", name);
	kn_ok(turn(id, classes, true, what), "%s: DELEG_SET on", what);
	expect(t, true, what);
}

/* A DELEG_SET that waits for L1, in a thread while L1 runs here. */
struct routed {
	pthread_t th;
	uint32_t id;
	bool on;
	int err;
	struct kn_genl_ack ack;
	char refusal[512];
};

static void *routed_fn(void *arg)
{
	struct routed *r = arg;

	r->err = set(r->id, CPUID, r->on, &r->ack, r->refusal);
	return NULL;
}

/* What L1 fetched of a command: its cookie, op, id, classes, on. */
struct fetched {
	uint64_t cookie;
	uint32_t op, id, classes, on, n;
};

static void fetched_cmd(const void *buf, size_t len, struct fetched *f)
{
	memset(f, 0, sizeof(*f));
	kn_nla_for_each(a, buf, len) {
		if (kn_nla_type(a) != KVM_NEST_CH_A_CMD)
			continue;
		f->n++;
		kn_nla_for_each(c, kn_nla_data(a), kn_nla_len(a)) {
			const void *v = kn_nla_data(c);

			switch (kn_nla_type(c)) {
			case KVM_NEST_A_DOLL_COOKIE: memcpy(&f->cookie, v, 8); break;
			case KVM_NEST_CH_A_OP: memcpy(&f->op, v, 4); break;
			case KVM_NEST_A_DOLL_ID: memcpy(&f->id, v, 4); break;
			case KVM_NEST_A_DOLL_DELEG_CLASSES: memcpy(&f->classes, v, 4); break;
			case KVM_NEST_A_DOLL_DELEG_ON: f->on = *(const uint8_t *)v; break;
			}
		}
	}
}

/*
 * L1 fetches (every 50 ms, 5 s at most) until the command comes, then
 * answers it with @error and @msg (NULL: none).  False if none came.
 */
static bool l1_answer(struct kn_deleg_l1 *t, struct fetched *f, uint32_t error,
		      const char *msg)
{
	static uint8_t buf[1024], answer[KVM_NEST_CH_FETCH_MAX];
	struct kn_nla b;
	uint64_t gpa;
	int64_t r = -1;

	for (int i = 0; i < 100; i++) {
		kn_deleg_l1_reset(t);
		gpa = kn_deleg_l1_put(t, answer, sizeof(answer));
		r = kn_deleg_l1_call(t, KVM_NEST_CH_FETCH, gpa, KVM_NEST_CH_FETCH_MAX);
		if (r > 0)
			fetched_cmd(kn_gpa(&t->vm, gpa, (size_t)r), (size_t)r, f);
		if (r > 0 && f->n)
			break;
		usleep(50000);
	}
	if (r <= 0 || !f->n)
		return false;
	kn_nla_init(&b, buf, sizeof(buf));
	kn_nla_u64(&b, KVM_NEST_A_DOLL_COOKIE, f->cookie);
	kn_nla_u32(&b, KVM_NEST_A_DOLL_ERROR, error);
	kn_nla_u32(&b, KVM_NEST_A_DOLL_HOPS, 0);
	if (msg)
		kn_nla_str(&b, KVM_NEST_A_DOLL_MSG, msg);
	kn_deleg_l1_reset(t);
	r = kn_deleg_l1_call(t, KVM_NEST_CH_REPLY, kn_deleg_l1_put(t, buf, b.len), b.len);
	if (r)
		kn_diag("REPLY answered %ld", (long)r);
	return !r;
}

/*
 * DELEG_SET of level-3 doll @r3 (our id), which L1 numbers 2: L1 must get
 * it as a command, and its answer (@error, @msg) must come back.
 */
static void routed(struct kn_deleg_l1 *t, uint32_t r3, bool on, uint32_t error,
		   const char *msg)
{
	struct routed r = { .id = r3, .on = on };
	char want[512] = "";
	struct fetched f;
	bool got;

	if (pthread_create(&r.th, NULL, routed_fn, &r))
		kn_bail("pthread_create");
	got = l1_answer(t, &f, error, msg);
	kn_ok(got && f.n == 1 && f.op == KVM_NEST_CMD_DELEG_SET && f.id == 2 &&
	      f.classes == CPUID && f.on == on,
	      "level-3 doll %u %s: L1 fetched %u command(s): op %u (expected %u), id %u (expected L1's 2), classes %#x, on %u",
	      r3, on ? "on" : "off", got ? f.n : 0, f.op, KVM_NEST_CMD_DELEG_SET, f.id,
	      f.classes, f.on);
	/* Unanswered, it ends with the kernel's 90 s. */
	pthread_join(r.th, NULL);
	if (msg)
		snprintf(want, sizeof(want),
			 "doll %u's switches live in the kvm-nest inside doll %u (its doll 2 there): %s",
			 r3, g.l1, msg);
	/* Queued: the outcome and its refusal come in RESULT_NTF. */
	kn_ok(got && r.err == -(int)error && !strcmp(r.refusal, want),
	      "level-3 doll %u %s, L1 answered %u: outcome %s, refusal \"%s\" (expected \"%s\")",
	      r3, on ? "on" : "off", error, strerror(-r.err), r.refusal, want);
}

/* 4. Reported dolls: L1 says it runs doll 1 on our context, doll 2 in it. */
#define PLAN_REPORTED 16
static void reported(struct kn_deleg_l1 *t)
{
	static uint8_t buf[KVM_NEST_CH_REPORT_MAX];
	const uint64_t self[] = { t->ctx };
	const struct kn_ch_doll rep[] = {
		{ .id = 1, .parent = 0, .level = 1, .have = KN_CH_NEEDED,
		  .nr_self = 1, .self = self },
		{ .id = 2, .parent = 1, .level = 2, .have = KN_CH_NEEDED },
	};
	struct kn_deleg_switch_doll r2 = { 0 }, r3 = { 0 };
	struct kn_nla b;
	unsigned int i;
	size_t nest;
	int err;

	kn_nla_init(&b, buf, sizeof(buf));
	for (i = 0; i < 2; i++)
		kn_ch_put_doll(&b, &rep[i]);
	kn_deleg_l1_reset(t);
	i = kn_deleg_l1_queue(t, kn_deleg_l1_put(t, buf, b.len), b.len);
	t->j->calls[i].op = KVM_NEST_CH_REPORT;
	kn_deleg_l1_flush(t);
	err = kn_deleg_switch_find(g.l1, KVM_NEST_DOLL_REPORTED, &r2);
	if (!err)
		err = kn_deleg_switch_find(r2.id, KVM_NEST_DOLL_REPORTED, &r3);
	if (!kn_ok(!t->j->calls[i].ret && !err && r2.level == 2 && r3.level == 3,
		   "reported: REPORT answered %ld; dolls at levels %u and %u (expected 2 and 3)",
		   t->j->calls[i].ret, r2.level, r3.level)) {
		for (i = 1; i < PLAN_REPORTED; i++)
			kn_skip("no reported dolls");
		return;
	}
	state(r2.id, CPUID, 0, "reported level-2 doll");
	kn_ok(turn(r2.id, CPUID, false, "reported level-2 doll off"),
	      "reported level-2 doll %u: DELEG_SET cpuid off", r2.id);
	expect(t, false, "reported level-2 doll off");
	/* Its context is our ctx doll's, whose own switch is still on. */
	state(g.ctx, CPUID, 0, "reported level-2 doll off");
	kn_ok(turn(r2.id, CPUID, true, "reported level-2 doll on"),
	      "reported level-2 doll %u: DELEG_SET cpuid on", r2.id);
	expect(t, true, "reported level-2 doll on");

	err = kn_deleg_switch_get(r3.id, &r3);
	kn_ok(!err && !r3.has_off, "reported level-3 doll: DOLL_GET (%s) has no delegation state before L1 reports one",
	      strerror(-err));
	routed(t, r3.id, false, EINVAL, "L1 says no");
	routed(t, r3.id, false, 0, NULL);
	routed(t, r3.id, true, 0, NULL);
	/* L1's report says CPUID is off at its doll 2: shown, alone. */
	kn_nla_init(&b, buf, sizeof(buf));
	kn_ch_put_doll(&b, &rep[0]);
	nest = kn_nla_nest(&b, KVM_NEST_CH_A_DOLL);
	kn_ch_doll_attrs(&b, &rep[1]);
	kn_nla_u32(&b, KVM_NEST_A_DOLL_DELEG_OFF, CPUID);
	kn_nla_end(&b, nest);
	kn_deleg_l1_reset(t);
	err = (int)kn_deleg_l1_call(t, KVM_NEST_CH_REPORT, kn_deleg_l1_put(t, buf, b.len), b.len);
	if (!err)
		err = kn_deleg_switch_get(r3.id, &r3);
	kn_ok(!err && r3.has_off && !r3.has_deleg && r3.off == CPUID,
	      "reported level-3 doll: after L1 reports it off, DOLL_GET (%s) shows off %#x (expected %#x) and no registered classes (%s)",
	      strerror(-err), r3.off, CPUID, r3.has_deleg ? "some" : "none");
	expect(t, true, "after the switches of the level-3 doll");
}

/* 5. Malformed requests. */
struct bad {
	const char *what;
	uint64_t id, classes, on;	/* ~0: the ctx doll's id */
	int err;
	const char *msg;
	int miss;			/* extack names this missing type */
};

#define CTX_ID		0xffffffffULL
#define MASK_MSG	"classes must be a non-empty mask of KVM_NEST_DELEG_CPUID (1), _RDMSR (2) and _PAUSE (4)"
#define O		KN_DELEG_SWITCH_OMIT

static const struct bad bads[] = {
	{ "unknown doll", NO_DOLL, CPUID, 0, -ENOENT,
	  "no doll with this id at this level (see nestctl doll show)", -1 },
	{ "classes 0", CTX_ID, 0, 0, -EINVAL, MASK_MSG, -1 },
	{ "classes 0x8", CTX_ID, 0x8, 0, -EINVAL, MASK_MSG, -1 },
	{ "classes 0xffffffff", CTX_ID, 0xffffffff, 0, -EINVAL, MASK_MSG, -1 },
	{ "on 2", CTX_ID, CPUID, 2, -EINVAL, "on must be 1 (on) or 0 (off)", -1 },
	{ "no id", O, CPUID, 0, -EINVAL, "give the doll's id (KVM_NEST_A_DOLL_ID)",
	  KVM_NEST_A_DOLL_ID },
	{ "no classes", CTX_ID, O, 0, -EINVAL,
	  "give the classes to switch (KVM_NEST_A_DOLL_DELEG_CLASSES, a mask of KVM_NEST_DELEG_*)",
	  KVM_NEST_A_DOLL_DELEG_CLASSES },
	{ "no on", CTX_ID, CPUID, O, -EINVAL, "say on or off (KVM_NEST_A_DOLL_DELEG_ON, 1 or 0)",
	  KVM_NEST_A_DOLL_DELEG_ON },
};
#define NBADS (sizeof(bads) / sizeof(bads[0]))
#define PLAN_BAD (NBADS + 3)

static void refusals(struct kn_deleg_l1 *t)
{
	struct kn_genl_ack ack;
	char refusal[512];

	for (unsigned int i = 0; i < NBADS; i++) {
		const struct bad *b = &bads[i];
		int err = set(b->id == CTX_ID ? g.ctx : b->id, b->classes, b->on, &ack, refusal);

		kn_ok(err == b->err && !strcmp(ack.msg, b->msg) && ack.miss_type == b->miss &&
		      (b->miss >= 0 || ack.offs >= 0),
		      "refused: %s: %s (expected %s), \"%s\", missing %ld (expected %d), offset %ld",
		      b->what, strerror(-err), strerror(-b->err), ack.msg, ack.miss_type, b->miss,
		      ack.offs);
	}
	state(g.ctx, CPUID, 0, "after the refusals");
	state(g.l1, CPUID, 0, "after the refusals");
	expect(t, true, "after the refusals");
}

int main(int argc, char **argv)
{
	static struct kn_deleg_l1 a;
	int64_t r;

	g.n = kn_deleg_l1_arg_n(argc, argv, 200);
	tables();
	kn_deleg_l1_start(&a, KN_MEM_DEFAULT, &g.t, &g.t);
	kn_deleg_l1_accel_keep();
	kn_plan(4 + 2 * PLAN_SWITCH + 3 * PLAN_REGRANT + PLAN_REPORTED + PLAN_BAD);

	/* One round trip: L0 now has our ctx doll. */
	a.j->nq = 0;
	kn_deleg_l1_run(&a, KN_DELEG_L2_SEQ, NULL);
	r = kn_deleg_l1_hello(&a);
	kn_ok(!r, "HELLO: %ld", r);
	r = kn_deleg_l1_delegate(&a, a.ctx, CPUID, 0, &g.pol);
	kn_ok(!r, "DELEGATE of L1's CPUID table: %ld", r);
	if (!kn_deleg_switch_ids(&a, &g.l1, &g.ctx))
		kn_bail("our level-1 doll and its ctx doll not found");
	kn_diag("level-1 doll %u, ctx doll %u at %#lx", g.l1, g.ctx, a.ctx);
	kn_ok(warm(&a), "delegation armed within %u warm-up rounds", KN_DELEG_L1_WARM_ROUNDS);
	expect(&a, true, "no switch off");

	switch_doll(&a, g.ctx, "level-2");
	switch_doll(&a, g.l1, "level-1");
	regrant(&a, g.ctx, CPUID, "level-2");
	regrant(&a, g.l1, CPUID, "level-1");
	regrant(&a, g.ctx, ALL, "level-2");
	reported(&a);
	refusals(&a);

	kn_deleg_l1_stop(&a);
	kn_finish();
}
