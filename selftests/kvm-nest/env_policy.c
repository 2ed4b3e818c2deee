// SPDX-License-Identifier: GPL-2.0
/*
 * The envelope and channel ops of the kvm_nest family (env-set, env-del,
 * ping, agent-done) refuse malformed requests themselves, not only through
 * nestctl: a missing or doubled target, bad values inside the envelope nest
 * (a CPU list that is none, wrong sizes, unknown fields) get EINVAL, values
 * out of a policy's range (weight above 10000, id 0) ERANGE as netlink
 * policies give it, each with an extended ack that points at the attribute,
 * inside the nest too; an unknown doll gets ENOENT with the explanation in
 * a refusal message at once; a reservation above the limit is refused
 * before any agent is asked, in the outcome (RESULT_NTF) of the queued
 * request. Unprivileged users can do none of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "kn_dolls.h"
#include "kn_genl.h"
#include "kn_nobody.h"
#include "kn_routed.h"
#include "kn_tap.h"

#define NO_DOLL		0xfffffff0u	/* an id no doll has */
#define OURS		(~0ull)		/* DOLL_ID: our own VM's doll */
#define REFUSED		"refused: see the refusal message"
#define DOM		"0b7e3f2a-5c1d-4e8f-9a6b-2d4c6e8f0a1b"	/* a domain's uuid */

enum vt { V_END, V_U32, V_U64, V_STR, V_FLAG, V_BYTES };

struct val {
	enum vt vt;
	uint16_t type;
	uint64_t n;		/* U32, U64; BYTES: length */
	const char *s;		/* STR */
};

struct env_case {
	const char *what;
	uint8_t cmd;
	struct val top[3];	/* request attributes, V_END ends */
	bool env;		/* an ENV nest after them */
	struct val in[3];	/* its attributes */
	int err;		/* 0 or -errno; ANY_ERR: any error */
	const char *msg;	/* NULL: not checked; "": any; else contained */
	int at;			/* extack points at: 0 no check, 1+i top[i], 11+i in[i] */
	int miss;		/* extack names this missing type */
	const char *refusal;	/* a REFUSAL attribute containing this */
};

#define ANY_ERR		1
#define ID(v)		{ V_U32, KVM_NEST_A_DOLL_ID, (v), NULL }
#define NAME(s)		{ V_STR, KVM_NEST_A_DOLL_NAME, 0, (s) }
#define U32(t, v)	{ V_U32, (t), (v), NULL }
#define U64(t, v)	{ V_U64, (t), (v), NULL }
#define STR(t, s)	{ V_STR, (t), 0, (s) }
#define BYTES(t, n)	{ V_BYTES, (t), (n), NULL }

