// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink load of the stress run (make stress): -n requests (20000 by
 * default) to the kvm_nest family from a seeded PRNG, half random (any
 * command, 0 to 6 attributes of any type, length and nesting) and half
 * mutated from a well-formed request of one of the family's commands
 * (bytes flipped, values set to edges, attributes cut, doubled or
 * retyped). A share (-u percent, 50 by default) is sent by a child running
 * as nobody. Every request must be answered (an ack or a dump's end within
 * 10 s); as nobody no command that changes state may ever succeed; the
 * kernel log must stay free of WARN/BUG/Oops.
 *
 * The module may be unloaded and loaded under us (stress.sh cycles it):
 * when the family is gone, requests are not counted and the family is
 * looked up again until it is back.
 *
 * Doll ids are drawn far above those of the running VMs, so that no
 * mutated env-set reaches the agent of a doll of the other loads.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "kn_genl.h"
#include "kn_nobody.h"
#include "kn_kmsg.h"
#include "kn_prng.h"
#include "kn_tap.h"
#include "kn_time.h"

#define NAMES		8	/* pending envelopes: "kn-stress-0" to -7 */
#define MAX_TYPE	(KVM_NEST_A_DOLL_MAX + 3)

struct counts {
	uint64_t sent, answered, ok, failed, absent, unanswered;
	uint64_t unpriv_sent, unpriv_changed, lookups;
	uint64_t by_cmd[KVM_NEST_CMD_MAX + 2];	/* the last: unknown ones */
	uint64_t ns;
	char first[160];
};

struct opts {
	unsigned long n;
	uint64_t seed;
	unsigned int unpriv;
};

static bool changes_state(uint8_t cmd)
{
	switch (cmd) {
	case KVM_NEST_CMD_STATS_RESET:
	case KVM_NEST_CMD_ENV_SET:
	case KVM_NEST_CMD_ENV_DEL:
	case KVM_NEST_CMD_PING:
	case KVM_NEST_CMD_AGENT_DONE:
	case KVM_NEST_CMD_DELEG_SET:
		return true;
	}
	return false;
}

/* An id no VM of this run reaches: 0, the top, or above 2^24. */
static uint32_t far_id(struct kn_prng *p)
{
	switch (kn_below(p, 4)) {
	case 0:
		return 0;
	case 1:
		return ~0u - (uint32_t)kn_below(p, 16);
	default:
		return (uint32_t)kn_range(p, 1u << 24, ~0u);
	}
}

static void put_u64(struct kn_genl_msg *m, uint16_t type, uint64_t v)
{
	kn_genl_put(m, type, &v, sizeof(v));
}

static void put_str(struct kn_genl_msg *m, uint16_t type, const char *s)
{
	kn_genl_put(m, type, s, (uint16_t)(strlen(s) + 1));
}

static void put_name(struct kn_prng *p, struct kn_genl_msg *m)
{
	char name[32];

	snprintf(name, sizeof(name), "kn-stress-%u", (unsigned int)kn_below(p, NAMES));
	put_str(m, KVM_NEST_A_DOLL_NAME, name);
}

/* Close the nest opened at @off (kn_genl_put of 0 bytes). */
static void end_nest(struct kn_genl_msg *m, long off)
{
	struct nlattr *a = (void *)(m->bytes + off);

	a->nla_type |= NLA_F_NESTED;
	a->nla_len = (uint16_t)(m->nlh.nlmsg_len - off);
}

