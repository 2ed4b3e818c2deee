// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../include/uapi/linux/kvm_nest.h"
#include "kn_apic.h"
#include "kn_cpuforms.h"
#include "kn_deleg_l1.h"
#include "kn_doll_netlink.h"
#include "kn_dolls.h"
#include "kn_l2.h"
#include "kn_l2_extras.h"
#include "kn_tap.h"

static struct kn_deleg_l1_job job;
static struct kn_l2 l2;

/*
 * Values with both halves and their high bits set, so that a lost EDX or
 * a sign extension would show. 0x345 L1 keeps to itself; 0xce it lets
 * L2 write without seeing it; 0x8b it does not intercept at all.
 */
const struct kn_deleg_l1_msr kn_deleg_l1_msrs[] = {
	{ 0xfe, KN_DELEG_L1_RD | KN_DELEG_L1_WR, 0x80000fe1c0de0fe1UL },
	{ 0x10a, KN_DELEG_L1_RD | KN_DELEG_L1_WR, 0x8000010ac0de010aUL },
	{ 0x1a0, KN_DELEG_L1_RD | KN_DELEG_L1_WR, 0x800001a0c0de01a0UL },
	{ 0xc0011029, KN_DELEG_L1_RD | KN_DELEG_L1_WR, 0x80001029c0de1029UL },
	{ 0x345, KN_DELEG_L1_RD | KN_DELEG_L1_WR, 0x80000345c0de0345UL },
	{ 0xce, KN_DELEG_L1_RD, 0x800000cec0de00ceUL },
	{ 0x8b, 0, 0 },
};
const unsigned int kn_deleg_l1_nr_msrs = sizeof(kn_deleg_l1_msrs) / sizeof(kn_deleg_l1_msrs[0]);
_Static_assert(sizeof(kn_deleg_l1_msrs) / sizeof(kn_deleg_l1_msrs[0]) <= KN_DELEG_L1_MAX_M, "KN_DELEG_L1_MAX_M");

int kn_deleg_l1_msr_find(uint32_t index)
{
	for (unsigned int i = 0; i < kn_deleg_l1_nr_msrs; i++)
		if (kn_deleg_l1_msrs[i].index == index)
			return (int)i;
	return -1;
}

/* Guest code (L1 and L2), and host code. */
struct kn_cpuid kn_deleg_l1_answer(const struct kn_deleg_l1_table *t, uint32_t leaf,
			      uint32_t sub)
{
	const struct kvm_nest_ch_cpuid *e = kn_deleg_find(t->e, t->n, leaf, sub);

	if (e)
		return (struct kn_cpuid){ e->eax, e->ebx, e->ecx, e->edx };
	return (struct kn_cpuid){ ~leaf, KN_DELEG_L1_MAGIC, sub, leaf ^ sub };
}

/* Guest: L1's current answer. */
static struct kn_cpuid answer(uint32_t leaf, uint32_t sub)
{
	return kn_deleg_l1_answer(&job.tab[job.cur], leaf, sub);
}

static void l2_burst(void)
{
	for (uint32_t i = 0; i < job.n; i++) {
		struct kn_deleg_l1_query q = job.q[i % job.nq];
		struct kn_cpuid r = kn_cpuid(q.leaf, q.sub), a = answer(q.leaf, q.sub);

		if (r.eax != a.eax || r.ebx != a.ebx || r.ecx != a.ecx || r.edx != a.edx)
			job.l2_bad++;
	}
}