static const struct env_case cases[] = {
	{ .what = "env-set without a doll id or name", .cmd = KVM_NEST_CMD_ENV_SET,
	  .env = true, .in = { U32(KVM_NEST_A_ENV_CPU_WEIGHT, 100) },
	  .err = -EINVAL, .msg = "give a doll id" },
	{ .what = "env-set with both an id and a name", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(NO_DOLL), NAME("web") }, .env = true,
	  .in = { U32(KVM_NEST_A_ENV_CPU_WEIGHT, 100) },
	  .err = -EINVAL, .msg = "give a doll id", .at = 1 },
	{ .what = "env-set, doll id 0", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(0) }, .env = true, .in = { U32(KVM_NEST_A_ENV_CPU_WEIGHT, 100) },
	  .err = -ERANGE, .msg = "", .at = 1 },
	{ .what = "env-set without an envelope", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(OURS) }, .err = -EINVAL, .miss = KVM_NEST_A_DOLL_ENV },
	{ .what = "env-set, cpu.weight 10001", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(OURS) }, .env = true, .in = { U32(KVM_NEST_A_ENV_CPU_WEIGHT, 10001) },
	  .err = -ERANGE, .msg = "", .at = 11 },
	{ .what = "env-set, cpus \"abc\"", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(OURS) }, .env = true, .in = { STR(KVM_NEST_A_ENV_CPUS, "abc") },
	  .err = -EINVAL, .msg = "CPU list", .at = 11 },
	{ .what = "env-set, cpus \"8192\" (lists name CPUs 0-8191)", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(OURS) }, .env = true, .in = { STR(KVM_NEST_A_ENV_CPUS, "8192") },
	  .err = -EINVAL, .msg = "CPUs 0-8191", .at = 11 },
	{ .what = "env-set, cpus of 33 ranges", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(OURS) }, .env = true,
	  .in = { STR(KVM_NEST_A_ENV_CPUS, "0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30,32,34,36,"
				       "38,40,42,44,46,48,50,52,54,56,58,60,62,64") },
	  .err = -EINVAL, .msg = "32 ranges", .at = 11 },
	/* Lists name CPUs this host does not have: refused by admission. */
	{ .what = "env-set, cpus \"255,0-254\" (a host of fewer than 256 CPUs)",
	  .cmd = KVM_NEST_CMD_ENV_SET, .top = { ID(OURS) }, .env = true,
	  .in = { STR(KVM_NEST_A_ENV_CPUS, "255,0-254") },
	  .err = -ENOSPC, .refusal = "cpus name CPU 255; L0 has nr_cpu_ids" },
	{ .what = "env-set, cpus \"0-8191\"", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(OURS) }, .env = true, .in = { STR(KVM_NEST_A_ENV_CPUS, "0-8191") },
	  .err = -ENOSPC, .refusal = "cpus name CPU 8191; L0 has nr_cpu_ids" },
	{ .what = "env-set, cpu.limit of 8 bytes", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(OURS) }, .env = true, .in = { U64(KVM_NEST_A_ENV_CPU_LIMIT, 1000) },
	  .err = -EINVAL, .msg = "", .at = 11 },
	{ .what = "env-set, mem.limit of 4 bytes", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(OURS) }, .env = true, .in = { U32(KVM_NEST_A_ENV_MEM_LIMIT, 1 << 30) },
	  .err = -EINVAL, .msg = "", .at = 11 },
	{ .what = "env-set, envelope field type 50", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(OURS) }, .env = true, .in = { U32(50, 1) },
	  .err = -EINVAL, .msg = "", .at = 11 },
	{ .what = "env-set, cpus of 4098 bytes (4096 and a NUL at most)", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(OURS) }, .env = true, .in = { BYTES(KVM_NEST_A_ENV_CPUS, 4098) },
	  .err = -ERANGE, .msg = "", .at = 11 },
	{ .what = "env-set, unknown doll", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(NO_DOLL) }, .env = true, .in = { U32(KVM_NEST_A_ENV_CPU_WEIGHT, 100) },
	  .err = -ENOENT, .msg = REFUSED, .refusal = "no doll" },
	{ .what = "env-set dry run, cpu.reserve 0.5 above cpu.limit 0.2", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(OURS), { V_FLAG, KVM_NEST_A_DOLL_DRY_RUN, 0, NULL } }, .env = true,
	  .in = { U32(KVM_NEST_A_ENV_CPU_LIMIT, 200), U32(KVM_NEST_A_ENV_CPU_RESERVE, 500) },
	  .err = -EINVAL, .refusal = "0.500 CPUs is above cpu.limit 0.200 CPUs" },
	{ .what = "env-set, a uuid that is not 8-4-4-4-12 hex", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { NAME("web"), STR(KVM_NEST_A_DOLL_UUID, "0b7e3f2a-5c1d-4e8f-9a6b-2d4c6e8f0a1") },
	  .env = true, .in = { U32(KVM_NEST_A_ENV_CPU_WEIGHT, 100) },
	  .err = -EINVAL, .msg = "uuid: want", .at = 2 },
	{ .what = "env-set, a uuid with a doll id", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { ID(NO_DOLL), STR(KVM_NEST_A_DOLL_UUID, DOM) }, .env = true,
	  .in = { U32(KVM_NEST_A_ENV_CPU_WEIGHT, 100) },
	  .err = -EINVAL, .msg = "pending doll's name only", .at = 2 },
	{ .what = "env-set, a pid without a uuid", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { NAME("web"), U32(KVM_NEST_A_DOLL_PID, 1) },
	  .err = -EINVAL, .msg = "needs its domain's uuid", .at = 2 },
	{ .what = "env-set, a bind (name, uuid, pid) with an envelope", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { NAME("web"), STR(KVM_NEST_A_DOLL_UUID, DOM), U32(KVM_NEST_A_DOLL_PID, 1) },
	  .env = true, .in = { U32(KVM_NEST_A_ENV_CPU_WEIGHT, 100) },
	  .err = -EINVAL, .msg = "changes no field", .at = 3 },
	{ .what = "env-set, a bind of no pending envelope", .cmd = KVM_NEST_CMD_ENV_SET,
	  .top = { NAME("kn-no-such-vm"), STR(KVM_NEST_A_DOLL_UUID, DOM), U32(KVM_NEST_A_DOLL_PID, 1) },
	  .err = -ENOENT, .refusal = "no pending envelope named" },
	{ .what = "env-del, no pending envelope of that name", .cmd = KVM_NEST_CMD_ENV_DEL,
	  .top = { NAME("kn-no-such-vm") }, .err = -ENOENT, .msg = "no pending envelope", .at = 1 },
	{ .what = "env-del without a target", .cmd = KVM_NEST_CMD_ENV_DEL,
	  .err = -EINVAL, .msg = "give a doll id" },
	{ .what = "ping without an id", .cmd = KVM_NEST_CMD_PING,
	  .err = -EINVAL, .miss = KVM_NEST_A_DOLL_ID },
	{ .what = "ping, unknown doll", .cmd = KVM_NEST_CMD_PING,
	  .top = { ID(NO_DOLL) }, .err = ANY_ERR },
	{ .what = "agent-done without a cookie", .cmd = KVM_NEST_CMD_AGENT_DONE,
	  .top = { U32(KVM_NEST_A_DOLL_ERROR, 0) }, .err = -EINVAL,
	  .miss = KVM_NEST_A_DOLL_COOKIE },
	{ .what = "agent-done, error 5000 (above MAX_ERRNO)", .cmd = KVM_NEST_CMD_AGENT_DONE,
	  .top = { U64(KVM_NEST_A_DOLL_COOKIE, 1), U32(KVM_NEST_A_DOLL_ERROR, 5000) },
	  .err = -ERANGE, .msg = "", .at = 2 },
	{ .what = "agent-done, a cookie nobody waits for", .cmd = KVM_NEST_CMD_AGENT_DONE,
	  .top = { U64(KVM_NEST_A_DOLL_COOKIE, 0x4b4e4b4e4b4e4b4eull), U32(KVM_NEST_A_DOLL_ERROR, 0) },
	  .err = ANY_ERR, .msg = "cookie", .at = 1 },
};

