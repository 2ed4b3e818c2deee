/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cgroup v2 for the agent: the cgroup a doll's VMM is in, the one the agent
 * makes for it (BASE/doll-ID, BASE as agent_place.c chose it), and their
 * files.  Paths are absolute; functions return 0 or -errno.
 */
#ifndef NC_CGROUP_H
#define NC_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NC_CG_ROOT	"/sys/fs/cgroup"
/* The base without systemd, unless -cgroup or NESTCTL_CGROUP_BASE. */
#define NC_CG_DOLLS	NC_CG_ROOT "/kvm-nest"
/* The controllers an envelope needs, for cgroup.subtree_control. */
#define NC_CG_CONTROLLERS	"+cpu +cpuset +memory"

/* Whether NC_CG_ROOT is a cgroup2 mount. */
bool nc_cg_is_v2(void);

/* The cgroup (absolute path) that holds pid's threads: threaded cgroups
 * are left for their domain, where memory and cpuset can be set. */
int nc_cg_of_pid(pid_t pid, char *dir, size_t len);
/* The base the dolls' cgroups go under; "" while unknown (a systemd
 * scope not started yet). */
const char *nc_cg_base(void);
void nc_cg_set_base(const char *dir);
/* BASE/doll-ID */
void nc_cg_doll_dir(uint32_t id, char *dir, size_t len);
/* BASE/doll-ID/vmm, the leaf that holds the VMM */
void nc_cg_vmm_dir(uint32_t id, char *dir, size_t len);
/* Remove doll-ID/vmm and doll-ID; 0, or -errno (EBUSY: processes left,
 * ENOENT: none, or no base). */
int nc_cg_doll_rmdir(uint32_t id);
/* Whether dir is below base (not base itself). */
bool nc_cg_below(const char *dir, const char *base);
/* Whether systemd delegated dir (trusted.delegate or user.delegate is
 * "1"), or with up one of its ancestors. */
bool nc_cg_delegated(const char *dir, bool up);

/* dir/file, one value: read without the trailing newline. */
int nc_cg_read(const char *dir, const char *file, char *buf, size_t len);
int nc_cg_write(const char *dir, const char *file, const char *val);
/* A byte count or "max" (UINT64_MAX). */
int nc_cg_read_u64(const char *dir, const char *file, uint64_t *v);

/* Whether dir's cgroup.procs lists pid and no other process. */
bool nc_cg_only(const char *dir, pid_t pid);
/* Whether processes are in dir or below (cgroup.events populated). */
bool nc_cg_populated(const char *dir);
/* The controllers in the subtree_control of every ancestor of dir. */
int nc_cg_enable(const char *dir);
/* The same from top (included) down to dir's parent only: what was
 * delegated to the agent, never above it. */
int nc_cg_enable_below(const char *top, const char *dir);
/* Move pid (all its threads) into dir. */
int nc_cg_move(const char *dir, pid_t pid);

#endif
