// SPDX-License-Identifier: GPL-2.0
/*
 * Valid reports over the kvm-nest channel (kvm_nest_channel.h), made by
 * guest code with hypercalls, as the host's kvm-nest shows them in debugfs:
 *  - HELLO answers version 1, no features, depth 1 (-d: the depth of our
 *    host below a kvm-nest host, plus one);
 *  - a report of dolls 10, 11 (child of 10) and 12 shows exactly three
 *    reported dolls below our level-1 doll, one level deeper than the
 *    child sees them, linked as reported, with names made one printable
 *    word and every number as reported; the vmcb12 our L1 really ran an
 *    L2 with, reported as a context of doll 10, shows as running it;
 *  - the other views still read with those dolls present;
 *  - a second report of doll 12 alone replaces the first: 10 and 11 are
 *    gone, 12 keeps its id and takes the new numbers;
 *  - a fresh VM cannot report before a HELLO, nor after a failed one;
 *  - when the VM goes, its reported dolls go with it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kn_chan_report.h"
#include "kn_dolls.h"
#include "kn_hypercall.h"
#include "kn_l2.h"
#include "kn_record.h"
#include "kn_tap.h"
#include "kn_vm.h"

#define MEM_FRESH	(16UL << 20)	/* tells the fresh VM's doll apart */
#define BUF_SIZE	(16UL << 10)
#define POLL_US		10000
#define POLL_MAX	200		/* 2 s for a destroyed VM's doll to go */
/* 63 bytes: the longest name the channel takes. */
#define NAME63		"twelve-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST"
_Static_assert(sizeof(NAME63) == 64, "NAME63 must have 63 characters");

enum { D10, D11, D12, NR_DOLLS };

/* What a name must look like in debugfs. */
static const char *const shown[NR_DOLLS] = { "ten_ten", "el_ev_en", NAME63 };

struct ch {
	struct kn_vm vm;
	struct kn_hypercall_queue q;
	uint64_t hello, buf;		/* guest addresses */
	struct kvm_nest_ch_hello *h;
	struct kn_nla b;
};

static void l2_main(uint64_t arg)
{
	(void)arg;		/* returning is L2's exit to L1 */
}

/* Run one L2, so that our vmcb12 is a context kvm-nest knows; then calls. */
static void l1_main(uint64_t batch)
{
	struct kn_l2 l2;

	kn_l2_init(&l2, l2_main, 0);
	if (kn_l2_run(&l2) != KN_HYPERCALL_EXIT)
		KN_GUEST_FAIL("unexpected L2 exit (code)", l2.exit, 0);
	KN_GUEST_SYNC(l2.ctx, 0);
	kn_hypercall_guest(batch);
}

static void ch_up(struct ch *c, uint64_t mem, kn_guest_fn *entry)
{
	kn_vm_create(&c->vm, mem);
	c->hello = kn_vm_alloc(&c->vm, sizeof(*c->h));
	c->h = kn_gpa(&c->vm, c->hello, sizeof(*c->h));
	c->buf = kn_vm_alloc(&c->vm, BUF_SIZE);
	kn_hypercall_init(&c->q, &c->vm, 4, entry);
}

/* One hypercall by the guest; returns its RAX. */
static int64_t call(struct ch *c, uint64_t op, uint64_t gpa, uint64_t len)
{
	kn_hypercall_add(&c->q, KVM_NEST_HC, op, gpa, len);
	kn_hypercall_flush(&c->q);
	return c->q.calls[0].ret;
}

static int64_t hello(struct ch *c, uint32_t version)
{
	*c->h = (struct kvm_nest_ch_hello){ .version = version, .depth = 77 };
	return call(c, KVM_NEST_CH_HELLO, c->hello, sizeof(*c->h));
}

static int64_t report(struct ch *c, const struct kn_ch_doll *d, unsigned int n)
{
	kn_nla_init(&c->b, kn_gpa(&c->vm, c->buf, BUF_SIZE), BUF_SIZE);
	for (unsigned int i = 0; i < n; i++)
		kn_ch_put_doll(&c->b, &d[i]);
	return call(c, KVM_NEST_CH_REPORT, c->buf, c->b.len);
}

/* Our level-1 doll with @mem bytes of memory, or NULL. */
static const struct kn_record *our_vm(const struct kn_records *rs, uint64_t mem)
{
	return kn_records_vm(rs, (uint64_t)getpid(), mem);
}