/* One attribute into buf at *len; returns its offset there. */
static size_t put_val(uint8_t *buf, size_t *len, const struct val *v, uint32_t ours)
{
	static const uint8_t zero[4200];
	struct nlattr a = { .nla_type = v->type };
	uint64_t n = v->n == OURS ? ours : v->n;
	uint32_t u32 = (uint32_t)n;
	const void *data = NULL;
	size_t off = *len, dlen = 0;

	switch (v->vt) {
	case V_U32:
		data = &u32;
		dlen = 4;
		break;
	case V_U64:
		data = &n;
		dlen = 8;
		break;
	case V_STR:
		data = v->s;
		dlen = strlen(v->s) + 1;
		break;
	case V_BYTES:
		data = zero;
		dlen = n;
		break;
	case V_FLAG:
	case V_END:
		break;
	}
	a.nla_len = (uint16_t)(NLA_HDRLEN + dlen);
	memcpy(buf + off, &a, sizeof(a));
	if (dlen)
		memcpy(buf + off + NLA_HDRLEN, data, dlen);
	*len = off + NLA_ALIGN(a.nla_len);
	return off;
}

static void run_case(struct kn_genl *g, const struct env_case *c, uint32_t ours)
{
	static uint8_t buf[8192];
	struct kn_genl_msg *m = malloc(sizeof(*m));
	char refusal[512];
	struct kn_genl_ack ack;
	long offs[3] = { -1, -1, -1 }, ioffs[3] = { -1, -1, -1 }, want = -1, nest;
	size_t len;
	bool pass;
	int i;

	if (!m)
		kn_die("malloc");
	kn_genl_msg_init(m, g->family, 0, c->cmd, KVM_NEST_GENL_VERSION);
	for (i = 0; i < 3 && c->top[i].vt != V_END; i++) {
		len = 0;
		put_val(buf, &len, &c->top[i], ours);
		/* The attribute's header is the first 4 bytes of buf. */
		offs[i] = kn_genl_put(m, c->top[i].type, buf + NLA_HDRLEN,
				      (uint16_t)(((struct nlattr *)buf)->nla_len - NLA_HDRLEN));
	}
	if (c->env) {
		len = 0;
		for (i = 0; i < 3 && c->in[i].vt != V_END; i++)
			ioffs[i] = (long)put_val(buf, &len, &c->in[i], ours);
		nest = kn_genl_put(m, KVM_NEST_A_DOLL_ENV | NLA_F_NESTED, buf, (uint16_t)len);
		for (i = 0; i < 3; i++)
			if (ioffs[i] >= 0)
				ioffs[i] += nest + NLA_HDRLEN;
	}
	kn_routed_xfer(g, m, &ack, refusal, sizeof(refusal));
	pass = c->err == ANY_ERR ? ack.error < 0 : ack.error == c->err;
	if (c->msg)
		pass &= *c->msg ? !!strstr(ack.msg, c->msg) : !!*ack.msg;
	if (c->at)
		want = c->at > 10 ? ioffs[c->at - 11] : offs[c->at - 1];
	if (c->at)
		pass &= ack.offs == want;
	if (c->miss)
		pass &= ack.miss_type == c->miss;
	if (c->refusal)
		pass &= !!strstr(refusal, c->refusal);
	kn_ok(pass, "%s: %s (want %s), message \"%s\", offset %ld (want %ld), missing type %ld%s%s",
	      c->what, strerror(-ack.error),
	      c->err == ANY_ERR ? "an error" : strerror(-c->err), ack.msg, ack.offs,
	      want, ack.miss_type, *refusal ? ", refusal: " : "", refusal);
	free(m);
}