static void put_env(struct kn_prng *p, struct kn_genl_msg *m)
{
	static const char *const cpus[] = { "0", "0-1", "", "0,2-3", "63" };
	long nest = kn_genl_put(m, KVM_NEST_A_DOLL_ENV, NULL, 0);

	if (kn_one_in(p, 2))
		kn_genl_put_u32(m, KVM_NEST_A_ENV_CPU_LIMIT, (uint32_t)kn_below(p, 4000));
	if (kn_one_in(p, 3))
		kn_genl_put_u32(m, KVM_NEST_A_ENV_CPU_RESERVE, (uint32_t)kn_below(p, 2000));
	if (kn_one_in(p, 2))
		kn_genl_put_u32(m, KVM_NEST_A_ENV_CPU_WEIGHT, (uint32_t)kn_below(p, 10002));
	if (kn_one_in(p, 4))
		put_str(m, KVM_NEST_A_ENV_CPUS, cpus[kn_below(p, 5)]);
	if (kn_one_in(p, 2))
		put_u64(m, KVM_NEST_A_ENV_MEM_LIMIT, kn_below(p, 8ULL << 30));
	if (kn_one_in(p, 3))
		put_u64(m, KVM_NEST_A_ENV_MEM_RESERVE, kn_below(p, 2ULL << 30));
	end_nest(m, nest);
}

/* A well-formed request of @cmd (what its uapi comment describes). */
static bool valid(struct kn_prng *p, struct kn_genl_msg *m, uint16_t family,
		  uint8_t cmd)
{
	bool dump = false;

	switch (cmd) {
	case KVM_NEST_CMD_DOLL_GET:
	case KVM_NEST_CMD_LEVEL_GET:
		dump = cmd == KVM_NEST_CMD_LEVEL_GET || kn_one_in(p, 2);
		break;
	}
	kn_genl_msg_init(m, family, dump ? NLM_F_DUMP : 0, cmd, KVM_NEST_GENL_VERSION);
	switch (cmd) {
	case KVM_NEST_CMD_DOLL_GET:
		if (!dump)
			kn_genl_put_u32(m, KVM_NEST_A_DOLL_ID, far_id(p));
		break;
	case KVM_NEST_CMD_STATS_RESET:
		/* Without an id it would reset every doll: keep it rare. */
		if (!kn_one_in(p, 50))
			kn_genl_put_u32(m, KVM_NEST_A_DOLL_ID, far_id(p));
		break;
	case KVM_NEST_CMD_ENV_SET:
		if (kn_one_in(p, 2))
			kn_genl_put_u32(m, KVM_NEST_A_DOLL_ID, far_id(p));
		else
			put_name(p, m);
		put_env(p, m);
		if (kn_one_in(p, 3))
			kn_genl_put(m, KVM_NEST_A_DOLL_DRY_RUN, NULL, 0);
		break;
	case KVM_NEST_CMD_ENV_DEL:
		if (kn_one_in(p, 2))
			kn_genl_put_u32(m, KVM_NEST_A_DOLL_ID, far_id(p));
		else
			put_name(p, m);
		break;
	case KVM_NEST_CMD_PING:
		kn_genl_put_u32(m, KVM_NEST_A_DOLL_ID, far_id(p));
		break;
	case KVM_NEST_CMD_AGENT_DONE:
		put_u64(m, KVM_NEST_A_DOLL_COOKIE, kn_rand(p));
		kn_genl_put_u32(m, KVM_NEST_A_DOLL_ERROR, (uint32_t)kn_below(p, 140));
		if (kn_one_in(p, 2))
			put_str(m, KVM_NEST_A_DOLL_MSG, "stress");
		break;
	case KVM_NEST_CMD_DELEG_SET:
		kn_genl_put_u32(m, KVM_NEST_A_DOLL_ID, far_id(p));
		kn_genl_put_u32(m, KVM_NEST_A_DOLL_DELEG_CLASSES, (uint32_t)kn_range(p, 1, 7));
		kn_genl_put(m, KVM_NEST_A_DOLL_DELEG_ON, &(uint8_t){ (uint8_t)kn_below(p, 2) }, 1);
		break;
	case KVM_NEST_CMD_DOLL_NEW_NTF:
	case KVM_NEST_CMD_DOLL_DEL_NTF:
	case KVM_NEST_CMD_ENV_NTF:
	case KVM_NEST_CMD_LEVEL_NTF:
	case KVM_NEST_CMD_AGENT_APPLY:
		/* Notifications: what the kernel sends, sent back. */
		kn_genl_put_u32(m, KVM_NEST_A_DOLL_ID, far_id(p));
		put_str(m, KVM_NEST_A_DOLL_PATH, "1/2");
		break;
	}
	return dump;
}

