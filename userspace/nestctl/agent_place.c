// SPDX-License-Identifier: GPL-2.0-only
/*
 * The base of the dolls' cgroups and the move of a VMM into it (place.h).
 * The scope comes first on a systemd host: it outlives the agent, so a
 * restart (Restart=on-failure) or a stop of the agent's unit, which kills
 * every process in the unit's cgroup, leaves the VMMs alone.  The unit's
 * own delegated subtree is the fallback for a host whose bus is down.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "nestctl.h"
#include "place.h"
#include "sdbus.h"

/* Where a StartTransientUnit waits for its job, at most. */
#define NC_SCOPE_WAIT_MS	10000

static enum nc_place_mode nc_mode;
static struct sd_bus *nc_bus;

enum nc_place_mode nc_place_mode(void)
{
	return nc_mode;
}

static bool nc_is_dir(const char *dir)
{
	struct stat sb;

	return !stat(dir, &sb) && S_ISDIR(sb.st_mode);
}

/* The agent into BASE/agent: a cgroup with children holds no process. */
static int nc_place_self(const char *base)
{
	char leaf[PATH_MAX];
	int err = 0;

	snprintf(leaf, sizeof(leaf), "%s/agent", base);
	if (mkdir(leaf, 0755) && errno != EEXIST)
		err = -errno;
	if (!err)
		err = nc_cg_move(leaf, getpid());
	if (err)
		return nc_error("agent: cannot move itself into %s: %s; its unit's cgroup must be delegated to it (Delegate=yes)",
				leaf, strerror(-err));
	return NC_OK;
}

/* The scope of an earlier run, if systemd has it: its cgroup is the base. */
static void nc_scope_find(void)
{
	char msg[512], cg[PATH_MAX / 2 - sizeof(NC_CG_ROOT)];

	nc_cg_set_base("");
	if (!nc_sd_unit_cgroup(nc_bus, NC_SD_SCOPE, cg, sizeof(cg), msg, sizeof(msg)) &&
	    cg[0] == '/' && !strstr(cg, "/.")) {
		char base[PATH_MAX / 2];

		snprintf(base, sizeof(base), "%s%s", NC_CG_ROOT, cg);
		nc_cg_set_base(base);
	}
}

static int nc_place_systemd(void)
{
	char msg[512], own[PATH_MAX];
	int err = nc_sd_open(&nc_bus, msg, sizeof(msg));

	if (!err) {
		nc_mode = NC_PLACE_SCOPE;
		nc_scope_find();
		nc_log("systemd host: VMMs without a cgroup of their own go into the transient scope %s in %s (Delegate=yes)",
		       NC_SD_SCOPE, NC_SD_SLICE);
		return NC_OK;
	}
	err = nc_cg_of_pid(getpid(), own, sizeof(own));
	/* Restarted in place: the unit's cgroup is the parent of agent/. */
	if (!err && strlen(own) > 6 && !strcmp(own + strlen(own) - 6, "/agent"))
		own[strlen(own) - 6] = '\0';
	/* Its unit's own cgroup, not a cgroup below one delegated to another
	 * manager (a user's session, a container). */
	if (!err && nc_cg_below(own, NC_CG_ROOT) && nc_cg_delegated(own, false)) {
		nc_mode = NC_PLACE_DELEGATED;
		nc_cg_set_base(own);
		nc_log("systemd host without systemd on the bus (%s): VMMs go under this unit's delegated cgroup %s, and end when the unit stops",
		       msg, own);
		return nc_place_self(own);
	}
	return nc_error("agent: this is a systemd host (/run/systemd/system) and the agent may make cgroups only where systemd delegated them, but %s, and its own cgroup %s is not delegated; run it as its unit (systemctl start nestctl-agent: Delegate=yes) with the system bus up",
			msg, err ? "(unreadable)" : own);
}