/* L2: a job per VMMCALL, forever. */
static void l2_main(uint64_t arg)
{
	(void)arg;
	for (;;) {
		switch (job.l2op) {
		case KN_DELEG_L2_SEQ:
			for (uint32_t i = 0; i < job.nq; i++)
				job.res[i] = kn_cpuid(job.q[i].leaf, job.q[i].sub);
			break;
		case KN_DELEG_L2_BURST:
			l2_burst();
			break;
		case KN_DELEG_L2_FORMS:
			kn_cpuid_forms();
			break;
		case KN_DELEG_L2_PAUSED:
			/* L1 does not intercept I/O: the ucall goes to L0's host. */
			l2_burst();
			KN_GUEST_SYNC(KN_DELEG_L2_SYNC, 0);
			l2_burst();
			break;
		case KN_DELEG_L2_MSRS:
			for (uint32_t i = 0; i < job.nmq; i++) {
				job.mres[i] = kn_rdmsr(job.mq[i]);
				if (job.mcheck && job.mres[i] != job.mref[i])
					job.l2_bad++;
			}
			break;
		case KN_DELEG_L2_MSR_BURST:
			for (uint32_t i = 0; i < job.n; i++) {
				uint32_t m = job.mq[i % job.nmq];

				if (kn_rdmsr(m) != job.mval[kn_deleg_l1_msr_find(m)])
					job.l2_bad++;
			}
			break;
		case KN_DELEG_L2_MSR_WRITE:
			kn_wrmsr(job.wr_msr, job.wr_val);
			job.mres[0] = kn_rdmsr(job.wr_msr);
			break;
		case KN_DELEG_L2_BATCHES:
			for (uint32_t b = 0; b < job.batches; b++) {
				if (b) {
					job.more = 1;
					kn_l2_hypercall();
				}
				l2_burst();
			}
			break;
		}
		job.more = 0;
		kn_l2_hypercall();
	}
}

/* L1: answer a CPUID of L2 and skip it, whatever its encoding. */
static void l1_cpuid(void)
{
	struct kn_cpuid r = answer((uint32_t)l2.gprs.rax, (uint32_t)l2.gprs.rcx);
	struct kn_l2_extras_state s;
	unsigned int len = 0;

	l2.gprs.rax = r.eax;
	l2.gprs.rbx = r.ebx;
	l2.gprs.rcx = r.ecx;
	l2.gprs.rdx = r.edx;
	job.l1_cpuid++;
	if (kn_vendor == KN_AMD && !l2.nrips) {
		kn_l2_extras()->state(&l2, &s);
		len = kn_cpuid_len((const uint8_t *)s.rip);
		if (!len)
			KN_GUEST_FAIL("CPUID exit of L2 at no CPUID (rip)", s.rip, 0);
	}
	l2.ops->skip(&l2, len);
}

/* L1: an RDMSR or WRMSR of L2 (2 bytes, 0F 32 or 0F 30) of one of its MSRs. */
static void l1_msr(void)
{
	enum kn_l2_extras_exit k = kn_l2_extras()->kind(&l2);
	int i = kn_deleg_l1_msr_find((uint32_t)l2.gprs.rcx);

	if (i < 0 || (k != KN_X_RDMSR && k != KN_X_WRMSR))
		KN_GUEST_FAIL("unexpected L2 exit (code, msr)", l2.exit, l2.gprs.rcx);
	if (k == KN_X_RDMSR) {
		l2.gprs.rax = (uint32_t)job.mval[i];
		l2.gprs.rdx = job.mval[i] >> 32;
		job.l1_rdmsr++;
	} else {
		job.mval[i] = (uint32_t)l2.gprs.rax | l2.gprs.rdx << 32;
		job.l1_wrmsr++;
	}
	l2.ops->skip(&l2, 2);
}

/* L1: the HLT after kn_cpuid_forms(): the state its CPUIDs must leave. */
static void l1_hlt(void)
{
	const struct kn_form_in *in = &kn_forms_in[KN_FORMS - 1];
	struct kn_cpuid a = answer((uint32_t)in->rax, (uint32_t)in->rcx);
	const struct kn_gprs *g = &l2.gprs;
	struct kn_l2_extras_state s;
	uint32_t bad = 0;

	kn_l2_extras()->state(&l2, &s);
	job.hlt_rip = s.rip;
	job.hlt_rsp = s.rsp;
	if (s.rip != (uint64_t)kn_forms_hlt)
		bad |= KN_DELEG_L1_HLT_RIP;
	if (s.rsp != kn_forms_rsp)
		bad |= KN_DELEG_L1_HLT_RSP;
	if (g->rax != a.eax || g->rbx != a.ebx || g->rcx != a.ecx || g->rdx != a.edx)
		bad |= KN_DELEG_L1_HLT_ANSWER;
	if (g->rsi != KN_FORMS_CANARY(6) || g->rdi != KN_FORMS_CANARY(7) ||
	    g->rbp != KN_FORMS_CANARY(5) || g->r8 != KN_FORMS_CANARY(8) ||
	    g->r9 != KN_FORMS_CANARY(9) || g->r10 != KN_FORMS_CANARY(10) ||
	    g->r11 != KN_FORMS_CANARY(11) || g->r12 != KN_FORMS_CANARY(12) ||
	    g->r13 != KN_FORMS_CANARY(13) || g->r14 != KN_FORMS_CANARY(14) ||
	    g->r15 != KN_FORMS_CANARY(15))
		bad |= KN_DELEG_L1_HLT_CANARY;
	if (s.shadow)
		bad |= KN_DELEG_L1_HLT_SHADOW;
	job.hlt_bad |= bad;
	job.l1_hlt++;
	kn_l2_skip(&l2);
}

