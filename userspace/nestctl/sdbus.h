/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * systemd's manager over D-Bus (libsystemd's sd-bus), for the agent's
 * transient scope: StartTransientUnit with PIDs and Delegate=yes, waiting
 * for its job, and AttachProcessesToUnit for the VMMs that follow.
 * Functions return 0 or -errno and put systemd's reason in msg.
 */
#ifndef NC_SDBUS_H
#define NC_SDBUS_H

#include <stddef.h>
#include <sys/types.h>

struct sd_bus;

/* The system bus (DBUS_SYSTEM_BUS_ADDRESS, else its default socket), and
 * systemd answering on it. */
int nc_sd_open(struct sd_bus **bus, char *msg, size_t len);
void nc_sd_close(struct sd_bus *bus);
/* A scope unit in slice, Delegate=yes, holding pid; returns once its job
 * is done (or timeout_ms passed: -ETIMEDOUT).  -EEXIST: the unit exists. */
int nc_sd_start_scope(struct sd_bus *bus, const char *unit, const char *slice,
		      pid_t pid, unsigned int timeout_ms, char *msg, size_t len);
/* A loaded unit's cgroup, relative to the cgroup2 root (ControlGroup),
 * into cg; -ENOENT when it is not loaded. */
int nc_sd_unit_cgroup(struct sd_bus *bus, const char *unit, char *cg,
		      size_t cglen, char *msg, size_t len);
/* pid into unit's cgroup, or its subcgroup sub ("/a/b"): systemd moves it.
 * -ENOENT: no such unit, or it is not active. */
int nc_sd_attach(struct sd_bus *bus, const char *unit, const char *sub,
		 pid_t pid, char *msg, size_t len);

#endif
