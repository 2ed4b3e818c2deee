// SPDX-License-Identifier: GPL-2.0
/*
 * Helper for shell tests (env_depth), not a test itself: a VM whose guest
 * is a child kvm-nest in miniature.  It checks CPUID for KVM, says HELLO
 * to the kvm-nest of the kernel this runs on (its parent), then FETCHes
 * every -i milliseconds and parses the answer itself: its own envelope
 * (KVM_NEST_CH_A_SELF) and usage.  Each fetch ends in a ucall; this VMM
 * prints what the guest read when it changes, and every -p seconds:
 *   kn-hello ret=<RAX> version=<v> depth=<d>
 *   kn-fetch depth=<d> len=<RAX> sent=<fields> cpu.limit=<max|c.ccc>
 *     cpu.reserve=<c.ccc> cpu.weight=<w|-> cpus=<list|-> mem.limit=<max|bytes>
 *     mem.reserve=<bytes> usage.cpu=<c.ccc> usage.mem=<bytes> cmds=<n> bad=<n>
 * (one line; unset fields read as /sys/kernel/kvm_nest/envelope shows
 * them).  Runs -s SECONDS (0: until killed); exits 1 if an answer was
 * malformed.  Arguments after "--" are ignored: "-- -name NAME" names the
 * doll, as QEMU's -name does.
 * -R BYTES: right after HELLO the guest REPORTs one doll of its own,
 * "hostile", whose envelope reserves BYTES of RAM and 64 CPUs, whatever
 * its own envelope, on CPUs "255,0-254", more than this host has
 * (env_overcommit); the VMM prints
 *   kn-report ret=<RAX>
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kn_chan_report.h"
#include "kn_chan_self.h"
#include "kn_hypercall.h"
#include "kn_tap.h"
#include "kn_time.h"
#include "kn_vm.h"
#include "kn_x86.h"

/* What the guest saw; the VMM reads the guest's copy. */
static struct {
	uint32_t kvm;			/* CPUID 0x40000000 says KVM */
	int64_t hello;			/* RAX of HELLO */
	struct kvm_nest_ch_hello h;	/* as the parent wrote it back */
	int64_t report;			/* RAX of the -R REPORT */
	int64_t fetch;			/* RAX of the last FETCH */
	uint64_t fetches;
	struct kn_chan_self self;
} seen;

static uint8_t answer[KVM_NEST_CH_FETCH_MAX] __attribute__((aligned(4096)));
/* -R: the VMM writes the report here before the guest runs. */
static uint8_t report[512] __attribute__((aligned(8)));
static uint64_t report_len;

static void child(uint64_t arg)
{
	struct kn_cpuid sig = kn_cpuid(0x40000000, 0);

	(void)arg;
	/* "KVMKVMKVM\0\0\0": a child kvm-nest calls only on KVM. */
	seen.kvm = sig.ebx == 0x4b4d564b && sig.ecx == 0x564b4d56 &&
		   sig.edx == 0x4d;
	if (seen.kvm) {
		seen.h.version = KVM_NEST_CH_VERSION;
		seen.hello = kn_hypercall(KVM_NEST_HC, KVM_NEST_CH_HELLO,
					  (uint64_t)&seen.h, sizeof(seen.h));
		if (!seen.hello && report_len)
			seen.report = kn_hypercall(KVM_NEST_HC,
						   KVM_NEST_CH_REPORT,
						   (uint64_t)report, report_len);
	}
	KN_GUEST_SYNC(seen.hello, 0);
	for (;;) {
		seen.fetch = kn_hypercall(KVM_NEST_HC, KVM_NEST_CH_FETCH,
					  (uint64_t)answer, sizeof(answer));
		seen.fetches++;
		if (seen.fetch > 0 && seen.fetch <= (int64_t)sizeof(answer))
			kn_chan_self_parse(&seen.self, answer, (uint64_t)seen.fetch);
		KN_GUEST_SYNC(seen.fetch, seen.fetches);
	}
}

static void cpu(char *buf, size_t len, uint32_t milli, const char *none)
{
	if (none && !milli)
		snprintf(buf, len, "%s", none);
	else
		snprintf(buf, len, "%u.%03u", milli / 1000, milli % 1000);
}

/* The envelope part of a kn-fetch line: what the parent sent. */
static void envelope(char *buf, size_t len, const struct kn_chan_self *s)
{
	/* From KVM_NEST_A_ENV_CPU_LIMIT on, in the uapi's order. */
	static const char *const names[] = { "cpu.limit", "cpu.reserve",
		"cpu.weight", "cpus", "mem.limit", "mem.reserve" };
	char sent[96] = "", lim[16], res[16], w[16] = "-", ml[24] = "max";
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (s->have & KN_CHAN_SELF_ENV(KVM_NEST_A_ENV_CPU_LIMIT + i))
			snprintf(sent + strlen(sent), sizeof(sent) - strlen(sent),
				 "%s%s", sent[0] ? "," : "", names[i]);
	cpu(lim, sizeof(lim), s->cpu_limit, "max");
	cpu(res, sizeof(res), s->cpu_reserve, NULL);
	if (s->cpu_weight)
		snprintf(w, sizeof(w), "%u", s->cpu_weight);
	if (s->mem_limit)
		snprintf(ml, sizeof(ml), "%lu", s->mem_limit);
	snprintf(buf, len, "sent=%s cpu.limit=%s cpu.reserve=%s cpu.weight=%s cpus=%s mem.limit=%s mem.reserve=%lu",
		 sent[0] ? sent : "none", lim, res, w, s->cpus[0] ? s->cpus : "-",
		 ml, s->mem_reserve);
}