static const struct kn_record *named(const struct kn_record **r, unsigned int n,
				  const char *name)
{
	for (unsigned int i = 0; i < n; i++) {
		const char *v = kn_record_get(r[i], "name");

		if (v && !strcmp(v, name))
			return r[i];
	}
	return NULL;
}

static uint64_t id_of(const struct kn_record *r)
{
	return r ? kn_record_u64(r, "id") : 0;
}

/* Every number of @d as debugfs shows it for @r. */
static bool same_numbers(const struct kn_record *r, const struct kn_ch_doll *d)
{
	static const char *const keys[] = { "pid", "vcpus", "mem", "guest_ns",
					    "exits", "reflected" };
	const uint64_t want[] = { d->pid, d->vcpus, d->mem, d->guest_ns,
				  d->exits, d->reflected };
	bool same = true;

	for (unsigned int i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (r && kn_record_u64(r, keys[i]) == want[i])
			continue;
		kn_diag("doll %u: %s=%lu, reported %lu", d->id, keys[i],
			r ? kn_record_u64(r, keys[i]) : 0, want[i]);
		same = false;
	}
	return same;
}

/* Our context doll at @ctx: "runs=<id>" or "runs=<id>+guests". */
static bool runs(const struct kn_records *rs, uint64_t vm, uint64_t ctx,
		 uint64_t id, bool guests, uint64_t *exits)
{
	char want[48];

	snprintf(want, sizeof(want), "%lu%s", id, guests ? "+guests" : "");
	for (unsigned int i = 0; i < rs->nr; i++) {
		const struct kn_record *r = &rs->r[i];
		const char *kind = kn_record_get(r, "kind"), *got;

		if (!kind || strcmp(kind, "ctx") || kn_record_u64(r, "parent") != vm ||
		    kn_record_u64(r, "ctx") != ctx)
			continue;
		got = kn_record_get(r, "runs");
		*exits = kn_record_u64(r, "exits");
		if (!got || strcmp(got, want))
			kn_diag("context %#lx: runs=%s, expected %s", ctx,
				got ? got : "(none)", want);
		return got && !strcmp(got, want);
	}
	kn_diag("no context doll at %#lx below doll %lu", ctx, vm);
	return false;
}

static void check_hello(int64_t ret, const struct kvm_nest_ch_hello *h,
			uint32_t depth)
{
	kn_ok(ret == 0, "HELLO version 1 returns %ld, expected 0", ret);
	kn_ok(h->version == KVM_NEST_CH_VERSION && h->features == 0 &&
	      h->depth == depth && h->reserved == 0,
	      "HELLO wrote back version=%u features=%#x depth=%u reserved=%u, expected 1 0 %u 0",
	      h->version, h->features, h->depth, h->reserved, depth);
}

/* Report A as debugfs shows it; @ids gets the ids the dolls got. */
static void check_first(const struct kn_records *rs, uint64_t vm, uint64_t ctx,
			const struct kn_ch_doll *d, uint64_t *ids)
{
	const struct kn_record *r[8], *a, *b, *c;
	unsigned int n = kn_records_below(rs, vm, "reported", r, 8);
	uint64_t exits = 0;
	bool ok;

	kn_ok(n == NR_DOLLS, "%u kind=reported dolls below our level-1 doll %lu, expected %u",
	      n, vm, NR_DOLLS);
	a = named(r, n, shown[D10]);
	b = named(r, n, shown[D11]);
	c = named(r, n, shown[D12]);
	ids[D10] = id_of(a);
	ids[D11] = id_of(b);
	ids[D12] = id_of(c);
	if (!kn_ok(a && b && c, "names shown as one printable word: %s %s %s",
		   shown[D10], shown[D11], shown[D12]) && rs->bad)
		kn_diag("%u unparsable lines, the first: %s", rs->bad, rs->first_bad);
	kn_ok(a && b && c && kn_record_u64(a, "level") == 2 &&
	      kn_record_u64(b, "level") == 3 && kn_record_u64(c, "level") == 2 &&
	      kn_record_u64(a, "parent") == vm && kn_record_u64(b, "parent") == id_of(a) &&
	      kn_record_u64(c, "parent") == vm,
	      "levels 2 3 2 (the child's plus one), parents %lu %lu %lu",
	      vm, id_of(a), vm);
	kn_ok(same_numbers(a, &d[D10]) & same_numbers(b, &d[D11]) &
	      same_numbers(c, &d[D12]), "pid vcpus mem guest_ns exits reflected as reported");
	ok = runs(rs, vm, ctx, id_of(a), false, &exits);
	kn_ok(ok && exits && kn_record_u64(a, "measured") == exits &&
	      kn_record_u64(a, "measured_guests") == 0 &&
	      kn_record_u64(c, "measured") == 0,
	      "our vmcb12 %#lx runs doll 10 (%lu), which measured its %lu exits",
	      ctx, id_of(a), exits);
}

