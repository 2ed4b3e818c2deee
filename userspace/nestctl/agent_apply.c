// SPDX-License-Identifier: GPL-2.0-only
/*
 * Applying one envelope to one doll's VMM, all or nothing:
 *  1. the cgroup: the VMM's own if it holds the VMM alone (libvirt's;
 *     on a systemd host only if delegated), else BASE/doll-ID/vmm, made
 *     and the VMM moved there (agent_place.c: BASE and how);
 *  2. cpuset.cpus, cpu.weight, cpu.max, memory.min;
 *  3. memory: to shrink, balloon the guest down and wait until the VMM
 *     fits, only then memory.max; to grow, memory.max first, then the
 *     balloon up.  memory.max never goes below memory.current: that is how
 *     a VMM gets OOM-killed.
 * On a failure every file written is restored and a moved VMM goes back.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "agent.h"
#include "balloon.h"
#include "cgroup.h"
#include "place.h"
#include "units.h"

/* Waiting for a balloon: at most this long, a progress line this often. */
#define NC_SHRINK_WAIT_MS	30000
#define NC_PROGRESS_MS		2000
#define NC_STEP_MS		1000
/* A guest given memory back: its progress is followed this long. */
#define NC_GROW_FOLLOW_MS	5000
#define NC_POLL_MS		250

static const char *const nc_files[NC_F_N] = {
	"cpuset.cpus", "cpu.weight", "memory.min", "memory.max", "memory.high",
};

/*
 * Where each file goes when the agent made two levels: the doll's cgroup
 * ranks it against the other dolls (weight) and holds its CPUs and its
 * reservation; the memory limits go where the VMM's memory is charged.
 */
static const char *nc_file_dir(const struct nc_undo *st, int f)
{
	return st->leaf[0] && (f == NC_F_MEM_MAX || f == NC_F_MEM_HIGH) ?
	       st->leaf : st->dir;
}

static void nc_mib(char *buf, size_t len, uint64_t bytes)
{
	snprintf(buf, len, "%.1fMiB", (double)bytes / (1 << 20));
}

static int nc_cgs_write(struct nc_apply *a, struct nc_undo *st, int f,
			const char *val)
{
	int err;

	/* A no-op write is no change (and rewriting cpu.max refills). */
	if (!strcmp(st->old[f], val))
		return 0;
	err = nc_cg_write(nc_file_dir(st, f), nc_files[f], val);
	if (err)
		return nc_apply_fail(a, -err, "doll %u: cannot write \"%s\" to %s/%s: %s; it must fit what the parent cgroup allows (cpuset.cpus.effective)",
				     a->id, val, nc_file_dir(st, f), nc_files[f], strerror(-err));
	st->written[f] = true;
	return 0;
}

/* cpuset.cpus "" (inherit) is refused while processes are in the cgroup:
 * the parent's effective CPUs are the same set. */
static int nc_cgs_restore(struct nc_undo *st, int f)
{
	char parent[PATH_MAX], cpus[NC_CPUS_LEN];
	uint64_t cur, old;
	int err;

	/* Never a memory limit below what the VMM uses now: it would OOM. */
	if ((f == NC_F_MEM_MAX || f == NC_F_MEM_HIGH) &&
	    sscanf(st->old[f], "%" SCNu64, &old) == 1 &&
	    !nc_cg_read_u64(st->dir, "memory.current", &cur) && cur > old)
		return -EBUSY;
	err = nc_cg_write(nc_file_dir(st, f), nc_files[f], st->old[f]);

	if (!err || f != NC_F_CPUSET || st->old[f][0])
		return err;
	snprintf(parent, sizeof(parent), "%s", st->dir);
	*strrchr(parent, '/') = '\0';
	err = nc_cg_read(parent, "cpuset.cpus.effective", cpus, sizeof(cpus));
	return err ? err : nc_cg_write(st->dir, nc_files[f], cpus);
}

