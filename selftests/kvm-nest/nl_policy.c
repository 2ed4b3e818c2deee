// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm_nest family refuses every malformed request the way its uapi
 * header promises: missing, wrongly sized, oversized and unknown
 * attributes, trailing bytes and reserved header bits get the right errno
 * and an extended ack with a message and the offending attribute (or the
 * missing one).  Well-formed requests work, also for a doll of ours, and
 * an unprivileged user can read but not reset.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "kn_genl.h"
#include "kn_nobody.h"
#include "kn_tap.h"

#define NO_DOLL		0xfffffff0u	/* an id no doll has */

enum shape { NONE, U32, BYTES, STRING, TRAILING, RESERVED };

struct req_case {
	const char *what;
	uint8_t cmd;
	bool dump;
	uint16_t attr;		/* type of the attribute sent */
	enum shape shape;
	uint16_t len;		/* BYTES, STRING: payload bytes */
	uint32_t value;		/* U32, TRAILING, RESERVED */
	int err;		/* 0 or -errno */
	const char *msg;	/* NULL: none wanted; "": any; else exactly */
	bool offs;		/* extack points at the attribute sent */
	int miss;		/* extack names this missing type */
};

#define ANY_MSG ""
#define NOT_FOUND "no doll with this id"

static const struct req_case cases[] = {
	{ .what = "info-get", .cmd = KVM_NEST_CMD_INFO_GET },
	{ .what = "info-get with a u32 attribute", .cmd = KVM_NEST_CMD_INFO_GET,
	  .attr = KVM_NEST_A_INFO_VERSION, .shape = U32, .err = -EINVAL,
	  .msg = ANY_MSG, .offs = true },
	{ .what = "info-get with attribute type 200", .cmd = KVM_NEST_CMD_INFO_GET,
	  .attr = 200, .shape = U32, .err = -EINVAL, .msg = ANY_MSG, .offs = true },
	{ .what = "doll-get do without id", .cmd = KVM_NEST_CMD_DOLL_GET, .err = -EINVAL,
	  .miss = KVM_NEST_A_DOLL_ID },
	{ .what = "doll-get do, id of 0 bytes", .cmd = KVM_NEST_CMD_DOLL_GET,
	  .attr = KVM_NEST_A_DOLL_ID, .shape = BYTES, .len = 0, .err = -EINVAL,
	  .msg = ANY_MSG, .offs = true },
	{ .what = "doll-get do, id of 2 bytes", .cmd = KVM_NEST_CMD_DOLL_GET,
	  .attr = KVM_NEST_A_DOLL_ID, .shape = BYTES, .len = 2, .err = -EINVAL,
	  .msg = ANY_MSG, .offs = true },
	{ .what = "doll-get do, id of 8 bytes", .cmd = KVM_NEST_CMD_DOLL_GET,
	  .attr = KVM_NEST_A_DOLL_ID, .shape = BYTES, .len = 8, .err = -EINVAL,
	  .msg = ANY_MSG, .offs = true },
	{ .what = "doll-get do, id of 4000 bytes", .cmd = KVM_NEST_CMD_DOLL_GET,
	  .attr = KVM_NEST_A_DOLL_ID, .shape = BYTES, .len = 4000, .err = -EINVAL,
	  .msg = ANY_MSG, .offs = true },
	{ .what = "doll-get do, a path (not a request attribute)", .cmd = KVM_NEST_CMD_DOLL_GET,
	  .attr = KVM_NEST_A_DOLL_PATH, .shape = STRING, .len = 4, .err = -EINVAL,
	  .msg = ANY_MSG, .offs = true },
	{ .what = "doll-get do, attribute type 0", .cmd = KVM_NEST_CMD_DOLL_GET,
	  .attr = 0, .shape = U32, .err = -EINVAL, .msg = ANY_MSG, .offs = true },
	{ .what = "doll-get do, unknown id", .cmd = KVM_NEST_CMD_DOLL_GET,
	  .attr = KVM_NEST_A_DOLL_ID, .shape = U32, .value = NO_DOLL,
	  .err = -ENOENT, .msg = NOT_FOUND, .offs = true },
	{ .what = "doll-get do, 4 bytes after the id", .cmd = KVM_NEST_CMD_DOLL_GET,
	  .attr = KVM_NEST_A_DOLL_ID, .shape = TRAILING, .value = NO_DOLL,
	  .err = -EINVAL, .msg = ANY_MSG },
	{ .what = "doll-get do, reserved header bytes set", .cmd = KVM_NEST_CMD_DOLL_GET,
	  .attr = KVM_NEST_A_DOLL_ID, .shape = RESERVED, .value = NO_DOLL,
	  .err = -EINVAL, .msg = ANY_MSG },
	{ .what = "doll-get dump", .cmd = KVM_NEST_CMD_DOLL_GET, .dump = true },
	/*
	 * No offset asked: on 6.1 (no split ops) the dump callback refuses it,
	 * and netlink reports a dump's error without the attribute's offset.
	 */
	{ .what = "doll-get dump with an id (do-only attribute)", .cmd = KVM_NEST_CMD_DOLL_GET,
	  .dump = true, .attr = KVM_NEST_A_DOLL_ID, .shape = U32, .value = 1,
	  .err = -EINVAL, .msg = ANY_MSG },
	{ .what = "doll-get dump with a path", .cmd = KVM_NEST_CMD_DOLL_GET, .dump = true,
	  .attr = KVM_NEST_A_DOLL_PATH, .shape = STRING, .len = 4, .err = -EINVAL,
	  .msg = ANY_MSG, .offs = true },
	{ .what = "level-get dump", .cmd = KVM_NEST_CMD_LEVEL_GET, .dump = true },
	{ .what = "level-get dump with a u32 attribute", .cmd = KVM_NEST_CMD_LEVEL_GET, .dump = true,
	  .attr = KVM_NEST_A_LEVEL_LEVEL, .shape = U32, .value = 1, .err = -EINVAL,
	  .msg = ANY_MSG, .offs = true },
	{ .what = "level-get do (dump only)", .cmd = KVM_NEST_CMD_LEVEL_GET, .err = -EOPNOTSUPP },
	{ .what = "stats-reset do, id of 8 bytes", .cmd = KVM_NEST_CMD_STATS_RESET,
	  .attr = KVM_NEST_A_DOLL_ID, .shape = BYTES, .len = 8, .err = -EINVAL,
	  .msg = ANY_MSG, .offs = true },
	{ .what = "stats-reset do, a name (not a request attribute)", .cmd = KVM_NEST_CMD_STATS_RESET,
	  .attr = KVM_NEST_A_DOLL_NAME, .shape = STRING, .len = 300, .err = -EINVAL,
	  .msg = ANY_MSG, .offs = true },
	{ .what = "stats-reset do, unknown id", .cmd = KVM_NEST_CMD_STATS_RESET,
	  .attr = KVM_NEST_A_DOLL_ID, .shape = U32, .value = NO_DOLL,
	  .err = -ENOENT, .msg = NOT_FOUND, .offs = true },
	{ .what = "doll-new-ntf sent as a request", .cmd = KVM_NEST_CMD_DOLL_NEW_NTF,
	  .err = -EOPNOTSUPP },
	{ .what = "command 99", .cmd = 99, .err = -EOPNOTSUPP },
};

