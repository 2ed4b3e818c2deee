/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where the agent puts a plain VMM (one without a cgroup of its own):
 * BASE/doll-ID/vmm, BASE chosen once at start (agent_place.c;
 * Documentation/envelopes.rst, "Cgroup placement"):
 *  - systemd host, system bus reachable: the transient scope
 *    NC_SD_SCOPE in NC_SD_SLICE (Delegate=yes), asked of systemd;
 *  - systemd host without the bus, under a unit with Delegate=yes: that
 *    unit's cgroup, the agent itself in its leaf BASE/agent;
 *  - no systemd: -cgroup DIR, NESTCTL_CGROUP_BASE, else NC_CG_DOLLS.
 * On a systemd host it never makes a cgroup outside what systemd
 * delegated, and refuses to start when nothing was.
 */
#ifndef NC_PLACE_H
#define NC_PLACE_H

#include <stdbool.h>

#include "agent.h"

#define NC_SD_SLICE	"kvm-nest.slice"
#define NC_SD_SCOPE	"kvm-nest-dolls.scope"
/* The base's environment variable, like -cgroup. */
#define NC_BASE_ENV	"NESTCTL_CGROUP_BASE"

enum nc_place_mode { NC_PLACE_BASE, NC_PLACE_SCOPE, NC_PLACE_DELEGATED };

/* Choose the mode once, at start; base is -cgroup's DIR or NULL.  NC_OK,
 * or NC_ERR with what to do printed. */
int nc_place_init(const char *base);
void nc_place_stop(void);
enum nc_place_mode nc_place_mode(void);
/* Whether the VMM's cgroup may be used in place: on a systemd host only a
 * delegated one (libvirt's machine scope). */
bool nc_place_in_place_ok(const char *dir);
/* a's VMM into BASE/doll-ID/vmm (st->dir, st->leaf), made as needed
 * (st->made), the controllers on; st->moved when it can be moved back.
 * 0, or -errno with a->msg set. */
int nc_place_vmm(struct nc_apply *a, struct nc_undo *st);

#endif