/* Report B: doll 12 alone, with its old id and the new numbers. */
static void check_second(const struct kn_records *rs, uint64_t vm, uint64_t ctx,
			 const uint64_t *ids, const struct kn_ch_doll *d)
{
	const struct kn_record *r[8];
	uint64_t id12 = ids[D12];
	bool gone = !kn_records_find(rs, "doll", "id", ids[D10]) &&
		    !kn_records_find(rs, "doll", "id", ids[D11]);
	unsigned int n = kn_records_below(rs, vm, "reported", r, 8);
	const char *name = n ? kn_record_get(r[0], "name") : NULL;
	uint64_t exits = 0;
	bool ok;

	kn_ok(n == 1 && id_of(r[0]) == id12 && gone,
	      "%u reported doll(s) left, id %lu, expected 1 with id %lu; dolls %lu and %lu %s",
	      n, n ? id_of(r[0]) : 0, id12, ids[D10], ids[D11],
	      gone ? "gone" : "still there");
	ok = runs(rs, vm, ctx, id12, true, &exits);

	kn_ok(ok && exits && n && same_numbers(r[0], d) &&
	      name && !strcmp(name, "twelve_again") &&
	      kn_record_u64(r[0], "measured_guests") == exits &&
	      kn_record_u64(r[0], "measured") == 0,
	      "doll 12 took the new name and numbers; vmcb12 %#lx runs its guests (%lu exits)",
	      ctx, exits);
}

/* The other views, with a reported doll deeper than this kernel's levels. */
static void check_views(void)
{
	struct kn_records levels, hooks;

	kn_records_read(&levels, "levels");
	kn_records_read(&hooks, "hooks");
	kn_ok(!levels.bad && !hooks.bad &&
	      kn_records_find(&levels, "", "level", 1) &&
	      kn_records_find(&levels, "", "level", 2) && hooks.nr,
	      "levels (%u lines) and hooks (%u lines) read with a level-3 doll present",
	      levels.nr, hooks.nr);
	kn_records_free(&levels);
	kn_records_free(&hooks);
}

/* A fresh VM: no REPORT before a HELLO, nor after a failed one. */
static void check_fresh(const struct kn_ch_doll *d)
{
	struct kn_records rs;
	const struct kn_record *vm, *r[8];
	int64_t early, bad, late;
	struct ch c;
	unsigned int n = 0;

	ch_up(&c, MEM_FRESH, NULL);
	early = report(&c, d, NR_DOLLS);
	bad = hello(&c, 0);
	late = report(&c, d, NR_DOLLS);
	kn_ok(early == -KVM_NEST_EPROTO && bad == -KVM_NEST_EINVAL &&
	      late == -KVM_NEST_EPROTO,
	      "fresh VM: REPORT %ld, HELLO version 0 %ld, REPORT %ld; expected -71 -22 -71",
	      early, bad, late);
	kn_records_read(&rs, "dolls");
	vm = our_vm(&rs, MEM_FRESH);
	if (vm)
		n = kn_records_below(&rs, id_of(vm), NULL, r, 8);
	kn_ok(vm && n == 0, "the fresh VM's doll %lu has %u dolls below it, expected 0",
	      id_of(vm), n);
	kn_records_free(&rs);
	kn_hypercall_end(&c.q);
	kn_vm_destroy(&c.vm);
}

/* After our VM is gone: nothing of it, nor any of its reported dolls. */
static void check_gone(uint64_t vm, const uint64_t *ids, unsigned int nr)
{
	unsigned int left = 0, i;
	struct kn_records rs;

	for (i = 0;; i++) {
		kn_records_read(&rs, "dolls");
		if (!kn_records_find(&rs, "doll", "id", vm) || i == POLL_MAX)
			break;
		kn_records_free(&rs);
		usleep(POLL_US);
	}
	for (i = 0; i < nr; i++)
		left += !!kn_records_find(&rs, "doll", "id", ids[i]);
	left += !!kn_records_find(&rs, "doll", "parent", vm);
	kn_ok(!kn_records_find(&rs, "doll", "id", vm) && !left,
	      "VM gone: its doll %lu %s, %u of its reported dolls or children left",
	      vm, kn_records_find(&rs, "doll", "id", vm) ? "stays" : "went", left);
	kn_records_free(&rs);
}

