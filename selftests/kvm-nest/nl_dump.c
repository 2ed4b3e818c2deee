// SPDX-License-Identifier: GPL-2.0
/*
 * A doll dump stays consistent while dolls come and go.  A child keeps a
 * pool of VMs (level-1 dolls) and replaces them one at a time; meanwhile
 * the test dumps every doll through a one-page receive buffer, so that a
 * dump takes several reads and dolls come and go between them.  Every
 * message must parse.  A dump the kernel did not flag NLM_F_DUMP_INTR must
 * be a snapshot: ids unique, each doll after its parent with the path that
 * follows from it, and the whole pool there.  Some dumps must be flagged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "kn_genl.h"
#include "kn_tap.h"

#define POOL		96	/* about three one-page dump parts */
#define SECONDS		10	/* of churn; KN_DUMP_SECONDS overrides */
#define MAX_DOLLS	4096
#define PATH_LEN	64

struct entry {
	uint32_t id, level, parent, pid;
	char path[PATH_LEN];
};

struct dump {
	struct entry e[MAX_DOLLS];
	unsigned int n;
	unsigned int bad;	/* messages that did not parse */
};

struct totals {
	unsigned int dumps, msgs, bad, errors, flagged, clean, max_reads;
	unsigned int dup, order, pool;	/* clean dumps failing each check */
};

/* Sizes the uapi header gives each doll attribute; 0: nested or string. */
static const uint16_t doll_size[KVM_NEST_A_DOLL_MAX + 1] = {
	[KVM_NEST_A_DOLL_ID] = 4, [KVM_NEST_A_DOLL_LEVEL] = 4,
	[KVM_NEST_A_DOLL_PARENT] = 4, [KVM_NEST_A_DOLL_PID] = 4,
	[KVM_NEST_A_DOLL_VCPUS] = 4, [KVM_NEST_A_DOLL_MEM] = 8,
	[KVM_NEST_A_DOLL_CTX] = 8, [KVM_NEST_A_DOLL_GUEST_NS] = 8,
	[KVM_NEST_A_DOLL_EXITS] = 8, [KVM_NEST_A_DOLL_REFLECTED] = 8,
};

static bool is_string(const struct nlattr *a)
{
	uint16_t n = kn_nla_len(a);

	return n && !((const char *)kn_nla_data(a))[n - 1] &&
	       strlen(kn_nla_data(a)) == n - 1u;
}

/* One doll message into e; false if it breaks the protocol. */
static bool parse(const struct nlmsghdr *nlh, struct entry *e)
{
	unsigned int have = 0;
	size_t len;
	const void *attrs = kn_genl_attrs(nlh, &len);

	memset(e, 0, sizeof(*e));
	kn_nla_for_each(a, attrs, len) {
		uint16_t t = kn_nla_type(a);
		uint32_t v = 0;

		if (t > KVM_NEST_A_DOLL_MAX)
			continue;
		if (doll_size[t] && kn_nla_len(a) != doll_size[t])
			return false;
		if ((t == KVM_NEST_A_DOLL_PATH || t == KVM_NEST_A_DOLL_NAME) && !is_string(a))
			return false;
		if (doll_size[t] == 4)
			memcpy(&v, kn_nla_data(a), 4);
		switch (t) {
		case KVM_NEST_A_DOLL_ID: e->id = v; break;
		case KVM_NEST_A_DOLL_LEVEL: e->level = v; break;
		case KVM_NEST_A_DOLL_PARENT: e->parent = v; break;
		case KVM_NEST_A_DOLL_PID: e->pid = v; break;
		case KVM_NEST_A_DOLL_PATH:
			snprintf(e->path, sizeof(e->path), "%s", (const char *)kn_nla_data(a));
			break;
		}
		have |= 1u << t;
	}
	return (have & (1u << KVM_NEST_A_DOLL_ID)) && (have & (1u << KVM_NEST_A_DOLL_PATH)) &&
	       (have & (1u << KVM_NEST_A_DOLL_LEVEL)) && (have & (1u << KVM_NEST_A_DOLL_PARENT));
}

static bool dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump *d = arg;

	if (d->n == MAX_DOLLS || !parse(nlh, &d->e[d->n]))
		d->bad++;
	else
		d->n++;
	return true;
}

static const struct entry *find(const struct dump *d, unsigned int before, uint32_t id)
{
	for (unsigned int i = 0; i < before; i++)
		if (d->e[i].id == id)
			return &d->e[i];
	return NULL;
}

/* The checks of a dump the kernel says is consistent. */
static void check_clean(const struct dump *d, pid_t churner, struct totals *t)
{
	unsigned int pool = 0;
	bool dup = false, order = false;

	for (unsigned int i = 0; i < d->n; i++) {
		const struct entry *e = &d->e[i], *p;
		char want[PATH_LEN];

		dup |= find(d, i, e->id) != NULL;
		p = e->parent ? find(d, i, e->parent) : NULL;
		if (e->parent && !p)
			order = true;
		else if (p)
			snprintf(want, sizeof(want), "%s/%u", p->path, e->id);
		else
			snprintf(want, sizeof(want), "%u", e->id);
		order |= strcmp(e->path, want) || e->level != (p ? p->level + 1 : 1);
		pool += e->pid == (uint32_t)churner;
	}
	t->dup += dup;
	t->order += order;
	t->pool += pool + 1 < POOL || pool > POOL + 1;
}

