// SPDX-License-Identifier: GPL-2.0
/*
 * Doll ids a guest cannot steer (Documentation/security.rst, "Doll ids").
 * Guest code churns ids through channel REPORTs:
 *  - wrap: with id_start near the top of the u32 space, VM B reports a
 *    stable doll and 100 new ones per report, across 4294967295 and back
 *    to 1, while VM A, made after B, holds a low id. After every report,
 *    every live id is held by one doll only, none is 0, A keeps its id
 *    and the stable doll its own; the ids did wrap below B's; right after
 *    the wrap, a PING of VM A is answered here, no hop, and nothing goes
 *    down B's channel (B comes first in the registry: a reported doll
 *    sharing A's id would be found first);
 *  - routing: a PING of a reported doll, post-wrap ones included, goes
 *    down B's channel with the child's own id for it (guest code fetches
 *    the command and answers it), one hop; an ENV_SET of a reported doll
 *    is routed likewise, never applied here;
 *  - budget: a fresh VM C reports 256 new dolls at a time until refused;
 *    it gets its burst (4096 ids) and at most what refilled meanwhile,
 *    the refused report changes nothing, debugfs and netlink count exactly
 *    the ids it had and the one refusal, a report of known dolls still passes, and a
 *    second later 256 new ids pass again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kn_chan_report.h"
#include "kn_doll_netlink.h"
#include "kn_dolls.h"
#include "kn_genl.h"
#include "kn_hypercall.h"
#include "kn_record.h"
#include "kn_tap.h"
#include "kn_time.h"
#include "kn_vm.h"

#define PARAM		"/sys/module/kvm_nest/parameters/id_start"
#define MEM_A		(24UL << 20)
#define MEM_B		(28UL << 20)
#define MEM_C		(20UL << 20)
#define BUF_SIZE	(16UL << 10)
#define FETCH_SIZE	4096
#define TOP_LEFT	200		/* ids above B's before the wrap */
#define CHURN		100		/* new dolls per report */
#define CHURNS		4
#define STABLE_RID	1
/* kvm-nest/doll_id.h: KN_ID_BURST, KN_ID_RATE. */
#define ID_BURST	4096
#define ID_RATE		256
#define PER_REPORT	KVM_NEST_CH_MAX_DOLLS
#define MAX_REPORTS	64
#define MAX_IDS		4096

struct ch {
	struct kn_vm vm;
	struct kn_hypercall_queue q;
	uint64_t hello, buf, fetch;	/* guest addresses */
	struct kn_nla b;
};

static void ch_up(struct ch *c, uint64_t mem)
{
	struct kvm_nest_ch_hello *h;
	int64_t ret;

	kn_vm_create(&c->vm, mem);
	c->hello = kn_vm_alloc(&c->vm, sizeof(*h));
	c->buf = kn_vm_alloc(&c->vm, BUF_SIZE);
	c->fetch = kn_vm_alloc(&c->vm, FETCH_SIZE);
	kn_hypercall_init(&c->q, &c->vm, 4, NULL);
	h = kn_gpa(&c->vm, c->hello, sizeof(*h));
	*h = (struct kvm_nest_ch_hello){ .version = KVM_NEST_CH_VERSION };
	kn_hypercall_add(&c->q, KVM_NEST_HC, KVM_NEST_CH_HELLO, c->hello, sizeof(*h));
	kn_hypercall_flush(&c->q);
	ret = c->q.calls[0].ret;
	if (ret)
		kn_bail("HELLO returned %ld, expected 0", ret);
}

static void ch_down(struct ch *c)
{
	kn_hypercall_end(&c->q);
	kn_vm_destroy(&c->vm);
}

static int64_t call(struct ch *c, uint64_t op, uint64_t gpa, uint64_t len)
{
	kn_hypercall_add(&c->q, KVM_NEST_HC, op, gpa, len);
	kn_hypercall_flush(&c->q);
	return c->q.calls[0].ret;
}

/* Level-1 dolls with child ids @rids[0..n). */
static int64_t report(struct ch *c, const uint32_t *rids, unsigned int n)
{
	struct kn_ch_doll d = { .level = 1, .have = KN_CH_NEEDED };

	kn_nla_init(&c->b, kn_gpa(&c->vm, c->buf, BUF_SIZE), BUF_SIZE);
	for (unsigned int i = 0; i < n; i++) {
		d.id = rids[i];
		kn_ch_put_doll(&c->b, &d);
	}
	return call(c, KVM_NEST_CH_REPORT, c->buf, c->b.len);
}