/* Random attributes, maybe nested, of any type and length. */
static void random_attrs(struct kn_prng *p, struct kn_genl_msg *m, unsigned int depth)
{
	static uint8_t junk[512];
	unsigned int n = (unsigned int)kn_below(p, 7);

	for (unsigned int i = 0; i < n; i++) {
		uint16_t type = (uint16_t)kn_below(p, MAX_TYPE);
		static const uint16_t lens[] = { 0, 1, 2, 3, 4, 5, 8, 12, 16 };
		uint16_t len = kn_one_in(p, 4) ? (uint16_t)kn_below(p, sizeof(junk)) :
			       lens[kn_below(p, sizeof(lens) / sizeof(lens[0]))];

		if (kn_one_in(p, 64))
			type = (uint16_t)kn_rand(p) & NLA_TYPE_MASK;
		if (depth < 2 && kn_one_in(p, 5)) {
			long nest = kn_genl_put(m, type, NULL, 0);

			random_attrs(p, m, depth + 1);
			end_nest(m, nest);
			continue;
		}
		kn_rand_bytes(p, junk, len);
		if (len && kn_one_in(p, 3))
			junk[len - 1] = 0;	/* a string, maybe */
		kn_genl_put(m, type, junk, len);
	}
}

static const uint32_t edges[] = {
	0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
};

/* Changes to the attributes of @m (never its netlink header). */
static void mutate(struct kn_prng *p, struct kn_genl_msg *m)
{
	uint32_t start = NLMSG_HDRLEN, len = m->nlh.nlmsg_len - start;
	uint8_t *b = m->bytes + start;
	unsigned int n = (unsigned int)kn_range(p, 1, 4);

	for (unsigned int i = 0; i < n; i++) {
		uint32_t at = len ? (uint32_t)kn_below(p, len) : 0;

		switch (kn_below(p, 7)) {
		case 0:		/* flip a bit */
			if (len)
				b[at] ^= (uint8_t)(1u << kn_below(p, 8));
			break;
		case 1:		/* a random byte */
			if (len)
				b[at] = (uint8_t)kn_rand(p);
			break;
		case 2:		/* an edge value, 4-aligned */
			at &= ~3u;
			if (at + 4 <= len)
				memcpy(b + at, &edges[kn_below(p, sizeof(edges) / 4)], 4);
			break;
		case 3:		/* cut the end */
			if (len > GENL_HDRLEN) {
				len -= (uint32_t)kn_range(p, 1, len - GENL_HDRLEN);
				m->nlh.nlmsg_len = start + len;
			}
			break;
		case 4:		/* an attribute's length (16 bits at 4-aligned) */
			at &= ~3u;
			if (at + 2 <= len) {
				uint16_t v = (uint16_t)kn_below(p, len + 8);

				memcpy(b + at, &v, 2);
			}
			break;
		case 5:		/* the genl header's cmd, version or reserved */
			b[kn_below(p, GENL_HDRLEN)] = (uint8_t)kn_rand(p);
			break;
		default:	/* the first attribute again, at the end */
			if (len >= GENL_HDRLEN + 8 && len + 64 < KN_GENL_BUF - start) {
				uint32_t alen = NLA_ALIGN(((struct nlattr *)(b + GENL_HDRLEN))->nla_len);

				if (alen >= 4 && GENL_HDRLEN + alen <= len && alen <= 64) {
					memcpy(b + len, b + GENL_HDRLEN, alen);
					len += alen;
					m->nlh.nlmsg_len = start + len;
				}
			}
			break;
		}
	}
}