/* L1, mid-run: a refused call costs no token, and tokens come back each second. */
static int64_t l1_call(uint64_t op, uint64_t gpa, uint64_t len)
{
	int64_t ret = -KVM_NEST_EBUSY;

	for (unsigned long i = 0; i < 1000000 && ret == -KVM_NEST_EBUSY; i++)
		ret = kn_hypercall(KVM_NEST_HC, op, gpa, len);
	return ret;
}

static void l1_run(void)
{
	uint32_t b = 0;

	if (job.no_icpt && !kn_l2_extras()->intercept_cpuid(&l2, false))
		KN_GUEST_FAIL("CPUID cannot be let through on this vendor", 0, 0);
	for (;;) {
		switch (kn_l2_run(&l2)) {
		case KN_CPUID_EXIT:
			l1_cpuid();
			break;
		case KN_HLT_EXIT:
			l1_hlt();
			break;
		case KN_OTHER_EXIT:
			l1_msr();
			break;
		case KN_HYPERCALL_EXIT:
			kn_l2_skip(&l2);
			if (!job.more) {
				kn_l2_extras()->intercept_cpuid(&l2, true);
				return;
			}
			if (++b >= KN_DELEG_L1_MAX_B)
				KN_GUEST_FAIL("more batches than the schedule (batch)", b, 0);
			job.sched_ret[b] = l1_call(KVM_NEST_CH_DELEGATE,
						   job.sched[b].gpa, job.sched[b].len);
			job.cur = job.sched[b].tab;
			break;
		default:
			KN_GUEST_FAIL("unexpected L2 exit (code)", l2.exit, 0);
		}
	}
}

/* The host's calls, in order; stops at the first refused by the rate limit. */
static void l1_calls(void)
{
	uint32_t i;

	for (i = job.first; i < job.ncalls; i++) {
		struct kn_hypercall_call *c = &job.calls[i];

		c->ret = kn_hypercall(c->nr, c->op, c->gpa, c->len);
		if (c->ret == -KVM_NEST_EBUSY)
			break;
	}
	job.busy_at = i;
}

/* SVM or VMX on, L2 set up from scratch with L1's MSR intercepts. */
static void l1_setup(void)
{
	kn_l2_init(&l2, l2_main, 0);
	for (unsigned int i = 0; i < kn_deleg_l1_nr_msrs; i++) {
		if (kn_deleg_l1_msrs[i].icpt & KN_DELEG_L1_RD)
			kn_l2_extras()->intercept_rdmsr(&l2, kn_deleg_l1_msrs[i].index);
		if (kn_deleg_l1_msrs[i].icpt & KN_DELEG_L1_WR)
			kn_l2_extras()->intercept_wrmsr(&l2, kn_deleg_l1_msrs[i].index);
	}
	job.ctx_now = l2.ctx;
}

static void l1_main(uint64_t arg)
{
	(void)arg;
	l1_setup();
	KN_GUEST_SYNC(l2.ctx, l2.nrips);
	for (;;) {
		switch (job.op) {
		case KN_DELEG_L1_CALLS:
			l1_calls();
			break;
		case KN_DELEG_L1_RUN:
			l1_run();
			break;
		case KN_DELEG_L1_NATIVE:
			for (uint32_t i = 0; i < job.nq; i++)
				job.native[i] = kn_cpuid(job.q[i].leaf, job.q[i].sub);
			break;
		case KN_DELEG_L1_STGI:
			__asm__ __volatile__("stgi" ::: "memory");
			break;
		case KN_DELEG_L1_REINIT:
			if (job.off)
				l2.ops->disable(&l2);
			l1_setup();
			break;
		default:
			return;
		}
		KN_GUEST_SYNC(0, 0);
	}
}