/*
 * One level-1 doll of ours, "hostile", reserving @mem bytes and 64 CPUs,
 * on 256 of our CPUs, listed out of order: the parent merges the list.
 */
static uint64_t hostile(uint8_t *buf, size_t cap, uint64_t mem)
{
	struct kn_ch_doll d = {
		.id = 1, .level = 1, .name = "hostile",
		.have = KN_CH_NEEDED | KN_CH_HAVE(KVM_NEST_A_DOLL_NAME),
	};
	struct kn_nla b;
	size_t doll, env;

	kn_nla_init(&b, buf, cap);
	doll = kn_nla_nest(&b, KVM_NEST_CH_A_DOLL);
	kn_ch_doll_attrs(&b, &d);
	env = kn_nla_nest(&b, KVM_NEST_A_DOLL_ENV);
	kn_nla_u32(&b, KVM_NEST_A_ENV_CPU_RESERVE, 64000);
	kn_nla_u64(&b, KVM_NEST_A_ENV_MEM_RESERVE, mem);
	kn_nla_str(&b, KVM_NEST_A_ENV_CPUS, "255,0-254");
	kn_nla_end(&b, env);
	kn_nla_end(&b, doll);
	return b.len;
}

static void nap(unsigned long ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	/* -s, -i, -p: until killed, 4 fetches a second, a line every 5 s */
	static const char opts[] = "sipR";
	unsigned long val[] = { 0, 250, 5, 0 }, secs, every_ms, print_s, bad = 0;
	char env[256], last[256] = "", use[32];
	uint64_t t0, printed = 0;
	__typeof__(seen) *g;
	struct kn_vcpu *vcpu;
	struct kn_vm vm;
	int64_t last_ret = 0;
	int opt;

	while ((opt = getopt(argc, argv, "s:i:p:R:")) != -1) {
		const char *o = strchr(opts, opt);

		if (opt == '?' || opt == ':' || !o)
			kn_bail("usage: %s [-s SECONDS] [-i MS] [-p SECONDS] [-R BYTES] [-- -name NAME]",
				argv[0]);
		val[o - opts] = kn_arg_ulong(optarg, "-s, -i, -p or -R");
	}
	secs = val[0];
	every_ms = val[1];
	print_s = val[2];
	setvbuf(stdout, NULL, _IOLBF, 0);

	kn_vm_create(&vm, KN_MEM_DEFAULT);
	vcpu = kn_vcpu_add(&vm, child, 0);
	g = KN_GUEST_VAR(&vm, seen);
	if (val[3])
		*KN_GUEST_VAR(&vm, report_len) =
			hostile(*KN_GUEST_VAR(&vm, report), sizeof(report),
				val[3]);
	kn_vcpu_expect(vcpu, KN_UC_SYNC);

	if (!g->kvm)
		kn_bail("the guest sees no KVM signature at CPUID 0x40000000");
	printf("kn-hello ret=%ld version=%u depth=%u\n", g->hello,
	       g->h.version, g->h.depth);
	if (g->hello)
		kn_bail("HELLO refused with %ld (-%d: the parent has no kvm-nest there)",
			g->hello, KN_HYPERCALL_ENOSYS);
	if (val[3])
		printf("kn-report ret=%ld\n", g->report);

	t0 = kn_now_ns();
	while (!secs || kn_now_ns() - t0 < secs * KN_NSEC) {
		kn_vcpu_expect(vcpu, KN_UC_SYNC);
		envelope(env, sizeof(env), &g->self);
		bad += g->self.bad != 0 || g->fetch <= 0;
		if (strcmp(env, last) || g->fetch != last_ret ||
		    kn_now_ns() - printed >= print_s * KN_NSEC) {
			cpu(use, sizeof(use), g->self.usage_cpu, NULL);
			printf("kn-fetch depth=%u len=%ld %s usage.cpu=%s usage.mem=%lu cmds=%u bad=%u\n",
			       g->h.depth, g->fetch, env, use,
			       g->self.usage_mem, g->self.cmds, g->self.bad);
			snprintf(last, sizeof(last), "%s", env);
			last_ret = g->fetch;
			printed = kn_now_ns();
		}
		nap(every_ms);
	}
	printf("ch_child: %lu fetches, %lu malformed or refused\n",
	       g->fetches, bad);
	kn_vm_destroy(&vm);
	return bad ? 1 : 0;
}