/* One request: random or mutated from a valid one. */
static void make(struct kn_prng *p, struct kn_genl_msg *m, uint16_t family)
{
	uint8_t cmd;

	if (kn_one_in(p, 2)) {
		cmd = (uint8_t)kn_below(p, KVM_NEST_CMD_MAX + 1);
		valid(p, m, family, cmd);
		if (!kn_one_in(p, 8))	/* an eighth stays well-formed */
			mutate(p, m);
	} else {
		cmd = kn_one_in(p, 16) ? (uint8_t)kn_rand(p) :
		      (uint8_t)kn_below(p, KVM_NEST_CMD_MAX + 1);
		kn_genl_msg_init(m, family, kn_one_in(p, 4) ? NLM_F_DUMP : 0, cmd,
				 (uint8_t)(kn_one_in(p, 8) ? kn_rand(p) : KVM_NEST_GENL_VERSION));
		random_attrs(p, m, 0);
	}
}

/* The family again, waiting while the module is away (at most 120 s). */
static bool lookup(struct kn_genl *g, struct counts *c)
{
	for (int i = 0; i < 6000; i++) {
		int err;

		kn_genl_close(g);
		err = kn_genl_open(g, KVM_NEST_GENL_NAME);
		c->lookups++;
		if (!err) {
			struct timeval tv = { 10, 0 };

			setsockopt(g->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			return true;
		}
		usleep(20000);
	}
	return false;
}

static void note(struct counts *c, const char *fmt, uint8_t cmd, int err)
{
	if (!*c->first)
		snprintf(c->first, sizeof(c->first), fmt, cmd, strerror(-err));
}

static void run(struct counts *c, uint64_t seed, unsigned long n, bool unpriv)
{
	static struct kn_genl g;
	static struct kn_genl_msg m;
	struct kn_prng p = { seed };
	uint64_t t0 = kn_now_ns();

	g.fd = -1;
	if (!lookup(&g, c))
		return;
	for (unsigned long i = 0; i < n;) {
		struct kn_genl_ack ack;
		uint8_t cmd;
		int err;

		make(&p, &m, g.family);
		cmd = ((struct genlmsghdr *)NLMSG_DATA(&m.nlh))->cmd;
		err = kn_genl_xfer(&g, &m, NULL, NULL, &ack);
		/* The family went away: no kvm-nest to ask. */
		if (err == -ENOENT && !*ack.msg && ack.offs < 0) {
			c->absent++;
			if (!lookup(&g, c))
				return;
			continue;
		}
		i++;
		c->sent++;
		c->by_cmd[cmd <= KVM_NEST_CMD_MAX ? cmd : KVM_NEST_CMD_MAX + 1]++;
		/* No answer read (timeout), or one that is not netlink. */
		if (!ack.reads || err == -EBADMSG) {
			c->unanswered++;
			note(c, "cmd %u: no answer: %s", cmd, err);
			lookup(&g, c);	/* a fresh socket: no stale answers */
			continue;
		}
		c->answered++;
		if (err)
			c->failed++;
		else
			c->ok++;
		if (unpriv) {
			c->unpriv_sent++;
			if (!err && changes_state(cmd)) {
				c->unpriv_changed++;
				note(c, "as nobody, cmd %u succeeded (%s)", cmd, 0);
			}
		}
	}
	c->ns = kn_now_ns() - t0;
	kn_genl_close(&g);
}

/* Drop the pending envelopes our env-sets by name may have left. */
static void cleanup(void)
{
	static struct kn_genl g;
	static struct kn_genl_msg m;
	struct kn_genl_ack ack;
	char name[32];

	if (kn_genl_open(&g, KVM_NEST_GENL_NAME))
		return;
	for (unsigned int i = 0; i < NAMES; i++) {
		snprintf(name, sizeof(name), "kn-stress-%u", i);
		kn_genl_msg_init(&m, g.family, 0, KVM_NEST_CMD_ENV_DEL, KVM_NEST_GENL_VERSION);
		put_str(&m, KVM_NEST_A_DOLL_NAME, name);
		kn_genl_xfer(&g, &m, NULL, NULL, &ack);
	}
	kn_genl_close(&g);
}

static void parse(int argc, char **argv, struct opts *o)
{
	int opt;

	o->n = 20000;
	o->seed = kn_now_ns() ^ (uint64_t)getpid() << 32;
	o->unpriv = 50;
	while ((opt = getopt(argc, argv, "n:s:u:")) != -1) {
		if (opt == 'n')
			o->n = kn_arg_ulong(optarg, "-n");
		else if (opt == 's')
			o->seed = kn_arg_ulong(optarg, "-s");
		else if (opt == 'u' && kn_arg_ulong(optarg, "-u") <= 100)
			o->unpriv = (unsigned int)kn_arg_ulong(optarg, "-u");
		else
			kn_bail("usage: %s [-n MESSAGES] [-s SEED] [-u PERCENT-AS-NOBODY]", argv[0]);
	}
}

int main(int argc, char **argv)
{
	struct counts *c = mmap(NULL, 2 * sizeof(*c), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned long nu, nr;
	struct kn_kmsg log;
	struct opts o;
	int status = 0;
	pid_t pid;

	parse(argc, argv, &o);
	if (c == MAP_FAILED)
		kn_die("mmap");
	memset(c, 0, 2 * sizeof(*c));
	nu = o.n * o.unpriv / 100;
	nr = o.n - nu;
	kn_plan(5);
	kn_diag("seed %#lx (replay: -s %#lx -n %lu -u %u)", o.seed, o.seed, o.n, o.unpriv);
	kn_kmsg_open(&log);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		kn_die("fork");
	if (!pid) {
		if (kn_become_nobody())
			_exit(2);
		run(&c[1], o.seed ^ 0x5eed, nu, true);
		_exit(0);
	}
	run(&c[0], o.seed, nr, false);
	waitpid(pid, &status, 0);
	cleanup();
	kn_kmsg_scan(&log);

	for (unsigned int i = 0; i < 2; i++)
		kn_diag("%s: %lu requests in %.1f s (%.0f/s): %lu succeeded, %lu refused, %lu unanswered; %lu family lookups, %lu sent while it was away",
			i ? "as nobody" : "as root", c[i].sent, c[i].ns / 1e9,
			c[i].ns ? c[i].sent * 1e9 / c[i].ns : 0.0, c[i].ok, c[i].failed,
			c[i].unanswered, c[i].lookups, c[i].absent);
	for (unsigned int k = 0; k <= KVM_NEST_CMD_MAX + 1; k++)
		kn_diag("command %u%s: %lu requests", k, k > KVM_NEST_CMD_MAX ? "+" : "",
			c[0].by_cmd[k] + c[1].by_cmd[k]);
	kn_ok(c[0].sent == nr && WIFEXITED(status) && !WEXITSTATUS(status) && c[1].sent == nu,
	      "messages: %lu of %lu as root, %lu of %lu as uid %d",
	      c[0].sent, nr, c[1].sent, nu, KN_NOBODY);
	kn_ok(!c[0].unanswered && !c[1].unanswered,
	      "every request answered within 10 s (%lu were not%s%s)",
	      c[0].unanswered + c[1].unanswered, *c[0].first ? ": " : "", c[0].first);
	kn_ok(!c[1].unpriv_changed,
	      "as uid %d no state-changing command succeeded (%lu did%s%s)", KN_NOBODY,
	      c[1].unpriv_changed, *c[1].first ? ": " : "", c[1].first);
	kn_ok(c[0].ok && c[0].failed, "as root some requests succeeded (%lu), some were refused (%lu)",
	      c[0].ok, c[0].failed);
	kn_ok(log.fd >= 0 && !log.problems,
	      "kernel log: %u records, %u WARN/BUG/Oops lines%s%s (%u lost)",
	      log.lines, log.problems, log.problems ? ", the first: " : "",
	      log.first, log.lost);
	kn_diag("STRESS nl messages=%lu root=%lu nobody=%lu seconds=%.1f", c[0].sent + c[1].sent,
		c[0].sent, c[1].sent, (c[0].ns > c[1].ns ? c[0].ns : c[1].ns) / 1e9);
	kn_kmsg_close(&log);
	kn_finish();
}