int nc_place_init(const char *base)
{
	if (!base)
		base = getenv(NC_BASE_ENV);
	if (!access("/run/systemd/system", F_OK)) {
		if (base)
			return nc_error("agent: -cgroup and %s are for hosts without systemd; on this systemd host the agent uses a transient scope or its unit's delegated cgroup",
					NC_BASE_ENV);
		return nc_place_systemd();
	}
	nc_mode = NC_PLACE_BASE;
	if (!base)
		base = NC_CG_DOLLS;
	if (!nc_cg_below(base, NC_CG_ROOT) || strstr(base, "/.") || strlen(base) >= PATH_MAX / 2)
		return nc_error("agent: cgroup base \"%s\" is not a cgroup below %s; give an absolute path such as %s",
				base, NC_CG_ROOT, NC_CG_DOLLS);
	nc_cg_set_base(base);
	return NC_OK;
}

void nc_place_stop(void)
{
	nc_sd_close(nc_bus);
	nc_bus = NULL;
}

bool nc_place_in_place_ok(const char *dir)
{
	return nc_mode == NC_PLACE_BASE || nc_cg_delegated(dir, true);
}

/* mkdir that tells whether it made dir; 0 or -errno. */
static int nc_mkdir(const char *dir, bool *made)
{
	if (!mkdir(dir, 0755))
		*made = true;
	else if (errno != EEXIST)
		return -errno;
	return 0;
}

static void nc_unmake(struct nc_apply *a, struct nc_undo *st)
{
	if (st->made)
		nc_cg_doll_rmdir(a->id);
	st->made = false;
}

static int nc_make_dirs(struct nc_apply *a, struct nc_undo *st)
{
	int err;

	nc_cg_doll_dir(a->id, st->dir, sizeof(st->dir));
	nc_cg_vmm_dir(a->id, st->leaf, sizeof(st->leaf));
	err = nc_mkdir(st->dir, &st->made);
	if (!err)
		err = nc_mkdir(st->leaf, &st->made);
	if (err) {
		nc_unmake(a, st);
		return nc_apply_fail(a, -err, "cannot make %s: %s; is %s writable by the agent?",
				     st->leaf, strerror(-err), nc_cg_base());
	}
	return 0;
}

/* The agent moves the VMM itself: no systemd, or its unit's subtree. */
static int nc_place_write(struct nc_apply *a, struct nc_undo *st)
{
	int err = 0;

	if (nc_mode == NC_PLACE_BASE && mkdir(nc_cg_base(), 0755) && errno != EEXIST)
		err = -errno;
	if (err)
		return nc_apply_fail(a, -err, "cannot make %s: %s; is %s cgroup v2 and writable by the agent?",
				     nc_cg_base(), strerror(-err), NC_CG_ROOT);
	err = nc_make_dirs(a, st);
	if (!err)
		err = nc_cg_move(st->leaf, a->pid);
	if (err && !a->error) {
		nc_unmake(a, st);
		return nc_apply_fail(a, -err, "cannot move doll %u's VMM (pid %u) into %s: %s; give the VMM a cgroup of its own to use in place",
				     a->id, a->pid, st->leaf, strerror(-err));
	}
	/* Out of a delegated subtree is systemd's to do: it stays. */
	st->moved = !err && nc_mode == NC_PLACE_BASE;
	return err;
}