/* ---- host ---- */

void kn_accel_set(int v)
{
	FILE *f = fopen(KN_ACCEL_PARAM, "w");

	if (!f || fprintf(f, "%d\n", v) < 0 || fclose(f))
		kn_die("writing " KN_ACCEL_PARAM);
}

int kn_accel_get(void)
{
	FILE *f = fopen(KN_ACCEL_PARAM, "r");
	int v = -1;

	if (!f)
		kn_bail("%s: %s: kvm-nest has no accel parameter (built without delegation?)",
			KN_ACCEL_PARAM, strerror(errno));
	if (fscanf(f, "%d", &v) != 1)
		kn_bail("%s: not a number", KN_ACCEL_PARAM);
	fclose(f);
	return v;
}

unsigned long kn_deleg_l1_arg_n(int argc, char **argv, unsigned long n)
{
	int opt;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt == 'n')
			n = kn_arg_ulong(optarg, "-n");
		else
			kn_bail("usage: %s [-n CPUIDS]", argv[0]);
	}
	return n;
}

static int accel0 = -1;

static void accel_restore(void)
{
	if (accel0 >= 0)
		kn_accel_set(accel0);
}

int kn_deleg_l1_accel_keep(void)
{
	const char *why;

	if (!kn_accounting(&why))
		kn_bail("kvm-nest accounting: %s: delegation cannot be tested without kvm-nest", why);
	accel0 = kn_accel_get();
	atexit(accel_restore);
	/* Level-1 exits by code: L1's VMRUNs and CPUIDs. */
	kn_census_hold();
	return accel0;
}

static void start(struct kn_deleg_l1 *t, uint64_t mem, const struct kn_deleg_l1_table *t0,
		  const struct kn_deleg_l1_table *t1, bool irqchip)
{
	memset(t, 0, sizeof(*t));
	kn_vm_create(&t->vm, mem);
	kn_vm_require_nested(&t->vm);
	if (irqchip)
		kn_apic_vm(&t->vm);
	t->j = KN_GUEST_VAR(&t->vm, job);
	t->j->tab[0] = *t0;
	t->j->tab[1] = *t1;
	for (unsigned int i = 0; i < kn_deleg_l1_nr_msrs; i++)
		t->j->mval[i] = kn_deleg_l1_msrs[i].value;
	t->arena = kn_vm_alloc(&t->vm, KN_DELEG_L1_ARENA);
	t->vcpu = kn_vcpu_add(&t->vm, l1_main, 0);
	t->ctx = kn_vcpu_expect(t->vcpu, KN_UC_SYNC);
	if (t->ctx & (KN_PAGE_SIZE - 1))
		kn_bail("vmcb12/vmcs12 at %#lx is not page-aligned", t->ctx);
	if (t->vcpu->uc.args[1])
		kn_diag("NRIPS: L0 need not decode (its own decoder is not exercised)");
}

void kn_deleg_l1_start(struct kn_deleg_l1 *t, uint64_t mem, const struct kn_deleg_l1_table *t0,
		  const struct kn_deleg_l1_table *t1)
{
	start(t, mem, t0, t1, false);
}

void kn_deleg_l1_start_irqchip(struct kn_deleg_l1 *t, uint64_t mem,
			  const struct kn_deleg_l1_table *t0,
			  const struct kn_deleg_l1_table *t1)
{
	start(t, mem, t0, t1, true);
}

bool kn_deleg_l1_reinit(struct kn_deleg_l1 *t, bool off)
{
	t->j->off = off;
	t->j->ctx_now = 0;
	t->j->op = KN_DELEG_L1_REINIT;
	kn_vcpu_expect(t->vcpu, KN_UC_SYNC);
	return t->j->ctx_now == t->ctx;
}