/* The request of a case; returns the offset of its attribute, or -1. */
static long build(struct kn_genl *g, const struct req_case *c, struct kn_genl_msg *m)
{
	static uint8_t zero[4096];
	long off = -1;

	kn_genl_msg_init(m, g->family, c->dump ? NLM_F_DUMP : 0, c->cmd,
			 KVM_NEST_GENL_VERSION);
	switch (c->shape) {
	case NONE:
		break;
	case U32:
	case TRAILING:
	case RESERVED:
		off = kn_genl_put_u32(m, c->attr, c->value);
		break;
	case BYTES:
		off = kn_genl_put(m, c->attr, zero, c->len);
		break;
	case STRING:
		memset(zero, 'a', c->len - 1);
		zero[c->len - 1] = '\0';
		off = kn_genl_put(m, c->attr, zero, c->len);
		memset(zero, 0, c->len);
		break;
	}
	if (c->shape == TRAILING)
		kn_genl_put_raw(m, zero, 4);
	if (c->shape == RESERVED)
		((struct genlmsghdr *)(m->bytes + NLMSG_HDRLEN))->reserved = 1;
	return off;
}

static void run_case(struct kn_genl *g, const struct req_case *c)
{
	struct kn_genl_msg *m = malloc(sizeof(*m));
	struct kn_genl_ack ack;
	long off;
	bool pass;

	if (!m)
		kn_die("malloc");
	off = build(g, c, m);
	kn_genl_xfer(g, m, NULL, NULL, &ack);
	pass = ack.error == c->err;
	if (c->msg)
		pass &= *c->msg ? !strcmp(ack.msg, c->msg) : !!*ack.msg;
	if (c->offs)
		pass &= ack.offs == off;
	if (c->miss)
		pass &= ack.miss_type == c->miss;
	kn_ok(pass, "%s: %s (want %s), message \"%s\", offset %ld (attribute at %ld), missing type %ld",
	      c->what, strerror(-ack.error), strerror(-c->err), ack.msg,
	      ack.offs, off, ack.miss_type);
	free(m);
}

