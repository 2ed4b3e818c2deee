// SPDX-License-Identifier: GPL-2.0-only
/*
 * Usage measured from below: the guest time of the contexts this kernel
 * saw running each doll, turned into CPUs over the last second, and the
 * resident memory of each VMM.  A doll deeper than our contexts can tell
 * apart keeps the usage its own host reported.
 */
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/clock.h>
#include <linux/sched/task.h>
#include <linux/workqueue.h>

#include "../doll.h"
#include "../doll_measure.h"
#include "usage.h"

#define KN_USAGE_PERIOD		HZ

/*
 * Called under kn_dolls_for_each()'s rcu_read_lock(), where mmput() must
 * not run: it may sleep tearing the mm down.  task_lock() keeps task->mm
 * from being cleared and released (exit_mm() takes it), so the resident
 * size is read under it without taking a reference.
 */
static u64 kn_usage_rss(pid_t nr)
{
	struct task_struct *task;
	struct mm_struct *mm;
	u64 bytes = 0;

	rcu_read_lock();
	task = pid_task(find_pid_ns(nr, &init_pid_ns), PIDTYPE_TGID);
	if (task) {
		task_lock(task);
		mm = task->mm;
		if (mm && !(task->flags & PF_KTHREAD))
			bytes = (u64)get_mm_rss(mm) << PAGE_SHIFT;
		task_unlock(task);
	}
	rcu_read_unlock();
	return bytes;
}

static int kn_usage_sample(struct kn_doll *d, void *arg)
{
	u64 now = *(u64 *)arg, ns, dt;
	bool seen = kn_doll_measured_ns(d, &ns);

	kn_dolls_assert_locked();
	if (d->kind == KN_DOLL_VM)
		d->use.mem = kn_usage_rss(d->pid);
	if (!seen) {
		d->use.cpu = d->kind == KN_DOLL_REPORTED ? d->rep.usage_cpu : 0;
		return 0;
	}
	dt = now - d->use.at;
	if (d->use.at && dt && ns >= d->use.ns)
		d->use.cpu = div64_u64((ns - d->use.ns) * 1000, dt);
	d->use.ns = ns;
	d->use.at = now;
	return 0;
}

static void kn_usage_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(kn_usage_work, kn_usage_fn);

static void kn_usage_fn(struct work_struct *work)
{
	u64 now = local_clock();

	kn_dolls_for_each(kn_usage_sample, &now);
	schedule_delayed_work(&kn_usage_work, KN_USAGE_PERIOD);
}

void kn_usage_init(void)
{
	schedule_delayed_work(&kn_usage_work, KN_USAGE_PERIOD);
}

void kn_usage_exit(void)
{
	cancel_delayed_work_sync(&kn_usage_work);
}
