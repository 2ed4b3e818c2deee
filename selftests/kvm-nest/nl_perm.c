// SPDX-License-Identifier: GPL-2.0
/*
 * What the kvm_nest family gives a reader without CAP_NET_ADMIN
 * (Documentation/security.rst, "Netlink permissions and the parent's
 * authority").  With a VM of ours as a level-1 doll, three readers ask the
 * same questions: root; uid 1000; root with CAP_NET_ADMIN dropped (it
 * keeps CAP_SYS_ADMIN, which is not enough).  The last two:
 *  - cannot join the "events" or the "agent" group (EPERM);
 *  - get dolls with ID, PATH, LEVEL, PARENT and KIND only, levels with
 *    LEVEL and DOLLS only, and INFO_GET without HOOK and RESV_*;
 *  - still see our doll, by id, and the count at level 1.
 * Root gets all of it, and may join both groups.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "kn_genl.h"
#include "kn_tap.h"
#include "kn_vm.h"

#define UID	1000

enum { ROOT, USER, NOADMIN, NR_WHO };
static const char *const who_name[NR_WHO] = {
	"root", "uid 1000", "root without CAP_NET_ADMIN",
};

/* What one reader saw; a bitmap of attribute types per message kind. */
struct seen {
	uint64_t doll, ours, level, info;
	unsigned int dolls, level1;
	int join[2];		/* events, agent: 0 or errno */
};

static uint32_t our_pid;
static uint32_t grp[2];		/* events, agent */

static uint64_t types(const struct nlmsghdr *nlh)
{
	size_t len;
	const void *attrs = kn_genl_attrs(nlh, &len);
	uint64_t t = 0;

	kn_nla_for_each(a, attrs, len)
		if (kn_nla_type(a) < 64)
			t |= 1ull << kn_nla_type(a);
	return t;
}

static uint32_t u32_of(const struct nlmsghdr *nlh, uint16_t type)
{
	size_t len;
	const void *attrs = kn_genl_attrs(nlh, &len);
	uint32_t v = 0;

	kn_nla_for_each(a, attrs, len)
		if (kn_nla_type(a) == type && kn_nla_len(a) == sizeof(v))
			memcpy(&v, kn_nla_data(a), sizeof(v));
	return v;
}

static bool on_doll(const struct nlmsghdr *nlh, void *arg)
{
	struct seen *s = arg;
	uint64_t t = types(nlh);

	s->doll |= t;
	s->dolls++;
	/* Ours by pid for root; by being the only level-1 doll otherwise. */
	if (u32_of(nlh, KVM_NEST_A_DOLL_PID) == our_pid)
		s->ours |= t;
	return true;
}

static bool on_level(const struct nlmsghdr *nlh, void *arg)
{
	struct seen *s = arg;

	s->level |= types(nlh);
	if (u32_of(nlh, KVM_NEST_A_LEVEL_LEVEL) == 1)
		s->level1 = u32_of(nlh, KVM_NEST_A_LEVEL_DOLLS);
	return true;
}

static bool on_info(const struct nlmsghdr *nlh, void *arg)
{
	((struct seen *)arg)->info |= types(nlh);
	return true;
}

/* The ids of the family's two groups, from CTRL_ATTR_MCAST_GROUPS. */
static bool on_family(const struct nlmsghdr *nlh, void *arg)
{
	size_t len;
	const void *attrs = kn_genl_attrs(nlh, &len);

	(void)arg;
	kn_nla_for_each(a, attrs, len) {
		if (kn_nla_type(a) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		kn_nla_for_each(g, kn_nla_data(a), kn_nla_len(a)) {
			const char *name = "";
			uint32_t id = 0;

			kn_nla_for_each(f, kn_nla_data(g), kn_nla_len(g)) {
				if (kn_nla_type(f) == CTRL_ATTR_MCAST_GRP_NAME)
					name = kn_nla_data(f);
				else if (kn_nla_type(f) == CTRL_ATTR_MCAST_GRP_ID &&
					 kn_nla_len(f) == sizeof(id))
					memcpy(&id, kn_nla_data(f), sizeof(id));
			}
			if (!strcmp(name, KVM_NEST_MCGRP_EVENTS))
				grp[0] = id;
			else if (!strcmp(name, KVM_NEST_MCGRP_AGENT))
				grp[1] = id;
		}
	}
	return true;
}

static void ask(struct kn_genl *g, uint8_t cmd, uint16_t flags, kn_genl_cb *cb,
		void *arg)
{
	struct kn_genl_msg m;
	struct kn_genl_ack ack;
	int err;

	kn_genl_msg_init(&m, g->family, flags, cmd, KVM_NEST_GENL_VERSION);
	err = kn_genl_xfer(g, &m, cb, arg, &ack);
	if (err)
		kn_bail("command %u: %s (%s)", cmd, strerror(-err), ack.msg);
}

/* Drops CAP_NET_ADMIN from this process, keeping the rest. */
static void drop_net_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		kn_die("capget");
	d[0].effective &= ~(1u << CAP_NET_ADMIN);
	d[0].permitted &= ~(1u << CAP_NET_ADMIN);
	d[0].inheritable &= ~(1u << CAP_NET_ADMIN);
	if (syscall(SYS_capset, &h, d))
		kn_die("capset");
}

