/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nestctl agent: enforces, at this level, the envelopes the kernel decided.
 * The kernel multicasts AGENT_APPLY (a doll's envelope, every field
 * resolved) on the "agent" group; the agent applies it with cgroup v2 and
 * the virtio balloon, and answers AGENT_DONE with the request's cookie.
 */
#ifndef NC_AGENT_H
#define NC_AGENT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "env.h"
#include "util.h"
#include "vmm.h"

/* The kernel gives an apply 60 s; the agent answers well before. */
#define NC_APPLY_BUDGET_MS	50000
/* A MSG in AGENT_DONE: at most 255 bytes and its NUL. */
#define NC_MSG_LEN		256

/* The cgroup files an apply writes, in the order it writes them; cpu.max
 * goes through the pacer (agent_cpu.c). */
enum { NC_F_CPUSET, NC_F_WEIGHT, NC_F_MEM_MIN, NC_F_MEM_MAX, NC_F_MEM_HIGH,
       NC_F_N };

/*
 * cpu.max's period, in microseconds, at two levels: half the cgroup
 * default, so that the pacer's hold (a period and a margin for a late
 * period timer) fits between changes 100 ms apart.  A cgroup used in
 * place (one level) keeps the default.
 */
#define NC_CPU_PERIOD_US	50000
#define NC_CPU_PERIOD_ONE_US	100000
#define NC_CPU_HOLD_MS		(NC_CPU_PERIOD_US / 1000 + 20)

/* What undoing an apply needs: on its failure, or when the kernel no
 * longer waited for its answer (its envelope is still the old one). */
struct nc_undo {
	char dir[PATH_MAX];	/* the doll's cgroup */
	char leaf[PATH_MAX];	/* dir/vmm, the VMM's, when the agent made dir */
	char from[PATH_MAX];	/* where the VMM was, when moved */
	bool made, moved;
	bool cpu_set;		/* the pacer was given a limit, cpu_old before */
	uint32_t cpu_old;
	char old[NC_F_N][NC_CPUS_LEN];	/* cpuset.cpus of a big host */
	bool written[NC_F_N];
	bool ballooned;		/* the balloon was moved from balloon_before */
	uint64_t balloon_before;
};

/* A balloon change reported as it goes (agent_progress.c). */
struct nc_progress {
	bool on;		/* begun, not ended */
	bool off;		/* the kernel takes no reports */
	uint64_t t0;		/* ms, when it began */
	uint64_t start, target;	/* bytes of guest memory */
	uint64_t sent_ms, sent_now;	/* the last report */
};

struct nc_nl;

/* One AGENT_APPLY, and what the agent answers. */
struct nc_apply {
	uint64_t cookie;
	struct nc_nl *nl;	/* to report progress on, or NULL */
	struct nc_progress prog;
	uint32_t id, pid;
	uint64_t pid_start;	/* when the VMM started, ns since boot */
	struct nc_vmm vmm;	/* held from parse to answer, pidfd -1 */
	char name[256];		/* "" when unknown: the VMM's claim */
	struct nc_env env;	/* resolved: weight 1..10000, cpus never "" */
	uint64_t doll_mem;	/* guest RAM as the kernel counts it, 0 unknown */
	struct timespec start;
	int error;		/* positive errno, 0 applied */
	char msg[NC_MSG_LEN];
	struct nc_undo undo;
};

/* Set a's error and MSG (what went wrong, what to do); return -err. */
int nc_apply_fail(struct nc_apply *a, int err, const char *fmt, ...) NC_PRINTF(3, 4);
/* Milliseconds left of NC_APPLY_BUDGET_MS since a->start, 0 when none. */
unsigned int nc_apply_left_ms(const struct nc_apply *a);
/* Apply a->env to the doll (agent_apply.c); 0, or -errno with a->msg set
 * (and everything undone). */
int nc_apply_run(struct nc_apply *a);
/* Undo an apply that succeeded: the kernel gave up waiting for it. */
void nc_apply_undo(struct nc_apply *a);

/* Progress of a balloon from now bytes toward target: begun, a step
 * (sent at most once a second or each tenth of the way), ended. */
struct nc_balloon;
void nc_progress_begin(struct nc_apply *a, uint64_t now, uint64_t target);
void nc_progress_step(struct nc_apply *a, uint64_t now);
/* Steps until the guest reaches the target, at most ms (and the budget). */
void nc_progress_follow(struct nc_apply *a, struct nc_balloon *b,
			unsigned int ms);
void nc_progress_end(struct nc_apply *a, struct nc_balloon *b, bool ok);

/* cpu.limit milli (0: none) to the doll's one or two levels (inner ""
 * for one), through the pacer; *old is the limit it had.  0 or -errno with
 * a->msg set.  The pacer may leave a level for later: nc_cpu_tick. */
int nc_cpu_limit(struct nc_apply *a, const char *outer, const char *inner,
		 uint32_t milli, uint32_t *old);
/* Writes that are due; ms until the next one, -1 when none waits. */
int nc_cpu_tick(void);
/* The doll is gone, or its cgroups are. */
void nc_cpu_forget(uint32_t id);
/* The agent stops: writes left for later are made now. */
void nc_cpu_stop(void);

/* virsh metadata --live: a running libvirt domain's new envelope is
 * asked of kvm-nest (agent_libvirt.c, threads of its own). */
void nc_lv_watch_start(void);
void nc_lv_watch_stop(void);

/* Log lines on stderr; nc_vlog only with -v. */
extern bool nc_agent_verbose;
void nc_log(const char *fmt, ...) NC_PRINTF(1, 2);
void nc_vlog(const char *fmt, ...) NC_PRINTF(1, 2);

void nc_sleep_ms(unsigned int ms);

#endif