struct info {
	char version[64], vendor[16], kernel[128];
	unsigned int hooks;
};

static void copy_str(char *dst, size_t size, const struct nlattr *a)
{
	snprintf(dst, size, "%.*s", (int)kn_nla_len(a), (const char *)kn_nla_data(a));
}

static bool info_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct info *in = arg;
	size_t len;
	const void *attrs = kn_genl_attrs(nlh, &len);

	kn_nla_for_each(a, attrs, len) {
		switch (kn_nla_type(a)) {
		case KVM_NEST_A_INFO_VERSION:
			copy_str(in->version, sizeof(in->version), a);
			break;
		case KVM_NEST_A_INFO_VENDOR:
			copy_str(in->vendor, sizeof(in->vendor), a);
			break;
		case KVM_NEST_A_INFO_KERNEL:
			copy_str(in->kernel, sizeof(in->kernel), a);
			break;
		case KVM_NEST_A_INFO_HOOK:
			in->hooks++;
			break;
		}
	}
	return true;
}

static void check_info(struct kn_genl *g)
{
	const char *vendor = getenv("KN_VENDOR");
	struct info in = { 0 };
	struct kn_genl_msg m;
	struct kn_genl_ack ack;
	struct utsname u;

	uname(&u);
	kn_genl_msg_init(&m, g->family, 0, KVM_NEST_CMD_INFO_GET, KVM_NEST_GENL_VERSION);
	kn_genl_xfer(g, &m, info_cb, &in, &ack);
	kn_ok(!ack.error && *in.version && !strcmp(in.kernel, u.release) &&
	      (!vendor || !strcmp(in.vendor, vendor)) && in.hooks > 0,
	      "info-get: version %s, vendor %s (want %s), kernel %s (want %s), %u hooks",
	      in.version, in.vendor, vendor ? vendor : "any", in.kernel,
	      u.release, in.hooks);
}

/* Our VM's doll, found in a dump by our pid. */
struct ours {
	pid_t pid;
	uint32_t id, level, dolls;
	bool found;
};

static bool ours_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct ours *o = arg;
	uint32_t id = 0, level = 0, pid = 0;
	size_t len;
	const void *attrs = kn_genl_attrs(nlh, &len);

	kn_nla_for_each(a, attrs, len) {
		if (kn_nla_len(a) != 4)
			continue;
		switch (kn_nla_type(a)) {
		case KVM_NEST_A_DOLL_ID:
			id = *(const uint32_t *)kn_nla_data(a);
			break;
		case KVM_NEST_A_DOLL_LEVEL:
			level = *(const uint32_t *)kn_nla_data(a);
			break;
		case KVM_NEST_A_DOLL_PID:
			pid = *(const uint32_t *)kn_nla_data(a);
			break;
		}
	}
	o->dolls++;
	if (pid == (uint32_t)o->pid && level == 1) {
		o->found = true;
		o->id = id;
		o->level = level;
	}
	return true;
}