/* The scope is new: systemd puts the VMM in it, the agent in its leaf. */
static int nc_scope_start(struct nc_apply *a, struct nc_undo *st)
{
	unsigned int left = nc_apply_left_ms(a);
	char msg[512], cg[PATH_MAX];
	size_t n = strlen("/" NC_SD_SCOPE);
	int err;

	err = nc_sd_start_scope(nc_bus, NC_SD_SCOPE, NC_SD_SLICE, a->pid,
				left < NC_SCOPE_WAIT_MS ? left : NC_SCOPE_WAIT_MS,
				msg, sizeof(msg));
	if (err == -EEXIST)
		return -EEXIST;	/* started meanwhile: attach to it */
	if (err)
		return nc_apply_fail(a, -err, "doll %u: %s; the VMM (pid %u) stays where it was: check systemctl status %s",
				     a->id, msg, a->pid, NC_SD_SCOPE);
	err = nc_cg_of_pid(a->pid, cg, sizeof(cg));
	if (!err && (strlen(cg) <= n || strcmp(cg + strlen(cg) - n, "/" NC_SD_SCOPE)))
		err = -EXDEV;
	if (err)
		return nc_apply_fail(a, -err, "doll %u: systemd started %s but pid %u is not in it (%s): %s",
				     a->id, NC_SD_SCOPE, a->pid, err == -EXDEV ? cg : "?", strerror(-err));
	nc_cg_set_base(cg);
	err = nc_make_dirs(a, st);
	if (!err)
		err = nc_cg_move(st->leaf, a->pid);
	if (err && !a->error)
		return nc_apply_fail(a, -err, "doll %u: cannot move its VMM (pid %u) into %s inside the scope: %s",
				     a->id, a->pid, st->leaf, strerror(-err));
	return err;
}

static int nc_place_scope(struct nc_apply *a, struct nc_undo *st)
{
	char sub[64], msg[512], cg[PATH_MAX];
	int err;

	snprintf(sub, sizeof(sub), "/doll-%u/vmm", a->id);
	if (!nc_cg_base()[0] || !nc_is_dir(nc_cg_base()))
		err = nc_scope_start(a, st);
	else
		err = -EEXIST;
	if (err == -EEXIST && !nc_cg_base()[0])
		nc_scope_find();
	if (err == -EEXIST && nc_cg_base()[0]) {
		err = nc_make_dirs(a, st);
		if (err)
			return err;
		err = nc_sd_attach(nc_bus, NC_SD_SCOPE, sub, a->pid, msg, sizeof(msg));
		if (err)
			nc_unmake(a, st);
		if (err && err != -ENOENT)
			return nc_apply_fail(a, -err, "doll %u: %s; the VMM (pid %u) stays where it was",
					     a->id, msg, a->pid);
		/* It ended with its last VMM: a new one. */
		if (err == -ENOENT)
			err = nc_scope_start(a, st);
	}
	if (err == -EEXIST)
		return nc_apply_fail(a, EEXIST, "doll %u: systemd has %s but its cgroup is unknown; check systemctl status %s",
				     a->id, NC_SD_SCOPE, NC_SD_SCOPE);
	if (err)
		return err;
	err = nc_cg_of_pid(a->pid, cg, sizeof(cg));
	if (!err && strcmp(cg, st->leaf))
		err = -EXDEV;
	if (err)
		return nc_apply_fail(a, -err, "doll %u: its VMM (pid %u) is not in %s after the move: %s",
				     a->id, a->pid, st->leaf, strerror(-err));
	return 0;
}

int nc_place_vmm(struct nc_apply *a, struct nc_undo *st)
{
	const char *top = nc_mode == NC_PLACE_BASE ? NC_CG_ROOT : nc_cg_base();
	int err;

	st->made = st->moved = false;
	err = nc_mode == NC_PLACE_SCOPE ? nc_place_scope(a, st) : nc_place_write(a, st);
	if (err)
		return err;
	/* Alive after the move: the pid moved was the VMM's. */
	if (nc_vmm_check(&a->vmm)) {
		nc_log("doll %u: its VMM (pid %u) exited while it was moved into %s",
		       a->id, a->pid, st->leaf);
		nc_unmake(a, st);
		return nc_apply_fail(a, ENOENT, "doll %u's VMM (pid %u) is gone", a->id, a->pid);
	}
	/* Only now: a cgroup with controllers for its children holds no process. */
	err = nc_cg_enable_below(top, st->leaf);
	if (err) {
		if (st->moved && !nc_cg_move(st->from, a->pid))
			nc_unmake(a, st);
		st->moved = false;
		return nc_apply_fail(a, -err, "cannot enable %s from %s down to %s: %s; is %s cgroup v2 with those controllers, and nothing but leaves holding processes?",
				     NC_CG_CONTROLLERS, top, st->leaf, strerror(-err), top);
	}
	return 0;
}