void kn_deleg_l1_stgi(struct kn_deleg_l1 *t)
{
	if (kn_vendor != KN_AMD)
		kn_bail("STGI is an SVM instruction");
	t->j->op = KN_DELEG_L1_STGI;
	kn_vcpu_expect(t->vcpu, KN_UC_SYNC);
}

void kn_deleg_l1_stop(struct kn_deleg_l1 *t)
{
	t->j->op = KN_DELEG_L1_END;
	kn_vcpu_expect(t->vcpu, KN_UC_DONE);
	kn_vm_destroy(&t->vm);
}

/* Guest memory for a call's buffer; reused once the calls made are done. */
uint64_t kn_deleg_l1_put(struct kn_deleg_l1 *t, const void *data, size_t len)
{
	uint64_t gpa = t->arena + t->used, room = (len + 63) & ~63UL;

	if (t->used + room > KN_DELEG_L1_ARENA)
		kn_bail("call buffers over %lu bytes", KN_DELEG_L1_ARENA);
	memcpy(kn_gpa(&t->vm, gpa, len), data, len);
	t->used += room;
	return gpa;
}

/* Queues a DELEGATE of raw bytes; returns the call's index. */
unsigned int kn_deleg_l1_queue(struct kn_deleg_l1 *t, uint64_t gpa, uint64_t len)
{
	unsigned int i = t->j->ncalls++;

	if (i >= KN_DELEG_L1_MAX_CALLS)
		kn_bail("more than %u calls queued", KN_DELEG_L1_MAX_CALLS);
	t->j->calls[i] = (struct kn_hypercall_call){ KVM_NEST_HC, KVM_NEST_CH_DELEGATE, gpa, len, 0 };
	return i;
}

unsigned int kn_deleg_l1_queue_pol(struct kn_deleg_l1 *t, uint64_t ctx, uint32_t classes,
			      uint32_t flags, const struct kn_deleg_l1_table *tab)
{
	static uint8_t buf[KVM_NEST_CH_DELEGATE_MAX];
	bool msr = tab && classes & KVM_NEST_DELEG_RDMSR;
	size_t len = kn_deleg_put_msr(buf, ctx, classes, flags, tab ? tab->e : NULL,
				      tab ? tab->n : 0, msr ? tab->m : NULL,
				      msr ? tab->nm : 0);

	return kn_deleg_l1_queue(t, kn_deleg_l1_put(t, buf, len), len);
}

/* Makes the queued calls; on -EBUSY waits for the bucket and goes on. */
void kn_deleg_l1_flush(struct kn_deleg_l1 *t)
{
	uint32_t n = t->j->ncalls, first = 0;

	while (first < n) {
		t->j->op = KN_DELEG_L1_CALLS;
		t->j->first = first;
		kn_vcpu_expect(t->vcpu, KN_UC_SYNC);
		first = t->j->busy_at;
		if (first < n) {
			t->busy++;
			usleep(300000);
		}
	}
}

void kn_deleg_l1_reset(struct kn_deleg_l1 *t)
{
	t->j->ncalls = 0;
	t->used = 0;
}

int64_t kn_deleg_l1_call(struct kn_deleg_l1 *t, uint64_t op, uint64_t gpa, uint64_t len)
{
	unsigned int i;

	kn_deleg_l1_reset(t);
	i = kn_deleg_l1_queue(t, gpa, len);
	t->j->calls[i].op = op;
	kn_deleg_l1_flush(t);
	return t->j->calls[i].ret;
}

int64_t kn_deleg_l1_delegate(struct kn_deleg_l1 *t, uint64_t ctx, uint32_t classes,
			uint32_t flags, const struct kn_deleg_l1_table *tab)
{
	unsigned int i;

	kn_deleg_l1_reset(t);
	i = kn_deleg_l1_queue_pol(t, ctx, classes, flags, tab);
	kn_deleg_l1_flush(t);
	return t->j->calls[i].ret;
}