/* A cgroup the agent just made goes; one that was there gets its values back. */
static void nc_cgs_rollback(struct nc_apply *a, struct nc_undo *st)
{
	char msg[NC_MSG_LEN];
	int error = a->error;
	uint32_t old;

	/* Only the VMM goes back: a pid that is no longer its stays put. */
	if (st->moved && (nc_vmm_check(&a->vmm) || nc_cg_move(st->from, a->pid) ||
			  nc_vmm_check(&a->vmm)))
		nc_log("doll %u: could not move pid %u back to %s", a->id, a->pid, st->from);
	if (st->made && !nc_cg_doll_rmdir(a->id)) {
		nc_cpu_forget(a->id);
		return;
	}
	/* The answer keeps the failure that caused the rollback. */
	memcpy(msg, a->msg, sizeof(msg));
	if (st->cpu_set && nc_cpu_limit(a, st->dir, st->leaf, st->cpu_old, &old))
		nc_log("doll %u: could not put cpu.max of %s back: %s", a->id, st->dir, a->msg);
	a->error = error;
	memcpy(a->msg, msg, sizeof(msg));
	for (int f = NC_F_N - 1; f >= 0; f--)
		if (st->written[f] && nc_cgs_restore(st, f))
			nc_log("doll %u: could not restore %s/%s to \"%s\"",
			       a->id, nc_file_dir(st, f), nc_files[f], st->old[f]);
}

static int nc_cgs_place(struct nc_apply *a, struct nc_undo *st)
{
	char want[PATH_MAX];
	int err = nc_cg_of_pid(a->pid, st->from, sizeof(st->from));

	if (nc_vmm_check(&a->vmm))
		err = -ESRCH;
	if (err == -ESRCH)
		return nc_apply_fail(a, ENOENT, "doll %u's VMM (pid %u) is gone", a->id, a->pid);
	if (err)
		return nc_apply_fail(a, -err, "cannot read the cgroup of pid %u: %s; is %s cgroup v2?",
				     a->pid, strerror(-err), NC_CG_ROOT);
	nc_cg_doll_dir(a->id, st->dir, sizeof(st->dir));
	nc_cg_vmm_dir(a->id, want, sizeof(want));
	snprintf(st->leaf, sizeof(st->leaf), "%s", want);
	if (!strcmp(st->from, want))
		return 0;
	/* A cgroup of its own (libvirt's scope): use it where it is. */
	if (strcmp(st->from, NC_CG_ROOT) && !nc_cg_below(st->from, nc_cg_base()) &&
	    nc_place_in_place_ok(st->from) && nc_cg_only(st->from, a->pid)) {
		snprintf(st->dir, sizeof(st->dir), "%s", st->from);
		st->leaf[0] = '\0';
		/* Above a delegated cgroup is systemd's: it enabled them. */
		err = nc_place_mode() == NC_PLACE_BASE ? nc_cg_enable(st->dir) : 0;
		if (err)
			return nc_apply_fail(a, -err, "doll %u: cannot enable %s above %s: %s; move the processes of its parent cgroups into leaf cgroups",
					     a->id, NC_CG_CONTROLLERS, st->dir, strerror(-err));
		return 0;
	}
	return nc_place_vmm(a, st);
}

static int nc_cgs_save(struct nc_apply *a, struct nc_undo *st)
{
	for (int f = 0; f < NC_F_N; f++) {
		const char *dir = nc_file_dir(st, f);
		int err = nc_cg_read(dir, nc_files[f], st->old[f], sizeof(st->old[f]));

		if (err)
			return nc_apply_fail(a, -err, "doll %u: cannot read %s/%s: %s; are the cpu, cpuset and memory controllers enabled there?",
					     a->id, dir, nc_files[f], strerror(-err));
	}
	return 0;
}