/* Reported contexts: @ctx is the vmcb12 our L1 ran its L2 with. */
static uint64_t self10[2], nested10[] = { 0x9000 }, self12[] = { 0xa000 };
static uint64_t nested12[1];

static struct kn_ch_doll first[NR_DOLLS] = {
	[D10] = { .id = 10, .parent = 0, .level = 1, .have = KN_CH_ALL,
		  .name = "ten ten", .pid = 4242, .vcpus = 2, .mem = 64UL << 20,
		  .guest_ns = 123456789, .exits = 1000, .reflected = 10,
		  .nr_self = 2, .self = self10, .nr_nested = 1, .nested = nested10 },
	[D11] = { .id = 11, .parent = 10, .level = 2, .have = KN_CH_ALL,
		  .name = "el\x01" "ev\x7f" "en", .pid = 4343, .vcpus = 1,
		  .mem = 16UL << 20, .guest_ns = 5555, .exits = 111, .reflected = 11 },
	[D12] = { .id = 12, .parent = 0, .level = 1, .have = KN_CH_ALL,
		  .name = NAME63, .pid = 4444, .vcpus = 4, .mem = 1UL << 30,
		  .guest_ns = 1UL << 40, .exits = 1UL << 33, .reflected = 12,
		  .nr_self = 1, .self = self12 },
};

/* Doll 12 alone, all its numbers changed, now running its guests on ctx. */
static struct kn_ch_doll second = {
	.id = 12, .parent = 0, .level = 1, .have = KN_CH_ALL,
	.name = "twelve again", .pid = 4545, .vcpus = 3, .mem = 2UL << 30,
	.guest_ns = 7, .exits = 99, .reflected = 9,
	.nr_nested = 1, .nested = nested12,
};

static uint32_t parse_depth(int argc, char **argv)
{
	uint32_t depth = 1;
	int opt;

	while ((opt = getopt(argc, argv, "d:")) != -1) {
		if (opt != 'd')
			kn_bail("usage: %s [-d DEPTH]", argv[0]);
		depth = (uint32_t)kn_arg_ulong(optarg, "-d");
	}
	return depth;
}

int main(int argc, char **argv)
{
	uint32_t depth = parse_depth(argc, argv);
	uint64_t ctx, vm, ids[NR_DOLLS] = { 0 };
	const struct kn_record *r;
	const char *why;
	struct kn_records rs;
	int64_t ret;
	struct ch c;

	ch_up(&c, KN_MEM_DEFAULT, l1_main);
	kn_vm_require_nested(&c.vm);
	if (!kn_accounting(&why))
		kn_skip_rest("%s", why);
	kn_plan(15);
	ctx = kn_vcpu_expect(c.q.vcpu, KN_UC_SYNC);
	self10[0] = nested12[0] = ctx;
	self10[1] = 0x7000;

	ret = hello(&c, KVM_NEST_CH_VERSION);
	check_hello(ret, c.h, depth);
	ret = report(&c, first, NR_DOLLS);
	kn_ok(ret == 0, "REPORT of dolls 10, 11, 12 returns %ld, expected 0", ret);
	kn_records_read(&rs, "dolls");
	r = our_vm(&rs, KN_MEM_DEFAULT);
	vm = id_of(r);
	if (!r)
		kn_diag("no level-1 doll of pid %d with %lu bytes", getpid(), KN_MEM_DEFAULT);
	check_first(&rs, vm, ctx, first, ids);
	kn_records_free(&rs);
	check_views();

	ret = report(&c, &second, 1);
	kn_ok(ret == 0, "REPORT of doll 12 alone returns %ld, expected 0", ret);
	kn_records_read(&rs, "dolls");
	check_second(&rs, vm, ctx, ids, &second);
	kn_records_free(&rs);

	check_fresh(first);
	kn_hypercall_end(&c.q);
	kn_vm_destroy(&c.vm);
	check_gone(vm, ids, NR_DOLLS);
	kn_finish();
}
