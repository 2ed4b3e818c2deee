// SPDX-License-Identifier: GPL-2.0-only
/* systemd's manager over D-Bus, for the agent's transient scope. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "sdbus.h"
#include "util.h"

#define NC_SD_DEST	"org.freedesktop.systemd1"
#define NC_SD_PATH	"/org/freedesktop/systemd1"
#define NC_SD_MANAGER	"org.freedesktop.systemd1.Manager"
/* A call systemd does not answer in this long is refused. */
#define NC_SD_CALL_US	(10ULL * 1000 * 1000)

/* systemd's error, or errno's text, as the reason. */
static int nc_sd_fail(const sd_bus_error *e, int err, const char *what,
		      char *msg, size_t len)
{
	if (sd_bus_error_is_set(e))
		snprintf(msg, len, "%s: %s (%s)", what, e->message ? e->message : e->name, e->name);
	else
		snprintf(msg, len, "%s: %s", what, strerror(-err));
	if (sd_bus_error_has_names(e, "org.freedesktop.systemd1.UnitExists"))
		return -EEXIST;
	if (sd_bus_error_has_names(e, "org.freedesktop.systemd1.NoSuchUnit",
				   "org.freedesktop.systemd1.UnitInactive"))
		return -ENOENT;
	return err < 0 ? err : -EIO;
}

int nc_sd_open(struct sd_bus **bus, char *msg, size_t len)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int err = sd_bus_open_system(bus);

	if (err < 0) {
		*bus = NULL;
		snprintf(msg, len, "cannot connect to the system bus: %s", strerror(-err));
		return err;
	}
	/* Answered by sd-bus for any object: systemd is on the bus. */
	err = sd_bus_call_method(*bus, NC_SD_DEST, NC_SD_PATH,
				 "org.freedesktop.DBus.Peer", "Ping", &e, NULL, "");
	if (err < 0) {
		err = nc_sd_fail(&e, err, "systemd does not answer on the system bus", msg, len);
		sd_bus_error_free(&e);
		nc_sd_close(*bus);
		*bus = NULL;
		return err;
	}
	return 0;
}

void nc_sd_close(struct sd_bus *bus)
{
	sd_bus_flush_close_unref(bus);
}

struct nc_sd_job {
	const char *path;	/* the job to wait for; NULL until known */
	bool done;
	char result[32];
};

static int nc_sd_job_removed(sd_bus_message *m, void *data, sd_bus_error *e)
{
	struct nc_sd_job *j = data;
	const char *path, *unit, *result;
	uint32_t id;

	(void)e;
	if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (j->path && !strcmp(path, j->path)) {
		j->done = true;
		snprintf(j->result, sizeof(j->result), "%s", result);
	}
	return 0;
}

static int nc_sd_wait(sd_bus *bus, struct nc_sd_job *j, uint64_t end_ms)
{
	int err;

	while (!j->done) {
		uint64_t now = nc_now_ms();

		err = sd_bus_process(bus, NULL);
		if (err < 0)
			return err;
		if (err > 0)
			continue;
		if (now >= end_ms)
			return -ETIMEDOUT;
		err = sd_bus_wait(bus, (end_ms - now) * 1000);
		if (err < 0 && err != -EINTR)
			return err;
	}
	return 0;
}

static int nc_sd_start_msg(sd_bus *bus, sd_bus_message **m, const char *unit,
			   const char *slice, pid_t pid)
{
	int err = sd_bus_message_new_method_call(bus, m, NC_SD_DEST, NC_SD_PATH,
						 NC_SD_MANAGER, "StartTransientUnit");

	if (err >= 0)
		err = sd_bus_message_append(*m, "ss", unit, "fail");
	if (err >= 0)
		err = sd_bus_message_open_container(*m, 'a', "(sv)");
	if (err >= 0)
		err = sd_bus_message_append(*m, "(sv)(sv)(sv)(sv)(sv)",
					    "Description", "s", "kvm-nest: VMMs under the nestctl agent's envelopes",
					    "Slice", "s", slice,
					    "Delegate", "b", 1,
					    "CollectMode", "s", "inactive-or-failed",
					    "PIDs", "au", 1, (uint32_t)pid);
	if (err >= 0)
		err = sd_bus_message_close_container(*m);
	if (err >= 0)
		err = sd_bus_message_append(*m, "a(sa(sv))", 0);
	return err;
}