static int nc_apply_cpu(struct nc_apply *a, struct nc_undo *st)
{
	const struct nc_env *e = &a->env;
	char val[64];
	int err;

	/* The shorter of the periods (two levels), where a quota is smallest. */
	if (e->cpu_limit && e->cpu_limit * (uint64_t)NC_CPU_PERIOD_US / 1000 < 1000)
		return nc_apply_fail(a, EINVAL, "doll %u: cpu.limit %u.%03u is below 0.020, the least a 1 ms quota in a 50 ms period enforces",
				     a->id, e->cpu_limit / 1000, e->cpu_limit % 1000);
	err = nc_cgs_write(a, st, NC_F_CPUSET, e->cpus);
	if (err)
		return err;
	snprintf(val, sizeof(val), "%u", e->cpu_weight);
	err = nc_cgs_write(a, st, NC_F_WEIGHT, val);
	if (err)
		return err;
	err = nc_cpu_limit(a, st->dir, st->leaf, e->cpu_limit, &st->cpu_old);
	st->cpu_set = !err;
	return err;
}

/* What the VMM uses: its cgroup's charge, or its resident memory (pages it
 * touched before it was moved stay charged to its old cgroup). */
static int nc_mem_used(struct nc_apply *a, const struct nc_undo *st, uint64_t *used)
{
	uint64_t cur = 0, rss = 0;
	int err = nc_vmm_rss(&a->vmm, &rss);

	if (err == -ESRCH)
		return nc_apply_fail(a, ENOENT, "doll %u's VMM (pid %u) is gone", a->id, a->pid);
	nc_cg_read_u64(st->dir, "memory.current", &cur);
	*used = cur > rss ? cur : rss;
	return 0;
}

/* Until the VMM fits in lim, with a progress line every NC_PROGRESS_MS
 * and a progress report whenever one is due (agent_progress.c). */
static int nc_mem_wait(struct nc_apply *a, const struct nc_undo *st,
		       struct nc_balloon *b, uint64_t lim, uint64_t target)
{
	uint64_t t0 = nc_now_ms(), next = t0 + NC_PROGRESS_MS, used, actual = 0;
	uint64_t step = t0 + NC_STEP_MS;
	unsigned int left = nc_apply_left_ms(a);
	uint64_t end = t0 + (left < NC_SHRINK_WAIT_MS ? left : NC_SHRINK_WAIT_MS);
	char u[32], l[32], g[32], t[32];
	int err;

	for (;;) {
		err = nc_mem_used(a, st, &used);
		if (err || used <= lim)
			return err;
		nc_mib(u, sizeof(u), used);
		nc_mib(l, sizeof(l), lim);
		nc_mib(t, sizeof(t), target);
		if (nc_now_ms() >= end) {
			nc_balloon_actual(b, a, &actual);
			nc_mib(g, sizeof(g), actual);
			return nc_apply_fail(a, ETIMEDOUT, "doll %u did not shrink under mem.limit %s in %u s: VMM uses %s, guest has %s (balloon target %s); it cannot free more memory: give a higher limit",
					     a->id, l, (unsigned int)((nc_now_ms() - t0) / 1000), u, g, t);
		}
		if (nc_now_ms() >= step) {
			step += NC_STEP_MS;
			if (nc_balloon_actual(b, a, &actual))
				return -a->error;
			nc_progress_step(a, actual);
		}
		if (nc_now_ms() >= next) {
			next += NC_PROGRESS_MS;
			nc_mib(g, sizeof(g), actual);
			nc_log("doll %u: ballooning: guest has %s, target %s; VMM uses %s, limit %s (%u s)",
			       a->id, g, t, u, l, (unsigned int)((nc_now_ms() - t0) / 1000));
		}
		nc_sleep_ms(NC_POLL_MS);
	}
}

/* Whether the VMM is QEMU: only then does NC_VMM_OVERHEAD apply. */
static bool nc_is_qemu(const struct nc_vmm *v)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)v->pid);
	f = fopen(path, "re");
	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
	}
	return !strncmp(comm, "qemu", 4) && !nc_vmm_check(v);
}