/* The child: a pool of VMs, replaced one by one until the time is up. */
static noreturn void churn(int wfd, unsigned int seconds)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm[POOL];
	unsigned int cycles = 0;
	time_t end;

	if (kvm < 0)
		_exit(2);
	for (int i = 0; i < POOL; i++)
		if ((vm[i] = ioctl(kvm, KVM_CREATE_VM, 0)) < 0)
			_exit(3);
	if (write(wfd, "R", 1) != 1)
		_exit(4);
	for (end = time(NULL) + seconds; time(NULL) < end; cycles++) {
		close(vm[cycles % POOL]);
		vm[cycles % POOL] = ioctl(kvm, KVM_CREATE_VM, 0);
		if (vm[cycles % POOL] < 0)
			_exit(3);
	}
	/* Report before the pool goes: the parent stops dumping first. */
	if (write(wfd, &cycles, sizeof(cycles)) != sizeof(cycles))
		_exit(4);
	_exit(0);
}

static unsigned int seconds(void)
{
	const char *s = getenv("KN_DUMP_SECONDS");

	return s ? (unsigned int)kn_arg_ulong(s, "KN_DUMP_SECONDS") : SECONDS;
}

int main(void)
{
	static struct kn_genl g;
	static struct dump d;
	struct totals t = { 0 };
	struct kn_genl_msg m;
	struct kn_genl_ack ack;
	unsigned int cycles = 0;
	int pfd[2], status, err;
	char ready;
	pid_t pid;

	/* One page per read: the kernel then fills dump parts of one page. */
	err = kn_genl_open_sized(&g, KVM_NEST_GENL_NAME, (size_t)sysconf(_SC_PAGESIZE));
	if (err == -ENOENT)
		kn_skip_rest("family %s not registered: kvm-nest not loaded", KVM_NEST_GENL_NAME);
	if (err)
		kn_bail("looking up family %s: %s", KVM_NEST_GENL_NAME, strerror(-err));
	if (access("/dev/kvm", R_OK | W_OK))
		kn_skip_rest("/dev/kvm: %s", strerror(errno));
	kn_plan(7);

	if (pipe(pfd))
		kn_die("pipe");
	pid = fork();
	if (pid < 0)
		kn_die("fork");
	if (!pid) {
		close(pfd[0]);
		churn(pfd[1], seconds());
	}
	close(pfd[1]);
	if (read(pfd[0], &ready, 1) != 1)
		kn_bail("the child could not create %d VMs", POOL);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);

	while (read(pfd[0], &cycles, sizeof(cycles)) != sizeof(cycles)) {
		d.n = d.bad = 0;
		kn_genl_msg_init(&m, g.family, NLM_F_DUMP, KVM_NEST_CMD_DOLL_GET,
				 KVM_NEST_GENL_VERSION);
		kn_genl_xfer(&g, &m, dump_cb, &d, &ack);
		t.dumps++;
		t.msgs += ack.msgs;
		t.bad += d.bad;
		if (ack.error && !t.errors++)
			kn_diag("dump %u failed: %s", t.dumps, strerror(-ack.error));
		if (ack.reads > t.max_reads)
			t.max_reads = ack.reads;
		if (ack.intr) {
			t.flagged++;
		} else if (!ack.error) {
			t.clean++;
			check_clean(&d, pid, &t);
		}
	}
	waitpid(pid, &status, 0);

	kn_ok(t.dumps && !t.bad && !t.errors,
	      "%u dumps, %u messages: %u did not parse, %u dumps failed",
	      t.dumps, t.msgs, t.bad, t.errors);
	kn_ok(t.clean && !t.dup, "%u unflagged dumps, %u with an id twice", t.clean, t.dup);
	kn_ok(t.clean && !t.order,
	      "unflagged dumps: %u with a doll before its parent or a wrong path or level",
	      t.order);
	kn_ok(t.clean && !t.pool, "unflagged dumps: %u without %d to %d dolls of the pool",
	      t.pool, POOL - 1, POOL + 1);
	kn_ok(t.max_reads > 2, "dumps took up to %u reads", t.max_reads);
	kn_ok(t.flagged > 0, "%u of %u dumps flagged NLM_F_DUMP_INTR", t.flagged, t.dumps);
	kn_ok(cycles >= 10 && WIFEXITED(status) && !WEXITSTATUS(status),
	      "the child replaced a VM %u times while we dumped (exit status %d)",
	      cycles, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	kn_genl_close(&g);
	kn_finish();
}