int nc_sd_start_scope(struct sd_bus *bus, const char *unit, const char *slice,
		      pid_t pid, unsigned int timeout_ms, char *msg, size_t len)
{
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	struct nc_sd_job j = { 0 };
	uint64_t end = nc_now_ms() + timeout_ms;
	sd_bus_slot *slot = NULL;
	const char *path;
	int err;

	/* Before the call: the job may end before its reply is read. */
	err = sd_bus_match_signal(bus, &slot, NC_SD_DEST, NC_SD_PATH, NC_SD_MANAGER,
				  "JobRemoved", nc_sd_job_removed, &j);
	if (err >= 0)
		err = nc_sd_start_msg(bus, &m, unit, slice, pid);
	if (err < 0) {
		err = nc_sd_fail(&e, err, "cannot ask systemd for a scope", msg, len);
		goto out;
	}
	err = sd_bus_call(bus, m, NC_SD_CALL_US, &e, &reply);
	if (err >= 0)
		err = sd_bus_message_read(reply, "o", &path);
	if (err < 0) {
		err = nc_sd_fail(&e, err, "systemd refused StartTransientUnit", msg, len);
		goto out;
	}
	j.path = path;
	err = nc_sd_wait(bus, &j, end);
	if (err < 0) {
		snprintf(msg, len, "systemd's job %s for %s did not end: %s", path, unit,
			 strerror(-err));
	} else if (strcmp(j.result, "done")) {
		snprintf(msg, len, "systemd's job for %s ended \"%s\", not \"done\"", unit,
			 j.result);
		err = -EIO;
	}
out:
	sd_bus_slot_unref(slot);
	sd_bus_message_unref(reply);
	sd_bus_message_unref(m);
	sd_bus_error_free(&e);
	return err < 0 ? err : 0;
}

int nc_sd_attach(struct sd_bus *bus, const char *unit, const char *sub,
		 pid_t pid, char *msg, size_t len)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int err;

	err = sd_bus_call_method(bus, NC_SD_DEST, NC_SD_PATH, NC_SD_MANAGER,
				 "AttachProcessesToUnit", &e, NULL, "ssau",
				 unit, sub, 1, (uint32_t)pid);
	if (err < 0)
		err = nc_sd_fail(&e, err, "systemd refused AttachProcessesToUnit", msg, len);
	sd_bus_error_free(&e);
	return err < 0 ? err : 0;
}

int nc_sd_unit_cgroup(struct sd_bus *bus, const char *unit, char *cg,
		      size_t cglen, char *msg, size_t len)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *path;
	char *val = NULL;
	int err;

	err = sd_bus_call_method(bus, NC_SD_DEST, NC_SD_PATH, NC_SD_MANAGER,
				 "GetUnit", &e, &reply, "s", unit);
	if (err >= 0)
		err = sd_bus_message_read(reply, "o", &path);
	if (err >= 0)
		err = sd_bus_get_property_string(bus, NC_SD_DEST, path,
						 "org.freedesktop.systemd1.Scope",
						 "ControlGroup", &e, &val);
	if (err < 0)
		err = nc_sd_fail(&e, err, "cannot read the scope's ControlGroup", msg, len);
	else if (!val[0])
		err = -ENOENT;	/* loaded, but not running: no cgroup */
	else
		snprintf(cg, cglen, "%s", val);
	free(val);
	sd_bus_message_unref(reply);
	sd_bus_error_free(&e);
	return err < 0 ? err : 0;
}
