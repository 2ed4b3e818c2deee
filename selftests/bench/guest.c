// SPDX-License-Identifier: GPL-2.0
/*
 * Guest code of kn-bench: the op loops, run in this VM (level 1) or in an
 * L2 under the minimal L1 hypervisor below (level 2). No libc here.
 */
#include <stddef.h>

#include "bench.h"
#include "kn_apic.h"
#include "kn_hypercall.h"
#include "kn_l2_extras.h"
#include "kn_ucall.h"
#include "kn_x86.h"
#include "../../include/uapi/linux/kvm_nest_channel.h"

volatile struct knb_cmd knb_cmd;
volatile struct knb_params knb_params;

static void halt_op(uint64_t n, uint64_t delay, uint64_t *wake, uint64_t *early)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t deadline = kn_rdtsc() + delay, now;

		kn_apic_arm(deadline);
		*early += kn_rdtsc() >= deadline;
		kn_apic_halt();
		now = kn_rdtsc();
		*wake += now > deadline ? now - deadline : 0;
	}
}

static void run_op(uint64_t op, uint64_t n, uint64_t arg, uint64_t *wake,
		   uint64_t *early)
{
	switch (op) {
	case KNB_CPUID:
		for (uint64_t i = 0; i < n; i++)
			kn_cpuid(0, 0);
		break;
	case KNB_RDMSR:
		for (uint64_t i = 0; i < n; i++)
			kn_rdmsr(KNB_MSR);
		break;
	case KNB_HCALL:
		for (uint64_t i = 0; i < n; i++)
			kn_hypercall(KNB_HC_NR, 0, 0, 0);
		break;
	case KNB_HLT:
		halt_op(n, arg, wake, early);
		break;
	case KNB_TOUCH:
		for (uint64_t i = 0; i < n; i++)
			*(volatile uint64_t *)(arg + i * 4096) = i;
		break;
	case KNB_PAUSE:
		for (uint64_t i = 0; i < n; i++)
			__asm__ __volatile__("pause");
		break;
	default:
		KN_GUEST_FAIL("unknown op", op, 0);
	}
}

/* The measured level: one command per ucall until QUIT. */
static void command_loop(uint64_t unused)
{
	uint64_t wake = 0, early = 0;

	(void)unused;
	for (;;) {
		uint64_t op, n, arg;

		KN_GUEST_SYNC(wake, early);
		op = knb_cmd.op;
		n = knb_cmd.n;
		arg = knb_cmd.arg;
		if (op == KNB_QUIT)
			break;
		wake = early = 0;
		run_op(op, n, arg, &wake, &early);
	}
}

static void l2_main(uint64_t unused)
{
	command_loop(unused);
	kn_hypercall(KNB_HC_DONE, 0, 0, 0);
	KN_GUEST_FAIL("L2 resumed after its last hypercall", 0, 0);
}

/* L2's HLT: halt L1 itself until the timer L2 armed fires. */
static void halt_l1(void)
{
	if (kn_vendor == KN_AMD)
		__asm__ __volatile__("stgi" ::: "memory");	/* #VMEXIT cleared GIF */
	kn_apic_halt();
	if (kn_vendor == KN_AMD)
		__asm__ __volatile__("clgi" ::: "memory");
}

/* Exits beyond kn_l2's: the intercepts and nested paging set up below. */
static void other_exit(const struct kn_l2_extras_ops *x, struct kn_l2 *l2)
{
	switch (x->kind(l2)) {
	case KN_X_RDMSR:
		l2->gprs.rax = 0;
		l2->gprs.rdx = 0;
		l2->ops->skip(l2, 2);
		break;
	case KN_X_WRMSR:	/* pass through what L1 intercepts without meaning to */
		kn_wrmsr(l2->gprs.rcx, (uint32_t)l2->gprs.rax | l2->gprs.rdx << 32);
		l2->ops->skip(l2, 2);
		break;
	case KN_X_PAUSE:
		l2->ops->skip(l2, 2);
		break;
	case KN_X_NPF:
		if (!kn_tdp_map(x->fault_gpa(l2)))
			KN_GUEST_FAIL("L2 nested page fault outside its lazy window (gpa)",
				      x->fault_gpa(l2), 0);
		break;
	default:
		KN_GUEST_FAIL("unexpected L2 exit (code)", l2->exit, 0);
	}
}

/*
 * Tells a kvm-nest below that it may answer L2's CPUID leaf 0 and RDMSR of
 * KNB_MSR as this hypervisor does (zeros), and L2's PAUSE (this L1 only
 * skips it). Whether it does is its accel switch: that is what the bench's
 * stock and kvm-nest configurations differ in.
 */
static void delegate(const struct kn_l2 *l2)
{
	static struct kvm_nest_ch_hello hello;
	static struct {
		struct kvm_nest_ch_delegate h;
		struct kvm_nest_ch_cpuid leaf0;
		struct kvm_nest_ch_msr msr;
	} pol;
	int64_t ret;

	hello.version = KVM_NEST_CH_VERSION;
	if (kn_hypercall(KVM_NEST_HC, KVM_NEST_CH_HELLO, (uint64_t)&hello,
			 sizeof(hello)))
		return;		/* no kvm-nest below */
	pol.h.ctx = l2->ctx;
	pol.h.classes = KVM_NEST_DELEG_CPUID | KVM_NEST_DELEG_RDMSR | KVM_NEST_DELEG_PAUSE;
	pol.h.nr_cpuid = 1;
	pol.h.nr_msr = 1;
	pol.msr.index = KNB_MSR;
	ret = kn_hypercall(KVM_NEST_HC, KVM_NEST_CH_DELEGATE, (uint64_t)&pol,
			   sizeof(pol));
	if (ret)
		KN_GUEST_FAIL("kvm-nest refused the CPUID/RDMSR/PAUSE policy (RAX)", ret, 0);
}

/* The bench's minimal L1 hypervisor: it answers every op of its L2 itself. */
static void hypervisor(void)
{
	const struct kn_l2_extras_ops *x = kn_l2_extras();
	struct kn_l2 l2;
	uint64_t root;

	kn_l2_init(&l2, l2_main, 0);
	delegate(&l2);
	x->intercept_pause(&l2);
	/* Writes too: kvm-nest answers only MSRs whose writes it sees first. */
	x->intercept_rdmsr(&l2, KNB_MSR);
	x->intercept_wrmsr(&l2, KNB_MSR);
	root = kn_tdp_build(x->fmt, knb_params.mem_size, knb_params.lazy,
			    knb_params.lazy_size);
	if (!x->paging(&l2, root))
		KN_GUEST_FAIL("the CPU offers no nested paging to L1", 0, 0);
	for (;;) {
		switch (kn_l2_run(&l2)) {
		case KN_CPUID_EXIT:
			l2.gprs.rax = l2.gprs.rbx = l2.gprs.rcx = l2.gprs.rdx = 0;
			kn_l2_skip(&l2);
			break;
		case KN_HYPERCALL_EXIT:
			if (l2.gprs.rax == KNB_HC_DONE)
				return;
			l2.gprs.rax = 0;
			kn_l2_skip(&l2);
			break;
		case KN_HLT_EXIT:
			halt_l1();
			kn_l2_skip(&l2);
			break;
		default:
			other_exit(x, &l2);
		}
	}
}

void knb_guest_main(uint64_t unused)
{
	kn_apic_init();
	if (knb_params.level == 2)
		hypervisor();
	else
		command_loop(unused);
}