/* As nobody, each op refused with EPERM: bit i set if op i was not. */
static int unprivileged(struct kn_genl *g, const void *arg)
{
	static const uint8_t cmds[] = {
		KVM_NEST_CMD_ENV_SET, KVM_NEST_CMD_ENV_DEL, KVM_NEST_CMD_PING,
		KVM_NEST_CMD_AGENT_DONE,
	};
	const uint32_t *ours = arg;
	struct kn_genl_msg m;
	struct kn_genl_ack ack;
	int failed = 0;

	for (unsigned int i = 0; i < sizeof(cmds); i++) {
		kn_genl_msg_init(&m, g->family, 0, cmds[i], KVM_NEST_GENL_VERSION);
		kn_genl_put_u32(&m, KVM_NEST_A_DOLL_ID, *ours);
		kn_genl_xfer(g, &m, NULL, NULL, &ack);
		if (ack.error != -EPERM)
			failed |= 1 << i;
	}
	return failed;
}

static void check_unprivileged(uint32_t ours)
{
	static const char *const what[] = { "env-set", "env-del", "ping", "agent-done" };
	int status = kn_genl_as_nobody(unprivileged, &ours);

	for (unsigned int i = 0; i < 4; i++)
		kn_ok(!(status & (1 << i)), "as uid %d: %s refused with EPERM", KN_NOBODY, what[i]);
}

int main(void)
{
	static struct kn_genl g;
	int err = kn_genl_open(&g, KVM_NEST_GENL_NAME);
	size_t n = sizeof(cases) / sizeof(cases[0]);
	const struct kn_doll *d;
	struct kn_dolls ds;
	uint32_t ours;
	int kvm, vm;

	if (err == -ENOENT)
		kn_skip_rest("family %s not registered: kvm-nest not loaded", KVM_NEST_GENL_NAME);
	if (err)
		kn_bail("looking up family %s: %s", KVM_NEST_GENL_NAME, strerror(-err));
	/* A doll of our own to aim at; it never runs, nothing is applied to it. */
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	vm = kvm < 0 ? -1 : ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		kn_bail("KVM_CREATE_VM: %s", strerror(errno));
	kn_dolls_read(&ds);
	d = kn_doll_l1(&ds, getpid());
	if (!d)
		kn_bail("no level-1 doll for our VM");
	ours = (uint32_t)d->id;
	kn_dolls_free(&ds);
	kn_plan((unsigned int)n + 4);
	kn_diag("our VM's doll: %u", ours);
	for (size_t i = 0; i < n; i++)
		run_case(&g, &cases[i], ours);
	check_unprivileged(ours);
	close(vm);
	close(kvm);
	kn_genl_close(&g);
	kn_finish();
}
