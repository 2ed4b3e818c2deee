// SPDX-License-Identifier: GPL-2.0
/*
 * VM churn of the stress run (make stress): -n cycles (30 by default). In
 * each, a child process makes a VM whose guest code says HELLO and
 * registers 1 to 3 delegation policies (DELEGATE, fake contexts); we give
 * its doll an envelope (env-set by id: cpu.weight and mem.limit, applied
 * by the agent); then the child destroys the VM, or just exits and lets
 * the kernel do it.
 *
 * Every -r cycles (10 by default) a revocation check instead, also in a
 * child: a test L1 (lib/kn_deleg_l1.h) delegates its L2's CPUIDs; once L0
 * answers them (L1 sees none), the policy is revoked (classes 0, REVOKE_ALL
 * or a new HELLO, in turn) and L1 switches to a table with other values:
 * every one of L2's next CPUIDs must reach L1 and get L1's new answer,
 * none the revoked policy's.
 *
 * A cycle during which kvm-nest was unloaded or loaded (KN_STRESS_GEN,
 * see kn_stress.h) is "disturbed": its failures are counted apart.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "kn_deleg_l1.h"
#include "kn_dolls.h"
#include "kn_genl.h"
#include "kn_kmsg.h"
#include "kn_prng.h"
#include "kn_stress.h"
#include "kn_tap.h"
#include "kn_time.h"

#define BURST		50
#define BUSY_STEP_MS	20
#define BUSY_WAIT_MS	100000	/* past the 90 s any queued op may wait for a child */

struct opts {
	unsigned long cycles, every;
	uint64_t seed;
};

struct counts {
	unsigned long cycles, disturbed, bad_child, policies, pol_bad;
	unsigned long env_ok, env_err, env_busy, no_doll, revokes, rev_pass, rev_answered;
	unsigned long rev_unarmed, rev_disturbed, rev_skip;
	int first_env_err;
};

/* What a churn child tells us once its VM is set up. */
struct ready {
	int64_t hello, pol[3];
	uint32_t npol;
};

static void child_vm(struct kn_prng *p, int rfd, int gfd)
{
	static uint8_t buf[KVM_NEST_CH_DELEGATE_MAX];
	struct ready r = { 0 };
	struct kn_hypercall_queue q;
	struct kn_vm vm;
	uint64_t hello, pol;
	char go;

	kn_vm_create(&vm, KN_MEM_DEFAULT);
	hello = kn_vm_alloc(&vm, KN_PAGE_SIZE);
	pol = kn_vm_alloc(&vm, 3 * KN_PAGE_SIZE);
	*(struct kvm_nest_ch_hello *)kn_gpa(&vm, hello, 16) =
		(struct kvm_nest_ch_hello){ .version = KVM_NEST_CH_VERSION };
	kn_hypercall_init(&q, &vm, 8, NULL);
	kn_hypercall_add(&q, KVM_NEST_HC, KVM_NEST_CH_HELLO, hello, sizeof(struct kvm_nest_ch_hello));
	r.npol = (uint32_t)kn_range(p, 1, 3);
	for (uint32_t i = 0; i < r.npol; i++) {
		struct kvm_nest_ch_cpuid e = { .function = 0x80000002 + i, .eax = (uint32_t)kn_rand(p) };
		size_t len = kn_deleg_put(buf, (1UL << 32) + i * KN_PAGE_SIZE,
					  KVM_NEST_DELEG_CPUID | KVM_NEST_DELEG_PAUSE, 0, &e, 1);

		memcpy(kn_gpa(&vm, pol + i * KN_PAGE_SIZE, len), buf, len);
		kn_hypercall_add(&q, KVM_NEST_HC, KVM_NEST_CH_DELEGATE, pol + i * KN_PAGE_SIZE, len);
	}
	kn_hypercall_flush(&q);
	r.hello = q.calls[0].ret;
	for (uint32_t i = 0; i < r.npol; i++)
		r.pol[i] = q.calls[1 + i].ret;
	if (write(rfd, &r, sizeof(r)) != sizeof(r) || read(gfd, &go, 1) != 1)
		_exit(3);
	if (go == 'd') {
		kn_hypercall_end(&q);
		kn_vm_destroy(&vm);
	}
	_exit(0);
}