static void param_write(uint64_t v)
{
	char s[32];
	int fd = open(PARAM, O_WRONLY);
	int n = snprintf(s, sizeof(s), "%lu\n", v);

	if (fd < 0 || write(fd, s, (size_t)n) != n)
		kn_bail("cannot write %s: %s", PARAM, strerror(errno));
	close(fd);
}

static uint64_t param_read(void)
{
	char s[32] = "";
	int fd = open(PARAM, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, s, sizeof(s) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		kn_bail("cannot read %s", PARAM);
	return strtoull(s, NULL, 0);
}

static uint64_t id_of(const struct kn_record *r)
{
	return r ? kn_record_u64(r, "id") : 0;
}

/* Our VM with @mem bytes: its debugfs record in @rs, or NULL. */
static const struct kn_record *vm_rec(const struct kn_records *rs, uint64_t mem)
{
	return kn_records_vm(rs, (uint64_t)getpid(), mem);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Ids held by more than one live doll, and ids 0, in @rs. */
static unsigned int id_clashes(const struct kn_records *rs, uint64_t *first)
{
	static uint64_t ids[8192];
	unsigned int n = 0, bad = 0;

	for (unsigned int i = 0; i < rs->nr && n < 8192; i++)
		if (!strcmp(kn_record_word(&rs->r[i]), "doll"))
			ids[n++] = id_of(&rs->r[i]);
	qsort(ids, n, sizeof(ids[0]), cmp_u64);
	*first = 0;
	for (unsigned int i = 0; i < n; i++) {
		if (ids[i] && (!i || ids[i] != ids[i - 1]))
			continue;
		if (!bad++)
			*first = ids[i];
	}
	return bad;
}

/* What the churn saw: reported dolls are listed in the order reported. */
struct churn {
	uint64_t a, b, stable;		/* ids of VM A, VM B, the stable doll */
	unsigned int clashes, moved, wrapped;
	uint64_t clash, low;		/* the first clash; a post-wrap id */
	uint32_t low_rid;
};

static void check_churn(struct churn *ch, const uint32_t *rids, unsigned int n)
{
	const struct kn_record *below[CHURN + 1], *a;
	struct kn_records rs;
	uint64_t first;
	unsigned int m, clashes;

	kn_records_read(&rs, "dolls");
	clashes = id_clashes(&rs, &first);
	if (clashes && !ch->clashes++)
		ch->clash = first;
	a = kn_records_find(&rs, "doll", "id", ch->a);
	if (!a || strcmp(kn_record_get(a, "kind"), "vm") ||
	    kn_record_u64(a, "mem") != MEM_A)
		ch->moved++;
	m = kn_records_below(&rs, ch->b, "reported", below, CHURN + 1);
	if (m != n) {
		ch->moved++;
		kn_diag("%u reported dolls below B (%lu), expected %u", m, ch->b, n);
	}
	/* Report order is kept: the stable doll first, then the churned. */
	for (unsigned int i = 0; i < m && i < n; i++) {
		uint64_t id = id_of(below[i]);

		if (!i && !ch->stable)
			ch->stable = id;
		if (!i && id != ch->stable)
			ch->moved++;
		if (id < ch->b && id) {
			ch->wrapped++;
			ch->low = id;
			ch->low_rid = rids[i];
		}
	}
	kn_records_free(&rs);
}

static bool ping_a(struct ch *b, const struct churn *ch);

static void churn(struct ch *b, struct churn *ch)
{
	uint32_t rids[CHURN + 1];
	int64_t ret;
	unsigned int fails = 0;
	bool pinged = false, local = false;

	rids[0] = STABLE_RID;
	for (unsigned int r = 0; r < CHURNS; r++) {
		for (unsigned int i = 1; i <= CHURN; i++)
			rids[i] = 1000 + r * CHURN + i;
		ret = report(b, rids, CHURN + 1);
		if (ret) {
			fails++;
			kn_diag("churn report %u returned %ld", r, ret);
		}
		check_churn(ch, rids, CHURN + 1);
		/* Right after the wrap: the ids next to A's were just handed out. */
		if (ch->wrapped && !pinged) {
			pinged = true;
			local = ping_a(b, ch);
		}
	}
	kn_ok(!fails, "%u reports of the stable doll and %u new ones each taken",
	      CHURNS, CHURN);
	kn_ok(!ch->clashes,
	      "no live id held twice, none 0, after each report (%u reports with a clash, the first on id %lu)",
	      ch->clashes, ch->clash);
	kn_ok(ch->wrapped && ch->stable && !ch->moved,
	      "ids wrapped below B's %lu (%u reported dolls did, e.g. %lu); A keeps %lu, the stable doll %lu (%u moves)",
	      ch->b, ch->wrapped, ch->low, ch->a, ch->stable, ch->moved);
	kn_ok(pinged && local,
	      "right after the wrap, PING of VM A (%lu) was answered here, no hop, nothing down B's channel",
	      ch->a);
}

/* A command fetched by the guest: its cookie and the doll it names. */
struct cmd {
	uint64_t cookie;
	uint32_t op, id;
	bool seen;
};

static void parse_fetch(const uint8_t *buf, int64_t len, struct cmd *c)
{
	kn_nla_for_each(a, buf, (size_t)len) {
		if (kn_nla_type(a) != KVM_NEST_CH_A_CMD)
			continue;
		kn_nla_for_each(in, kn_nla_data(a), kn_nla_len(a)) {
			if (kn_nla_type(in) == KVM_NEST_A_DOLL_COOKIE)
				memcpy(&c->cookie, kn_nla_data(in), 8);
			else if (kn_nla_type(in) == KVM_NEST_CH_A_OP)
				memcpy(&c->op, kn_nla_data(in), 4);
			else if (kn_nla_type(in) == KVM_NEST_A_DOLL_ID)
				memcpy(&c->id, kn_nla_data(in), 4);
		}
		c->seen = true;
		return;
	}
}

/* The guest fetches until a command comes (@tries, 20 ms apart), answers 0. */
static struct cmd serve_one(struct ch *b, int tries)
{
	struct cmd c = { 0 };
	uint8_t *reply = kn_gpa(&b->vm, b->buf, 256);
	struct kn_nla n;
	int64_t len;

	for (int i = 0; i < tries && !c.seen; i++) {
		len = call(b, KVM_NEST_CH_FETCH, b->fetch, FETCH_SIZE);
		if (len > 0)
			parse_fetch(kn_gpa(&b->vm, b->fetch, FETCH_SIZE), len, &c);
		if (!c.seen)
			usleep(20000);
	}
	if (!c.seen)
		return c;
	kn_nla_init(&n, reply, 256);
	kn_nla_u64(&n, KVM_NEST_A_DOLL_COOKIE, c.cookie);
	kn_nla_u32(&n, KVM_NEST_A_DOLL_ERROR, 0);
	kn_nla_u32(&n, KVM_NEST_A_DOLL_HOPS, 0);
	if (call(b, KVM_NEST_CH_REPLY, b->buf, n.len))
		c.seen = false;
	return c;
}

/* What the queued request's outcome (RESULT_NTF) said. */
struct outcome {
	uint32_t hops;
	bool queued, done;
	int error;
};

static bool outcome_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct genlmsghdr *gh = NLMSG_DATA(nlh);
	struct outcome *o = arg;
	size_t len;
	const void *attrs = kn_genl_attrs(nlh, &len);

	kn_nla_for_each(a, attrs, len) {
		if (kn_nla_type(a) == KVM_NEST_A_DOLL_HOPS)
			memcpy(&o->hops, kn_nla_data(a), 4);
		if (kn_nla_type(a) == KVM_NEST_A_DOLL_COOKIE)
			o->queued = true;
		if (kn_nla_type(a) == KVM_NEST_A_DOLL_ERROR &&
		    gh->cmd == KVM_NEST_CMD_RESULT_NTF) {
			o->done = true;
			o->error = -*(const int *)kn_nla_data(a);
		}
	}
	return true;
}

/*
 * Netlink @cmd on doll @id from a child process; its exit status is
 * 0 on success with the hops in the low bits, else 255.
 */
static pid_t nl_start(uint8_t cmd, uint32_t id)
{
	static struct kn_genl g;
	struct kn_genl_msg m;
	struct kn_genl_ack ack;
	struct outcome o = { .hops = 100 };
	pid_t pid = fork();

	if (pid)
		return pid;
	if (kn_genl_open(&g, KVM_NEST_GENL_NAME))
		_exit(255);
	kn_genl_msg_init(&m, g.family, 0, cmd, KVM_NEST_GENL_VERSION);
	kn_genl_put_u32(&m, KVM_NEST_A_DOLL_ID, id);
	if (cmd == KVM_NEST_CMD_ENV_SET) {
		uint8_t nest[16];
		struct kn_nla b;

		kn_nla_init(&b, nest, sizeof(nest));
		kn_nla_u32(&b, KVM_NEST_A_ENV_CPU_WEIGHT, 200);
		kn_genl_put(&m, KVM_NEST_A_DOLL_ENV | NLA_F_NESTED, nest,
			    (uint16_t)b.len);
		kn_genl_put(&m, KVM_NEST_A_DOLL_DRY_RUN, NULL, 0);
	}
	kn_genl_xfer(&g, &m, outcome_cb, &o, &ack);
	/* Queued: the outcome follows as RESULT_NTF. */
	if (!ack.error && o.queued && !o.done &&
	    kn_genl_wait(&g, KVM_NEST_CMD_RESULT_NTF, 20000, outcome_cb, &o))
		ack.error = -ETIME;
	if (!ack.error && o.done)
		ack.error = o.error;
	if (ack.error)
		fprintf(stderr, "# netlink %u on doll %u: %d %s\n", cmd, id,
			ack.error, ack.msg);
	_exit(ack.error ? 255 : cmd == KVM_NEST_CMD_PING ? (int)o.hops : 0);
}

static int nl_end(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 255;
	return WEXITSTATUS(st);
}

/* @cmd on reported doll @id: down B's channel, with the child's @rid. */
static bool routed_down(struct ch *b, uint8_t cmd, uint64_t id, uint32_t rid)
{
	pid_t pid = nl_start(cmd, (uint32_t)id);
	struct cmd c = serve_one(b, 500);
	int st = nl_end(pid);
	bool ok = c.seen && c.op == cmd && c.id == rid &&
		  st == (cmd == KVM_NEST_CMD_PING ? 1 : 0);

	if (!ok)
		kn_diag("%s of doll %lu: fetched %s, op %u id %u (expected %u), status %d",
			cmd == KVM_NEST_CMD_PING ? "PING" : "ENV_SET", id,
			c.seen ? "a command" : "nothing", c.op, c.id, rid, st);
	return ok;
}

/* B comes before A in the registry: a clash would reach B first. */
static bool ping_a(struct ch *b, const struct churn *ch)
{
	pid_t pid = nl_start(KVM_NEST_CMD_PING, (uint32_t)ch->a);
	struct cmd c = serve_one(b, 50);
	int st = nl_end(pid);

	if (st || c.seen)
		kn_diag("PING of VM A (%lu): status %d (hops or 255), %s down B's channel (id %u)",
			ch->a, st, c.seen ? "a command came" : "none came", c.id);
	return !st && !c.seen;
}

static void routing(struct ch *b, const struct churn *ch)
{
	kn_ok(routed_down(b, KVM_NEST_CMD_PING, ch->stable, STABLE_RID) &&
	      routed_down(b, KVM_NEST_CMD_PING, ch->low, ch->low_rid),
	      "PING of reported dolls %lu and %lu (post-wrap) went down B's channel as child ids %u and %u, one hop",
	      ch->stable, ch->low, STABLE_RID, ch->low_rid);
	kn_ok(routed_down(b, KVM_NEST_CMD_ENV_SET, ch->low, ch->low_rid),
	      "ENV_SET (dry run) of reported doll %lu went down B's channel, not applied here",
	      ch->low);
}

/* C's doll: its counters and how many reported dolls it has. */
static uint32_t c_id;

static void c_state(uint64_t *minted, uint64_t *refused, unsigned int *dolls,
		    uint32_t *first_id)
{
	static const struct kn_record *below[PER_REPORT + 1];
	const struct kn_record *r;
	struct kn_records rs;

	kn_records_read(&rs, "dolls");
	r = vm_rec(&rs, MEM_C);
	c_id = (uint32_t)id_of(r);
	*minted = r ? kn_record_u64(r, "ids_minted") : KN_RECORD_NONE;
	*refused = r ? kn_record_u64(r, "ids_refused") : KN_RECORD_NONE;
	*dolls = r ? kn_records_below(&rs, id_of(r), "reported", below,
				   PER_REPORT + 1) : 0;
	*first_id = *dolls ? (uint32_t)id_of(below[0]) : 0;
	kn_records_free(&rs);
}

static void fill(uint32_t *rids, unsigned int k)
{
	for (unsigned int i = 0; i < PER_REPORT; i++)
		rids[i] = 1 + k * PER_REPORT + i;
}

static void budget(void)
{
	uint32_t rids[PER_REPORT], first, first2;
	uint64_t minted, refused, t0, dt, nl_minted = 0, nl_refused = 0;
	unsigned int k, dolls, dolls2, extra;
	int64_t ret = 0, again, later;
	int err;
	struct ch c;

	ch_up(&c, MEM_C);
	t0 = kn_now_ns();
	for (k = 0; k < MAX_REPORTS; k++) {
		fill(rids, k);
		ret = report(&c, rids, PER_REPORT);
		if (ret)
			break;
	}
	dt = kn_now_ns() - t0;
	c_state(&minted, &refused, &dolls, &first);
	/* Refill meanwhile: at most ID_RATE a second, in whole reports. */
	extra = (unsigned int)(dt * ID_RATE / KN_NSEC / PER_REPORT) + 1;
	kn_ok(ret == -KVM_NEST_EBUSY && k >= ID_BURST / PER_REPORT &&
	      k <= ID_BURST / PER_REPORT + extra,
	      "report %u of %u new dolls refused with %ld (-16) after %u taken in %.2f s (burst %u, at most %u more)",
	      k + 1, PER_REPORT, ret, k, (double)dt / KN_NSEC,
	      ID_BURST / PER_REPORT, extra);
	err = kn_doll_netlink_u64(c_id, KVM_NEST_A_DOLL_IDS_MINTED, &nl_minted) ?:
	      kn_doll_netlink_u64(c_id, KVM_NEST_A_DOLL_IDS_REFUSED, &nl_refused);
	kn_ok(minted == (uint64_t)k * PER_REPORT && refused == 1 && !err &&
	      nl_minted == minted && nl_refused == refused,
	      "debugfs: ids_minted=%lu ids_refused=%lu, expected %u and 1; netlink (%d) %lu %lu",
	      minted, refused, k * PER_REPORT, err, nl_minted, nl_refused);

	/* The last report taken, again: no new id, so no token needed. */
	fill(rids, k - 1);
	again = report(&c, rids, PER_REPORT);
	c_state(&minted, &refused, &dolls2, &first2);
	kn_ok(dolls == PER_REPORT && again == 0 && dolls2 == PER_REPORT &&
	      first2 == first && minted == (uint64_t)k * PER_REPORT,
	      "the refused report changed nothing (%u dolls); the last one again returns %ld and keeps its ids (%u dolls, first id %u then %u)",
	      dolls, again, dolls2, first, first2);

	usleep(1100000);	/* a report's worth of tokens, and some */
	fill(rids, k + 1);
	later = report(&c, rids, PER_REPORT);
	c_state(&minted, &refused, &dolls, &first);
	kn_ok(later == 0 && minted == (uint64_t)(k + 1) * PER_REPORT &&
	      refused == 1,
	      "1.1 s later %u new dolls pass (%ld): ids_minted=%lu ids_refused=%lu",
	      PER_REPORT, later, minted, refused);
	ch_down(&c);
}

int main(void)
{
	struct churn ch = { 0 };
	const struct kn_record *r;
	uint64_t saved;
	struct kn_records rs;
	const char *why;
	struct kn_vm a;
	struct ch b;

	kn_vm_create(&a, MEM_A);	/* skips without KVM */
	kn_vm_destroy(&a);
	if (!kn_accounting(&why))
		kn_skip_rest("%s", why);
	if (access(PARAM, W_OK))
		kn_skip_rest("no writable %s: kvm-nest without the id_start test aid",
			     PARAM);
	kn_plan(10);
	saved = param_read();

	/* B near the top, then A low; B's dolls go on from B's id. */
	param_write(UINT32_MAX - TOP_LEFT + 1);
	ch_up(&b, MEM_B);
	param_write(1);
	kn_vm_create(&a, MEM_A);
	kn_records_read(&rs, "dolls");
	r = vm_rec(&rs, MEM_A);
	ch.a = id_of(r);
	r = vm_rec(&rs, MEM_B);
	ch.b = id_of(r);
	kn_records_free(&rs);
	param_write(ch.b + 1);
	kn_diag("VM A has id %lu, VM B %lu", ch.a, ch.b);
	if (!ch.a || !ch.b || ch.b < UINT32_MAX - TOP_LEFT)
		kn_bail("VM A got id %lu, VM B %lu; expected a low one and one near 4294967295",
			ch.a, ch.b);

	churn(&b, &ch);
	routing(&b, &ch);
	ch_down(&b);
	kn_vm_destroy(&a);
	budget();
	param_write(saved);
	kn_finish();
}