/* Shrink: the balloon first, then wait, then memory.max and memory.high. */
static int nc_mem_shrink(struct nc_apply *a, struct nc_undo *st,
			 struct nc_balloon *b, uint64_t lim, uint64_t target)
{
	uint64_t before = 0, used = 0, cur = 0;
	char val[32], u[32], l[32];
	bool set = false;
	int err = 0;

	if (b->via != NC_BALLOON_NONE) {
		err = nc_balloon_actual(b, a, &before);
		if (!err && target < before) {
			err = nc_balloon_set(b, a, target);
			set = !err;
			st->ballooned = set;
			st->balloon_before = before;
		}
		if (set)
			nc_progress_begin(a, before, target);
	}
	if (!err && b->via != NC_BALLOON_NONE)
		err = nc_mem_wait(a, st, b, lim, target);
	if (!err)
		err = nc_mem_used(a, st, &used);
	if (!err && used > lim) {
		nc_mib(u, sizeof(u), used);
		nc_mib(l, sizeof(l), lim);
		err = nc_apply_fail(a, ENOSPC, "doll %u's VMM uses %s, more than mem.limit %s, and has no balloon to shrink it: give a higher limit",
				    a->id, u, l);
	}
	if (!err && !nc_cg_read_u64(st->dir, "memory.current", &cur) && cur > lim)
		err = nc_apply_fail(a, ENOSPC, "doll %u: memory.current is still above mem.limit; give a higher limit", a->id);
	snprintf(val, sizeof(val), "%" PRIu64, lim);
	if (!err)
		err = nc_cgs_write(a, st, NC_F_MEM_MAX, val);
	if (!err)
		err = nc_cgs_write(a, st, NC_F_MEM_HIGH, val);
	nc_progress_end(a, b, !err);
	/* Refused: the guest gets back what the balloon took. */
	if (err && set && nc_balloon_set(b, a, before) == 0) {
		nc_vlog("doll %u: balloon back to %" PRIu64 " bytes", a->id, before);
		st->ballooned = false;
	}
	return err;
}

/* Grow: memory.max and memory.high first, then the balloon up. */
static int nc_mem_grow(struct nc_apply *a, struct nc_undo *st,
		       struct nc_balloon *b, uint64_t lim, uint64_t target)
{
	char val[32];
	uint64_t actual;
	int err;

	if (lim)
		snprintf(val, sizeof(val), "%" PRIu64, lim);
	else
		snprintf(val, sizeof(val), "max");
	err = nc_cgs_write(a, st, NC_F_MEM_MAX, val);
	if (!err)
		err = nc_cgs_write(a, st, NC_F_MEM_HIGH, val);
	if (err || b->via == NC_BALLOON_NONE)
		return err;
	err = nc_balloon_actual(b, a, &actual);
	if (!err && actual < target) {
		err = nc_balloon_set(b, a, target);
		st->ballooned = !err;
		st->balloon_before = actual;
		/* The limit is up already: only the report follows the guest. */
		if (!err) {
			nc_progress_begin(a, actual, target);
			nc_progress_follow(a, b, NC_GROW_FOLLOW_MS);
			nc_progress_end(a, b, true);
		}
	}
	return err;
}