static int env_set_once(uint32_t id, uint32_t weight, uint64_t mem)
{
	static struct kn_genl g;
	static struct kn_genl_msg m;
	struct kn_genl_ack ack;
	long nest;
	int err = kn_genl_open(&g, KVM_NEST_GENL_NAME);

	if (err)
		return err;
	kn_genl_msg_init(&m, g.family, 0, KVM_NEST_CMD_ENV_SET, KVM_NEST_GENL_VERSION);
	kn_genl_put_u32(&m, KVM_NEST_A_DOLL_ID, id);
	nest = kn_genl_put(&m, KVM_NEST_A_DOLL_ENV, NULL, 0);
	kn_genl_put_u32(&m, KVM_NEST_A_ENV_CPU_WEIGHT, weight);
	kn_genl_put(&m, KVM_NEST_A_ENV_MEM_LIMIT, &mem, sizeof(mem));
	((struct nlattr *)(m.bytes + nest))->nla_type |= NLA_F_NESTED;
	((struct nlattr *)(m.bytes + nest))->nla_len = (uint16_t)(m.nlh.nlmsg_len - nest);
	err = kn_genl_xfer(&g, &m, NULL, NULL, &ack);
	kn_genl_close(&g);
	return err;
}

/*
 * EBUSY is kvm-nest's back-pressure (KN_NL_OPS_MAX changes under way, which
 * stress_nl's flood keeps full): a client tries again, as the refusal says.
 * Up to BUSY_WAIT_MS: every queued op ends within the parent's 90 s bound
 * on a child's answer (stress_nl's pings may hit a fuzzed child's reported
 * dolls, which never answer), so a client that waits longer always gets
 * in.  The refusals are counted.
 */
static int env_set(struct counts *c, uint32_t id, struct kn_prng *p)
{
	uint64_t mem = kn_range(p, 256, 1024) << 20;
	uint32_t weight = (uint32_t)kn_range(p, 1, 10000);

	for (unsigned int ms = 0;; ms += BUSY_STEP_MS) {
		int err = env_set_once(id, weight, mem);

		if (err != -EBUSY || ms >= BUSY_WAIT_MS)
			return err;
		c->env_busy++;
		usleep(BUSY_STEP_MS * 1000);
	}
}

/*
 * The id of @pid's level-1 doll in debugfs, or 0. Not kn_dolls_read(): the
 * file comes and goes with the module, and a load must not bail on that.
 */
static uint32_t doll_of(pid_t pid)
{
	FILE *f = fopen(KN_DOLLS_FILE, "r");
	unsigned int id, level, parent, p;
	char line[512];
	uint32_t found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "doll id=%u level=%u parent=%u kind=%*s pid=%u", &id, &level,
			   &parent, &p) == 4 && level == 1 && p == (unsigned int)pid)
			found = id;
	fclose(f);
	return found;
}