int64_t kn_deleg_l1_delegate_inner(struct kn_deleg_l1 *t, uint32_t inner, uint64_t ctx,
				   uint32_t classes, const struct kn_deleg_l1_table *tab)
{
	static uint8_t buf[KVM_NEST_CH_DELEGATE_MAX];
	bool msr = tab && classes & KVM_NEST_DELEG_RDMSR;
	size_t len = kn_deleg_put_msr(buf, ctx, classes, 0, tab ? tab->e : NULL,
				      tab ? tab->n : 0, msr ? tab->m : NULL,
				      msr ? tab->nm : 0);

	((struct kvm_nest_ch_delegate *)buf)->inner = inner;
	return kn_deleg_l1_call(t, KVM_NEST_CH_DELEGATE, kn_deleg_l1_put(t, buf, len), len);
}

int64_t kn_deleg_l1_hello(struct kn_deleg_l1 *t)
{
	struct kvm_nest_ch_hello h = { .version = KVM_NEST_CH_VERSION };

	kn_deleg_l1_reset(t);
	return kn_deleg_l1_call(t, KVM_NEST_CH_HELLO, kn_deleg_l1_put(t, &h, sizeof(h)), sizeof(h));
}

uint32_t kn_deleg_l1_msr_code(void)
{
	return kn_vendor == KN_AMD ? 0x7c : 31;	/* MSR / MSR_READ */
}

uint32_t kn_deleg_l1_vmrun_code(void)
{
	return kn_vendor == KN_AMD ? 0x80 : 24;	/* VMRUN / VMRESUME */
}

struct snap {
	bool ok;
	uint64_t cpuid, reflected, delegated, vmrun, l1doll_cpuid, msr;
};

/*
 * KVM's own memslots count in a doll's memory: VMX's APIC access page
 * (4 KiB) comes with an in-kernel irqchip. Our VMs differ by 8 MiB.
 */
#define KVM_SLOTS_MAX	(1UL << 20)

/* Our L1 doll (pid and memory size tell our VMs apart) and its ctx doll. */
static void snap(const struct kn_deleg_l1 *t, struct snap *s)
{
	const struct kn_doll *l1 = NULL, *c = NULL;
	unsigned int nl1 = 0;
	struct kn_dolls ds;
	int err;

	memset(s, 0, sizeof(*s));
	kn_dolls_read(&ds);
	for (unsigned int i = 0; i < ds.nr; i++)
		if (ds.d[i].level == 1 && ds.d[i].pid == (uint64_t)getpid() &&
		    ds.d[i].mem - t->vm.mem_size < KVM_SLOTS_MAX && !nl1++)
			l1 = &ds.d[i];
	for (unsigned int i = 0; l1 && i < ds.nr; i++)
		if (ds.d[i].level == 2 && ds.d[i].parent == l1->id && ds.d[i].ctx == t->ctx)
			c = &ds.d[i];
	s->ok = nl1 == 1 && c;
	if (!s->ok)
		kn_diag("dolls: %u level-1 of ours with %lu bytes, %s ctx doll at %#lx",
			nl1, t->vm.mem_size, c ? "a" : "no", t->ctx);
	if (c) {
		s->cpuid = kn_doll_exits(&ds, c->id, kn_exit_code(KN_CPUID_EXIT));
		s->msr = kn_doll_exits(&ds, c->id, kn_deleg_l1_msr_code());
		s->reflected = c->reflected;
		err = kn_doll_netlink_u64((uint32_t)c->id, KVM_NEST_A_DOLL_DELEGATED, &s->delegated);
		if (err) {
			kn_diag("doll %lu: no DELEGATED over netlink: %s", c->id, strerror(-err));
			s->ok = false;
		}
	}
	if (l1) {
		s->vmrun = kn_doll_exits(&ds, l1->id, kn_deleg_l1_vmrun_code());
		s->l1doll_cpuid = kn_doll_exits(&ds, l1->id, kn_exit_code(KN_CPUID_EXIT));
	}
	kn_dolls_free(&ds);
}

