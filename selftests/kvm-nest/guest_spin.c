// SPDX-License-Identifier: GPL-2.0
/*
 * Helper for shell tests, not a test itself: run a guest that loops on
 * CPUID for -s SECONDS (in L2 under our own L1 with -l 2), and exit 0 only
 * if its loop counter advanced in every one-second interval.  With -w, the
 * VM and its vCPU are made, and wait for SIGUSR1 before they first run.
 */
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "kn_l2.h"
#include "kn_tap.h"
#include "kn_vm.h"
#include "kn_x86.h"

static volatile uint64_t spins;	/* the guest's copy is the one that counts */
static volatile sig_atomic_t ticked;

static void spin(uint64_t arg)
{
	(void)arg;
	for (;;) {
		kn_cpuid(0, 0);
		spins++;
	}
}

static void l1_spin(uint64_t arg)
{
	struct kn_l2 l2;

	(void)arg;
	kn_l2_init(&l2, spin, 0);
	for (;;) {
		if (kn_l2_run(&l2) != KN_CPUID_EXIT)
			KN_GUEST_FAIL("unexpected L2 exit (code)", l2.exit, 0);
		kn_l2_skip(&l2);	/* L2 ignores CPUID's results */
	}
}

static void on_alarm(int sig)
{
	(void)sig;
	ticked = 1;
}

static void on_go(int sig)
{
	(void)sig;
}

/* Blocks SIGUSR1 first, so that one sent at any time is taken. */
static void block_go(void)
{
	sigset_t go;

	sigemptyset(&go);
	sigaddset(&go, SIGUSR1);
	if (signal(SIGUSR1, on_go) == SIG_ERR || sigprocmask(SIG_BLOCK, &go, NULL))
		kn_die("SIGUSR1");
}

static void wait_for_go(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigsuspend(&none);
}

/* SIGALRM every second; no SA_RESTART, so it breaks KVM_RUN out with EINTR. */
static void start_ticks(void)
{
	struct itimerval it = { { 1, 0 }, { 1, 0 } };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &it, NULL))
		kn_die("SIGALRM timer");
}

int main(int argc, char **argv)
{
	unsigned long seconds = 10, level = 1, stalls = 0, last = 0;
	bool wait = false;
	struct kn_vcpu *vcpu;
	struct kn_vm vm;
	int opt;

	while ((opt = getopt(argc, argv, "s:l:w")) != -1) {
		if (opt == 's')
			seconds = kn_arg_ulong(optarg, "-s");
		else if (opt == 'l')
			level = kn_arg_ulong(optarg, "-l");
		else if (opt == 'w')
			wait = true;
		else
			kn_bail("usage: %s [-s SECONDS] [-l 1|2] [-w]", argv[0]);
	}
	if (level != 1 && level != 2)
		kn_bail("-l takes 1 or 2");

	if (wait)
		block_go();
	kn_vm_create(&vm, KN_MEM_DEFAULT);
	if (level == 2)
		kn_vm_require_nested(&vm);
	vcpu = kn_vcpu_add(&vm, level == 2 ? l1_spin : spin, 0);
	kn_plan(1);
	if (wait)
		wait_for_go();
	start_ticks();
	for (unsigned long t = 1; t <= seconds;) {
		uint64_t now;

		if (kn_vcpu_run(vcpu) != KN_UC_NONE)
			kn_bail("guest stopped spinning (ucall %u)", vcpu->uc.cmd);
		if (!ticked)
			continue;
		ticked = 0;
		now = *KN_GUEST_VAR(&vm, spins);
		kn_diag("second %lu: %lu iterations", t, now - last);
		stalls += now == last;
		last = now;
		t++;
	}
	kn_ok(!stalls, "level-%lu guest progressed in each of %lu seconds (%lu stalled, %lu iterations)",
	      level, seconds, stalls, last);
	kn_vm_destroy(&vm);
	kn_finish();
}