static int nc_apply_mem(struct nc_apply *a, struct nc_undo *st,
			const struct nc_vmm *v)
{
	uint64_t lim = a->env.mem_limit, old_max = UINT64_MAX, full = a->doll_mem;
	uint64_t over = nc_is_qemu(v) ? NC_VMM_OVERHEAD : 0, target, least;
	struct nc_balloon b = { 0 };
	char val[32], l[32];
	bool need, shrink;
	int err;

	snprintf(val, sizeof(val), "%" PRIu64, a->env.mem_reserve);
	err = nc_cgs_write(a, st, NC_F_MEM_MIN, val);
	if (err)
		return err;
	if (strcmp(st->old[NC_F_MEM_MAX], "max"))
		sscanf(st->old[NC_F_MEM_MAX], "%" SCNu64, &old_max);
	/* A balloon keeps the guest under the limit, or gives back what an
	 * earlier limit took. */
	need = lim && (full ? lim < full + over : 0);
	if (lim && !full) {
		uint64_t used = 0;

		err = nc_mem_used(a, st, &used);
		if (err)
			return err;
		need = used > lim;
	}
	/* Without QMP or libvirt there is no balloon to give memory back. */
	if (need || (old_max != UINT64_MAX && (v->n_qmp || v->domain[0]))) {
		err = nc_balloon_open(&b, v, a);
		if (err && !need) {
			nc_log("doll %u: cannot give memory back through the balloon: %s",
			       a->id, a->msg);
			a->error = 0;
			a->msg[0] = '\0';
			nc_balloon_close(&b);
			err = 0;
		}
		if (err)
			goto out;
		if (b.full)
			full = b.full;
	}
	/* Unknown RAM: QEMU caps a balloon target at the guest's RAM. */
	target = full ? full : UINT64_MAX;
	if (lim) {
		least = over + (full && full < NC_GUEST_MIN ? full : NC_GUEST_MIN);
		if (need && lim < least) {
			nc_fmt_size(l, sizeof(l), least);
			err = nc_apply_fail(a, EINVAL, "doll %u: mem.limit leaves its guest too little beside the VMM's own %" PRIu64 "MiB: give at least %s",
					    a->id, over >> 20, l);
			goto out;
		}
		if (lim - over < target)
			target = lim - over;
	}
	shrink = lim && lim < old_max;
	err = shrink ? nc_mem_shrink(a, st, &b, lim, target) :
		       nc_mem_grow(a, st, &b, lim, target);
out:
	nc_balloon_close(&b);
	return err;
}

int nc_apply_run(struct nc_apply *a)
{
	struct nc_undo *st = &a->undo;
	int err = nc_vmm_open(&a->vmm, (pid_t)a->pid, a->pid_start);

	*st = (struct nc_undo){ 0 };
	if (err == -ESTALE)
		return nc_apply_fail(a, ENOENT, "doll %u's VMM is gone: pid %u is another process now (it started later); nothing touched",
				     a->id, a->pid);
	if (err)
		return nc_apply_fail(a, ENOENT, "doll %u's VMM (pid %u) is gone", a->id, a->pid);
	err = nc_cgs_place(a, st);
	if (err)
		return err;
	err = nc_cgs_save(a, st);
	if (!err)
		err = nc_apply_cpu(a, st);
	if (!err)
		err = nc_apply_mem(a, st, &a->vmm);
	if (err) {
		nc_cgs_rollback(a, st);
		return err;
	}
	nc_vlog("doll %u (pid %u) in %s: cpuset.cpus %s, cpu.weight %u, cpu.limit %u.%03u, memory.min %" PRIu64 ", memory.max %" PRIu64 " (0: max)",
		a->id, a->pid, st->dir, a->env.cpus, a->env.cpu_weight,
		a->env.cpu_limit / 1000, a->env.cpu_limit % 1000,
		a->env.mem_reserve, a->env.mem_limit);
	return 0;
}

void nc_apply_undo(struct nc_apply *a)
{
	struct nc_undo *st = &a->undo;
	struct nc_balloon b;

	if (st->ballooned && !nc_vmm_check(&a->vmm)) {
		clock_gettime(CLOCK_MONOTONIC, &a->start);
		if (nc_balloon_open(&b, &a->vmm, a) || nc_balloon_set(&b, a, st->balloon_before))
			nc_log("doll %u: could not put its balloon back: %s", a->id, a->msg);
		nc_balloon_close(&b);
	}
	nc_cgs_rollback(a, st);
	nc_log("doll %u: undone, as the kernel keeps its old envelope", a->id);
}