void kn_deleg_l1_show_dolls(const struct kn_deleg_l1 *t)
{
	uint32_t cpuid = kn_exit_code(KN_CPUID_EXIT);
	struct kn_dolls ds;

	kn_dolls_read(&ds);
	for (unsigned int i = 0; i < ds.nr; i++) {
		const struct kn_doll *d = &ds.d[i];
		uint64_t del = 0;

		if (d->pid != (uint64_t)getpid() && d->level != 2)
			continue;
		if (d->level == 2)
			kn_doll_netlink_u64((uint32_t)d->id, KVM_NEST_A_DOLL_DELEGATED, &del);
		kn_diag("doll %lu level %lu parent %lu pid %lu mem %lu ctx %#lx: exits %lu, CPUID %lu, reflected %lu, delegated %lu%s",
			d->id, d->level, d->parent, d->pid, d->mem, d->ctx, d->exits,
			kn_doll_exits(&ds, d->id, cpuid), d->reflected, del,
			d->level == 2 && d->ctx == t->ctx ? " (ours?)" : "");
	}
	kn_dolls_free(&ds);
}

/* L2 does @l2op, L1 what reaches it; counted if @d. */
void kn_deleg_l1_run_mid(struct kn_deleg_l1 *t, uint32_t l2op, struct kn_deleg_l1_delta *d,
		    void (*mid)(struct kn_deleg_l1 *t))
{
	struct snap a, b;

	t->j->l2op = l2op;
	t->j->l2_bad = t->j->l1_cpuid = t->j->l1_hlt = 0;
	t->j->hlt_bad = 0;
	t->j->l1_rdmsr = t->j->l1_wrmsr = 0;
	t->j->op = KN_DELEG_L1_RUN;
	if (d)
		snap(t, &a);
	if (kn_vcpu_expect(t->vcpu, KN_UC_SYNC) == KN_DELEG_L2_SYNC) {
		if (!mid)
			kn_bail("L2 stopped at its SYNC, but nothing to do there");
		mid(t);
		kn_vcpu_expect(t->vcpu, KN_UC_SYNC);
	}
	if (!d)
		return;
	snap(t, &b);
	d->ok = a.ok && b.ok;
	d->cpuid = b.cpuid - a.cpuid;
	d->reflected = b.reflected - a.reflected;
	d->delegated = b.delegated - a.delegated;
	d->vmrun = b.vmrun - a.vmrun;
	d->l1doll_cpuid = b.l1doll_cpuid - a.l1doll_cpuid;
	d->l1_cpuid = t->j->l1_cpuid;
	d->msr = b.msr - a.msr;
	d->l1_rdmsr = t->j->l1_rdmsr;
	d->l1_wrmsr = t->j->l1_wrmsr;
}

void kn_deleg_l1_run(struct kn_deleg_l1 *t, uint32_t l2op, struct kn_deleg_l1_delta *d)
{
	kn_deleg_l1_run_mid(t, l2op, d, NULL);
}

void kn_deleg_l1_queries(struct kn_deleg_l1 *t, const struct kn_deleg_l1_query *q, unsigned int n)
{
	if (n > KN_DELEG_L1_MAX_Q)
		kn_bail("%u queries", n);
	memcpy(t->j->q, q, n * sizeof(*q));
	t->j->nq = n;
}

void kn_deleg_l1_burst(struct kn_deleg_l1 *t, const struct kn_deleg_l1_query *q, unsigned int nq,
		  unsigned long n, struct kn_deleg_l1_delta *d)
{
	kn_deleg_l1_queries(t, q, nq);
	t->j->n = (uint32_t)n;
	kn_deleg_l1_run(t, KN_DELEG_L2_BURST, d);
}

unsigned int kn_deleg_l1_warm(struct kn_deleg_l1 *t, const struct kn_deleg_l1_query *q,
			      unsigned int nq)
{
	kn_accel_set(1);
	t->j->nq = 0;
	kn_deleg_l1_run(t, KN_DELEG_L2_SEQ, NULL);
	for (unsigned int r = 1; r <= KN_DELEG_L1_WARM_ROUNDS; r++) {
		kn_deleg_l1_burst(t, q, nq, 10, NULL);
		if (!t->j->l1_cpuid)
			return r;
	}
	return 0;
}

void kn_deleg_l1_native(struct kn_deleg_l1 *t)
{
	t->j->op = KN_DELEG_L1_NATIVE;
	kn_vcpu_expect(t->vcpu, KN_UC_SYNC);
}