/* The well-formed requests that name a doll, on the doll of our own VM. */
static void check_our_doll(struct kn_genl *g)
{
	struct ours o = { .pid = getpid() }, again = { .pid = getpid() };
	struct kn_genl_msg m;
	struct kn_genl_ack ack;
	int kvm, vm;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	vm = kvm < 0 ? -1 : ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		kn_skip("no VM of our own: /dev/kvm: %s", strerror(errno));
		kn_skip("no VM of our own");
		kn_skip("no VM of our own");
		return;
	}
	kn_genl_msg_init(&m, g->family, NLM_F_DUMP, KVM_NEST_CMD_DOLL_GET, KVM_NEST_GENL_VERSION);
	kn_genl_xfer(g, &m, ours_cb, &o, &ack);
	kn_ok(!ack.error && o.found, "dump of %u dolls has our VM's level-1 doll (id %u)",
	      o.dolls, o.id);

	kn_genl_msg_init(&m, g->family, 0, KVM_NEST_CMD_DOLL_GET, KVM_NEST_GENL_VERSION);
	kn_genl_put_u32(&m, KVM_NEST_A_DOLL_ID, o.id);
	kn_genl_xfer(g, &m, ours_cb, &again, &ack);
	kn_ok(!ack.error && again.dolls == 1 && again.found && again.id == o.id,
	      "doll-get do of id %u: %s, %u doll(s), id %u", o.id,
	      strerror(-ack.error), again.dolls, again.id);

	kn_genl_msg_init(&m, g->family, 0, KVM_NEST_CMD_STATS_RESET, KVM_NEST_GENL_VERSION);
	kn_genl_put_u32(&m, KVM_NEST_A_DOLL_ID, o.id);
	kn_genl_xfer(g, &m, NULL, NULL, &ack);
	kn_ok(!ack.error, "stats-reset of id %u: %s", o.id, strerror(-ack.error));
	close(vm);
	close(kvm);
}

/* Requests made as nobody. */
#define NR_UNPRIV	5

/* As nobody: bit n of the result set if check n failed. */
static int unprivileged(struct kn_genl *g, const void *arg)
{
	static const struct { uint8_t cmd; bool dump; int err; } reqs[NR_UNPRIV] = {
		{ KVM_NEST_CMD_DOLL_GET, true, 0 },
		{ KVM_NEST_CMD_LEVEL_GET, true, 0 },
		{ KVM_NEST_CMD_INFO_GET, false, 0 },
		{ KVM_NEST_CMD_STATS_RESET, false, -EPERM },
		{ KVM_NEST_CMD_DELEG_SET, false, -EPERM },
	};
	struct kn_genl_msg m;
	struct kn_genl_ack ack;
	int failed = 0;

	(void)arg;
	for (unsigned int i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		kn_genl_msg_init(&m, g->family, reqs[i].dump ? NLM_F_DUMP : 0,
				 reqs[i].cmd, KVM_NEST_GENL_VERSION);
		kn_genl_xfer(g, &m, NULL, NULL, &ack);
		if (ack.error != reqs[i].err)
			failed |= 1 << i;
	}
	return failed;
}

static void check_unprivileged(void)
{
	static const char *const what[NR_UNPRIV] = {
		"doll-get dump", "level-get dump", "info-get", "stats-reset refused (EPERM)",
		"deleg-set refused (EPERM)",
	};
	int status = kn_genl_as_nobody(unprivileged, NULL);

	for (unsigned int i = 0; i < NR_UNPRIV; i++)
		kn_ok(!(status & (1 << i)), "as uid %d: %s", KN_NOBODY, what[i]);
}

int main(void)
{
	static struct kn_genl g;
	int err = kn_genl_open(&g, KVM_NEST_GENL_NAME);
	size_t n = sizeof(cases) / sizeof(cases[0]);

	if (err == -ENOENT)
		kn_skip_rest("family %s not registered: kvm-nest not loaded", KVM_NEST_GENL_NAME);
	if (err)
		kn_bail("looking up family %s: %s", KVM_NEST_GENL_NAME, strerror(-err));
	kn_plan((unsigned int)n + 1 + 3 + NR_UNPRIV);
	for (size_t i = 0; i < n; i++)
		run_case(&g, &cases[i]);
	check_info(&g);
	check_our_doll(&g);
	check_unprivileged();
	kn_genl_close(&g);
	kn_finish();
}