static void look(int who, struct seen *s)
{
	struct kn_genl g;
	int err;

	if (who == USER && (setgroups(0, NULL) || setgid(UID) || setuid(UID)))
		kn_die("setuid 1000");
	if (who == NOADMIN)
		drop_net_admin();
	err = kn_genl_open(&g, KVM_NEST_GENL_NAME);
	if (err)
		kn_bail("%s: cannot open the family: %s", who_name[who], strerror(-err));
	ask(&g, KVM_NEST_CMD_DOLL_GET, NLM_F_DUMP, on_doll, s);
	ask(&g, KVM_NEST_CMD_LEVEL_GET, NLM_F_DUMP, on_level, s);
	ask(&g, KVM_NEST_CMD_INFO_GET, 0, on_info, s);
	for (int i = 0; i < 2; i++) {
		s->join[i] = 0;
		if (setsockopt(g.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			       &grp[i], sizeof(grp[i])))
			s->join[i] = errno;
	}
	kn_genl_close(&g);
}

/* Runs look() in a child process, whose identity changes, for its answers. */
static void look_as(int who, struct seen *s)
{
	int fd[2], status;
	pid_t pid;

	if (pipe(fd))
		kn_die("pipe");
	pid = fork();
	if (pid < 0)
		kn_die("fork");
	if (!pid) {
		memset(s, 0, sizeof(*s));
		look(who, s);
		_exit(write(fd[1], s, sizeof(*s)) == sizeof(*s) ? 0 : 1);
	}
	close(fd[1]);
	if (read(fd[0], s, sizeof(*s)) != sizeof(*s) ||
	    waitpid(pid, &status, 0) != pid || status)
		kn_bail("%s: the reader failed (status %#x)", who_name[who], status);
	close(fd[0]);
}

#define T(x)	(1ull << (x))
#define SHAPE	(T(KVM_NEST_A_DOLL_ID) | T(KVM_NEST_A_DOLL_PATH) | \
		 T(KVM_NEST_A_DOLL_LEVEL) | T(KVM_NEST_A_DOLL_PARENT) | \
		 T(KVM_NEST_A_DOLL_KIND))
#define LEVELS	(T(KVM_NEST_A_LEVEL_LEVEL) | T(KVM_NEST_A_LEVEL_DOLLS))
#define HIDDEN_INFO	(T(KVM_NEST_A_INFO_HOOK) | T(KVM_NEST_A_INFO_RESV_CPU) | \
			 T(KVM_NEST_A_INFO_RESV_MEM))

int main(void)
{
	struct seen s[NR_WHO];
	struct kn_genl g;
	struct kn_genl_msg m;
	struct kn_genl_ack ack;
	struct kn_vm vm;

	if (geteuid())
		kn_skip_rest("run as root: it reads as root and as uid %d", UID);
	kn_plan(2 + 6 * 2);
	kn_vm_create(&vm, KN_MEM_DEFAULT);
	our_pid = (uint32_t)getpid();

	if (kn_genl_open(&g, KVM_NEST_GENL_NAME))
		kn_bail("no %s family: is kvm-nest loaded?", KVM_NEST_GENL_NAME);
	kn_genl_msg_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	kn_genl_put(&m, CTRL_ATTR_FAMILY_NAME, KVM_NEST_GENL_NAME,
		    sizeof(KVM_NEST_GENL_NAME));
	if (kn_genl_xfer(&g, &m, on_family, NULL, &ack) || !grp[0] || !grp[1])
		kn_bail("the family's groups not found (events %u, agent %u)",
			grp[0], grp[1]);
	kn_genl_close(&g);

	for (int w = 0; w < NR_WHO; w++)
		look_as(w, &s[w]);

	kn_ok(!s[ROOT].join[0] && !s[ROOT].join[1],
	      "root joins both groups (events: %s, agent: %s)",
	      strerror(s[ROOT].join[0]), strerror(s[ROOT].join[1]));
	kn_ok((s[ROOT].ours & T(KVM_NEST_A_DOLL_PID)) &&
	      (s[ROOT].ours & T(KVM_NEST_A_DOLL_EXITS)) &&
	      (s[ROOT].level & T(KVM_NEST_A_LEVEL_EXITS)) &&
	      (s[ROOT].info & HIDDEN_INFO) == HIDDEN_INFO,
	      "root reads everything: our doll (pid %u) with its counters, level totals, hooks and reservations (doll %#llx, level %#llx, info %#llx)",
	      our_pid, (unsigned long long)s[ROOT].ours,
	      (unsigned long long)s[ROOT].level,
	      (unsigned long long)s[ROOT].info);

	for (int w = USER; w < NR_WHO; w++) {
		const struct seen *x = &s[w];

		kn_ok(x->join[0] == EPERM, "%s cannot join the events group (%s)",
		      who_name[w], strerror(x->join[0]));
		kn_ok(x->join[1] == EPERM, "%s cannot join the agent group (%s)",
		      who_name[w], strerror(x->join[1]));
		kn_ok(x->dolls >= 1 && x->dolls == s[ROOT].dolls &&
		      x->level1 == s[ROOT].level1 && x->level1 >= 1,
		      "%s still sees every doll (%u of %u) and the count at level 1 (%u of %u)",
		      who_name[w], x->dolls, s[ROOT].dolls, x->level1,
		      s[ROOT].level1);
		kn_ok(x->dolls && (x->doll & ~SHAPE) == 0 && x->doll == SHAPE,
		      "%s: dolls carry id, path, level, parent and kind only (extra types %#llx)",
		      who_name[w], (unsigned long long)(x->doll & ~SHAPE));
		kn_ok((x->level & ~LEVELS) == 0 && x->level == LEVELS,
		      "%s: levels carry level and dolls only (extra types %#llx)",
		      who_name[w], (unsigned long long)(x->level & ~LEVELS));
		kn_ok(!(x->info & HIDDEN_INFO) &&
		      (x->info & T(KVM_NEST_A_INFO_VERSION)) &&
		      (x->info & T(KVM_NEST_A_INFO_DEPTH)),
		      "%s: info has version and depth, no hooks, no reservations (types %#llx)",
		      who_name[w], (unsigned long long)x->info);
	}
	kn_vm_destroy(&vm);
	kn_finish();
}
