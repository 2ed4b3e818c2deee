// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fit mode: a doll whose envelope allows it 1.5 CPUs keeps 2 vCPUs online,
 * not all of them.  Otherwise the host throttles every vCPU in turn and
 * preempts lock holders, while the guest's scheduler, which cannot see
 * why, keeps spreading work over them.  Only CPUs this module took down
 * are brought back, so an administrator's own hotplug stays as it is.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "env.h"
#include "fit.h"

static bool kn_fit_on;
static struct cpumask kn_fit_down;	/* taken offline by us; work only */
static bool kn_fit_live;		/* kn_fit_lock: the work may be queued */
static DEFINE_SPINLOCK(kn_fit_lock);

static void kn_fit_fn(struct work_struct *work);
static DECLARE_WORK(kn_fit_work, kn_fit_fn);

/* How many CPUs to keep online; UINT_MAX: all of ours. */
static unsigned int kn_fit_want(void)
{
	struct kn_env env;
	u32 ucpu;
	u64 umem;

	if (!READ_ONCE(kn_fit_on))
		return UINT_MAX;
	kn_env_self_get(&env, &ucpu, &umem);
	return env.cpu_limit ? DIV_ROUND_UP(env.cpu_limit, 1000) : UINT_MAX;
}

/* The highest online CPU but the boot CPU, which may not go; or nr_cpu_ids. */
static unsigned int kn_fit_victim(void)
{
	unsigned int cpu = cpumask_last(cpu_online_mask);

	return cpu && cpu < nr_cpu_ids ? cpu : nr_cpu_ids;
}

static void kn_fit_fn(struct work_struct *work)
{
	unsigned int want = kn_fit_want(), before = num_online_cpus();
	unsigned int cpu = 0;
	int err = 0;

	while (num_online_cpus() > want && !err) {
		cpu = kn_fit_victim();
		if (cpu >= nr_cpu_ids)
			break;
		err = remove_cpu(cpu);
		if (!err)
			cpumask_set_cpu(cpu, &kn_fit_down);
	}
	while (num_online_cpus() < want && !err &&
	       !cpumask_empty(&kn_fit_down)) {
		cpu = cpumask_first(&kn_fit_down);
		cpumask_clear_cpu(cpu, &kn_fit_down);
		/* > 0: someone brought it back already. */
		err = min(add_cpu(cpu), 0);
	}
	if (err < 0)
		pr_warn_ratelimited("fit: cannot take CPU %u %s (%d); %u online\n",
				    cpu, num_online_cpus() > want ? "offline" :
				    "online", err, num_online_cpus());
	else if (num_online_cpus() != before)
		pr_info("fit: %u CPUs online, for the envelope's cpu.limit\n",
			num_online_cpus());
}

void kn_fit_update(void)
{
	spin_lock(&kn_fit_lock);
	if (kn_fit_live)
		queue_work(system_unbound_wq, &kn_fit_work);
	spin_unlock(&kn_fit_lock);
}

static int kn_fit_set(const char *val, const struct kernel_param *kp)
{
	int err = param_set_bool(val, kp);

	if (!err)
		kn_fit_update();
	return err;
}

static const struct kernel_param_ops kn_fit_ops = {
	.set = kn_fit_set,
	.get = param_get_bool,
};
module_param_cb(fit_cpus, &kn_fit_ops, &kn_fit_on, 0644);
MODULE_PARM_DESC(fit_cpus,
		 "1: keep ceil(cpu.limit of our own envelope) CPUs online (default 0)");

int kn_fit_init(void)
{
	spin_lock(&kn_fit_lock);
	kn_fit_live = true;
	spin_unlock(&kn_fit_lock);
	kn_fit_update();
	return 0;
}

void kn_fit_exit(void)
{
	spin_lock(&kn_fit_lock);
	kn_fit_live = false;
	spin_unlock(&kn_fit_lock);
	cancel_work_sync(&kn_fit_work);
	WRITE_ONCE(kn_fit_on, false);
	kn_fit_fn(NULL);
}