static void churn_cycle(struct counts *c, struct kn_prng *p)
{
	int rp[2], gp[2], status;
	struct ready r;
	uint64_t gen = kn_stress_gen();
	bool bad = false;
	uint32_t id;
	pid_t pid;
	char go = kn_one_in(p, 2) ? 'd' : 'x';
	uint64_t seed = kn_rand(p);

	if (pipe(rp) || pipe(gp))
		kn_die("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		kn_die("fork");
	if (!pid) {
		struct kn_prng cp = { seed };

		close(rp[0]);
		close(gp[1]);
		child_vm(&cp, rp[1], gp[0]);
	}
	close(rp[1]);
	close(gp[0]);
	if (read(rp[0], &r, sizeof(r)) == sizeof(r)) {
		bad |= r.hello != 0;
		for (uint32_t i = 0; i < r.npol; i++) {
			c->policies += r.pol[i] == 0;
			bad |= r.pol[i] != 0;
		}
		c->pol_bad += bad;
		id = doll_of(pid);
		if (!id) {
			c->no_doll++;
			bad = true;
		} else {
			int err = env_set(c, id, p);

			if (err) {
				c->env_err++;
				bad = true;
				if (!c->first_env_err)
					c->first_env_err = err;
			} else {
				c->env_ok++;
			}
		}
	} else {
		bad = true;
	}
	if (write(gp[1], &go, 1) != 1)
		bad = true;
	close(rp[0]);
	close(gp[1]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		bad = true;
	c->cycles++;
	if (kn_stress_disturbed(gen))
		c->disturbed++;
	else if (bad)
		c->bad_child++;
}

/* ---- the revocation check ---- */

static uint32_t val(uint32_t fn, unsigned int reg)
{
	return (fn * 0x9e3779b1U ^ reg * 0x27d4eb2fU) | 0x80000000U;
}

static const struct kn_deleg_l1_query hits[] = {
	{ 0x0, 0 }, { 0x6, 0 }, { 0x80000000, 0 }, { 0x80000002, 0 }, { 0x80000008, 0 },
};
#define NHITS (sizeof(hits) / sizeof(hits[0]))

static void burst(struct kn_deleg_l1 *t, uint32_t n)
{
	kn_deleg_l1_burst(t, hits, NHITS, n, NULL);
}

/* Exit: 0 passed, 1 the policy never answered, 2 a revoked policy answered. */
static int revoke_child(unsigned int how)
{
	static struct kn_deleg_l1 a;
	struct kn_deleg_l1_table t = { 0 }, t2;
	int64_t r;

	for (unsigned int i = 0; i < NHITS; i++)
		t.e[t.n++] = (struct kvm_nest_ch_cpuid){ .function = hits[i].leaf,
			.eax = val(hits[i].leaf, 0), .ebx = val(hits[i].leaf, 1),
			.ecx = val(hits[i].leaf, 2), .edx = val(hits[i].leaf, 3) };
	t2 = t;
	for (unsigned int i = 0; i < t2.n; i++)
		t2.e[i].eax ^= 0x5a5a;
	kn_deleg_l1_start(&a, KN_MEM_DEFAULT, &t, &t2);
	a.j->nq = 0;
	kn_deleg_l1_run(&a, KN_DELEG_L2_SEQ, NULL);
	r = kn_deleg_l1_hello(&a);
	r |= kn_deleg_l1_delegate(&a, a.ctx, KVM_NEST_DELEG_CPUID, 0, &t);
	if (r)
		return 1;
	kn_deleg_l1_warm(&a, hits, NHITS);
	burst(&a, BURST);
	if (a.j->l1_cpuid || a.j->l2_bad)
		return 1;
	switch (how % 3) {
	case 0:
		r = kn_deleg_l1_delegate(&a, a.ctx, 0, 0, NULL);
		break;
	case 1:
		r = kn_deleg_l1_delegate(&a, 0, 0, KVM_NEST_DELEG_F_REVOKE_ALL, NULL);
		break;
	default:
		r = kn_deleg_l1_hello(&a);
		break;
	}
	if (r)
		return 1;
	a.j->cur = 1;	/* L1 (and L2's check) now use t2 */
	burst(&a, BURST);
	if (a.j->l1_cpuid != BURST || a.j->l2_bad)
		return 2;
	kn_deleg_l1_stop(&a);
	return 0;
}

static void revoke_check(struct counts *c)
{
	uint64_t gen = kn_stress_gen();
	unsigned int how = (unsigned int)c->revokes;
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		kn_die("fork");
	if (!pid)
		_exit(revoke_child(how));
	waitpid(pid, &status, 0);
	c->revokes++;
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 0xff;
	if (status && kn_stress_disturbed(gen))
		c->rev_disturbed++;
	else if (status == 0)
		c->rev_pass++;
	else if (status == 2)
		c->rev_answered++;
	else if (status == KN_EXIT_SKIP)
		c->rev_skip++;
	else
		c->rev_unarmed++;
}

static void parse(int argc, char **argv, struct opts *o)
{
	int opt;

	o->cycles = 30;
	o->every = 10;
	o->seed = kn_now_ns() ^ (uint64_t)getpid() << 32;
	while ((opt = getopt(argc, argv, "n:r:s:")) != -1) {
		if (opt == 'n')
			o->cycles = kn_arg_ulong(optarg, "-n");
		else if (opt == 'r' && kn_arg_ulong(optarg, "-r"))
			o->every = kn_arg_ulong(optarg, "-r");
		else if (opt == 's')
			o->seed = kn_arg_ulong(optarg, "-s");
		else
			kn_bail("usage: %s [-n CYCLES] [-r REVOKE-CHECK-EVERY] [-s SEED]", argv[0]);
	}
}

int main(int argc, char **argv)
{
	struct counts c = { 0 };
	struct kn_kmsg log;
	struct kn_vm probe;
	const char *why;
	struct opts o;
	struct kn_prng p;
	uint64_t t0;
	int accel0 = -1;
	FILE *f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse(argc, argv, &o);
	p.s = o.seed;
	kn_vm_create(&probe, KN_MEM_DEFAULT);	/* skips without KVM */
	kn_vm_destroy(&probe);
	if (!kn_accounting(&why))
		kn_skip_rest("%s", why);
	f = fopen(KN_ACCEL_PARAM, "r");
	if (f && fscanf(f, "%d", &accel0) != 1)
		accel0 = -1;
	if (f)
		fclose(f);
	kn_plan(5);
	kn_diag("seed %#lx (replay: -s %#lx -n %lu -r %lu)", o.seed, o.seed, o.cycles, o.every);
	kn_kmsg_open(&log);
	t0 = kn_now_ns();
	for (unsigned long i = 1; i <= o.cycles; i++) {
		if (i % o.every == 0)
			revoke_check(&c);
		churn_cycle(&c, &p);
	}
	t0 = kn_now_ns() - t0;
	f = accel0 >= 0 ? fopen(KN_ACCEL_PARAM, "w") : NULL;
	if (f) {
		fprintf(f, "%d\n", accel0);
		fclose(f);
	}
	kn_kmsg_scan(&log);
	kn_diag("%lu cycles in %.1f s (%.1f/s): %lu policies registered, %lu envelopes set (%lu busy and tried again, %lu refused, the first: %s), %lu dolls not found, %lu cycles disturbed",
		c.cycles, t0 / 1e9, c.cycles * 1e9 / (t0 ? t0 : 1), c.policies, c.env_ok,
		c.env_busy, c.env_err, c.first_env_err ? strerror(-c.first_env_err) : "-", c.no_doll,
		c.disturbed);
	kn_diag("revocation checks: %lu: %lu passed, %lu answered from a revoked policy, %lu never armed, %lu disturbed, %lu skipped",
		c.revokes, c.rev_pass, c.rev_answered, c.rev_unarmed, c.rev_disturbed, c.rev_skip);
	kn_ok(c.cycles == o.cycles && !c.bad_child,
	      "%lu of %lu cycles, %lu undisturbed ones failed (HELLO, policy, doll, envelope or exit)",
	      c.cycles, o.cycles, c.bad_child);
	/* A pass run wholly while kvm-nest was away (a module cycle) attaches nothing. */
	kn_ok((c.policies && c.env_ok) || c.disturbed == c.cycles,
	      "policies (%lu) and envelopes (%lu) were attached (%lu of %lu cycles disturbed: not judged when all were)",
	      c.policies, c.env_ok, c.disturbed, c.cycles);
	kn_ok(!c.rev_answered, "no answer from a revoked policy (%lu checks answered from one)",
	      c.rev_answered);
	/*
	 * A pass that ran wholly while kvm-nest was reloaded judges no check;
	 * stress-host.sh then asks for some over all passes (judged=).
	 */
	kn_ok((c.rev_pass || c.rev_disturbed == c.revokes) && !c.rev_unarmed,
	      "revocation checks: %lu passed, %lu disturbed of %lu, %lu where the policy never answered",
	      c.rev_pass, c.rev_disturbed, c.revokes, c.rev_unarmed);
	kn_ok(log.fd >= 0 && !log.problems,
	      "kernel log: %u records, %u WARN/BUG/Oops lines%s%s (%u lost)",
	      log.lines, log.problems, log.problems ? ", the first: " : "",
	      log.first, log.lost);
	kn_diag("STRESS churn cycles=%lu disturbed=%lu revokes=%lu judged=%lu seconds=%.1f",
		c.cycles, c.disturbed, c.revokes, c.rev_pass, t0 / 1e9);
	kn_kmsg_close(&log);
	kn_finish();
}
