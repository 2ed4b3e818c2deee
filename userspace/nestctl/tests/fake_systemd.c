// SPDX-License-Identifier: GPL-2.0-only
/*
 * fake-systemd [-r CGROOT] LOG: the part of systemd's manager the agent
 * uses, on the bus DBUS_SYSTEM_BUS_ADDRESS names (a test's own
 * dbus-daemon), acting on the real cgroup2 tree as systemd does:
 *  - StartTransientUnit(ssa(sv)a(sa(sv))) of a scope: its cgroup made
 *    under its slice (a dash in a slice's name is a level, as in
 *    systemd), the controllers enabled from the root down to it, with
 *    Delegate=yes trusted.delegate=1 on it, its PIDs moved in; the reply
 *    is a job path, then JobRemoved(id, job, unit, "done");
 *  - AttachProcessesToUnit(ssau): PIDs into a unit's cgroup or a
 *    subcgroup of it, only for a unit with delegation;
 *  - GetUnit(s), and the unit's ControlGroup property (as a Scope);
 *  - a unit whose cgroup empties is gone, its cgroups removed (systemd
 *    stops an empty scope).
 * Each call is one line in LOG; SIGTERM ends it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <systemd/sd-bus.h>

#define FS_PATH		"/org/freedesktop/systemd1"
#define FS_MANAGER	"org.freedesktop.systemd1.Manager"
#define FS_UNITS	16
#define FS_PIDS		16

struct fs_unit {
	char name[256];
	char cg[PATH_MAX];
	bool delegate;
};

static struct fs_unit fs_units[FS_UNITS];
static const char *fs_root = "/sys/fs/cgroup";
static FILE *fs_log;
static uint32_t fs_job;
static volatile sig_atomic_t fs_stop;

static void fs_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fs_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(fs_log, fmt, ap);
	va_end(ap);
	fputc('\n', fs_log);
	fflush(fs_log);
}

static int fs_write(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX + 32];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	if (fputs(val, f) < 0)
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

static void fs_rm_tree(const char *dir)
{
	char sub[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && de->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%.*s/%s", PATH_MAX / 2, dir, de->d_name);
			fs_rm_tree(sub);
		}
	closedir(d);
	rmdir(dir);
}

/* Units whose cgroup emptied are stopped, as systemd does with scopes. */
static void fs_gc(void)
{
	char ev[PATH_MAX + 16], buf[256];
	FILE *f;

	for (int i = 0; i < FS_UNITS; i++) {
		struct fs_unit *u = &fs_units[i];
		size_t n = 0;

		if (!u->name[0])
			continue;
		snprintf(ev, sizeof(ev), "%s/cgroup.events", u->cg);
		f = fopen(ev, "re");
		if (f) {
			n = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
		}
		buf[n] = '\0';
		if (f && !strstr(buf, "populated 0"))
			continue;
		fs_say("stopped %s: its cgroup is empty", u->name);
		fs_rm_tree(u->cg);
		u->name[0] = '\0';
	}
}

static struct fs_unit *fs_find(const char *name)
{
	for (int i = 0; i < FS_UNITS; i++)
		if (fs_units[i].name[0] && !strcmp(fs_units[i].name, name))
			return &fs_units[i];
	return NULL;
}

/* "a-b.slice" is ROOT/a.slice/a-b.slice; controllers on at each level. */
static int fs_make(const char *slice, const char *unit, char *cg, size_t len)
{
	const char *dash = slice;
	char comp[300];
	size_t n;

	snprintf(cg, len, "%s", fs_root);
	for (;;) {
		const char *next = strchr(dash, '-');

		n = next ? (size_t)(next - slice) : strlen(slice) - strlen(".slice");
		snprintf(comp, sizeof(comp), "%.*s.slice", (int)n, slice);
		/* Not every controller exists everywhere: systemd skips those. */
		fs_write(cg, "cgroup.subtree_control", "+cpu +cpuset +memory");
		n = strlen(cg);
		snprintf(cg + n, len - n, "/%s", comp);
		if (mkdir(cg, 0755) && errno != EEXIST)
			return -errno;
		if (!next)
			break;
		dash = next + 1;
	}
	fs_write(cg, "cgroup.subtree_control", "+cpu +cpuset +memory");
	n = strlen(cg);
	snprintf(cg + n, len - n, "/%s", unit);
	if (mkdir(cg, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int fs_move(const char *dir, const uint32_t *pids, unsigned int n)
{
	char buf[16];

	for (unsigned int i = 0; i < n; i++) {
		int err;

		snprintf(buf, sizeof(buf), "%u", pids[i]);
		err = fs_write(dir, "cgroup.procs", buf);
		if (err)
			return err;
	}
	return 0;
}

static int fs_read_pids(sd_bus_message *m, uint32_t *pids, unsigned int *n)
{
	uint32_t p;
	int r = sd_bus_message_enter_container(m, 'a', "u");

	while (r >= 0 && (r = sd_bus_message_read(m, "u", &p)) > 0)
		if (*n < FS_PIDS)
			pids[(*n)++] = p;
	return r < 0 ? r : sd_bus_message_exit_container(m);
}

static int fs_read_props(sd_bus_message *m, char *slice, size_t len,
			 int *delegate, uint32_t *pids, unsigned int *n)
{
	const char *key, *s;
	int r = sd_bus_message_enter_container(m, 'a', "(sv)");

	while (r >= 0 && (r = sd_bus_message_enter_container(m, 'r', "sv")) > 0) {
		r = sd_bus_message_read(m, "s", &key);
		if (r < 0)
			break;
		if (!strcmp(key, "Slice")) {
			r = sd_bus_message_read(m, "v", "s", &s);
			if (r >= 0)
				snprintf(slice, len, "%s", s);
		} else if (!strcmp(key, "Delegate")) {
			r = sd_bus_message_read(m, "v", "b", delegate);
		} else if (!strcmp(key, "PIDs")) {
			r = sd_bus_message_enter_container(m, 'v', "au");
			if (r >= 0)
				r = fs_read_pids(m, pids, n);
			if (r >= 0)
				r = sd_bus_message_exit_container(m);
		} else {
			r = sd_bus_message_skip(m, "v");
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(m);
	return r;
}

static int fs_start(sd_bus_message *m, void *data, sd_bus_error *e)
{
	char slice[256] = "system.slice", job[64], cg[PATH_MAX];
	const char *name, *mode, *dot;
	uint32_t pids[FS_PIDS];
	unsigned int n = 0;
	int delegate = 0, r, i;

	(void)data;
	r = sd_bus_message_read(m, "ss", &name, &mode);
	if (r >= 0)
		r = fs_read_props(m, slice, sizeof(slice), &delegate, pids, &n);
	if (r >= 0)
		r = sd_bus_message_skip(m, "a(sa(sv))");
	if (r < 0)
		return r;
	fs_gc();
	fs_say("StartTransientUnit %s mode=%s slice=%s delegate=%d pids=%u", name, mode,
	       slice, delegate, n);
	if (fs_find(name))
		return sd_bus_error_setf(e, "org.freedesktop.systemd1.UnitExists",
					 "Unit %s was already loaded or has a fragment file.", name);
	dot = strrchr(name, '.');
	if (!dot || strcmp(dot, ".scope") || strchr(name, '/'))
		return sd_bus_error_setf(e, SD_BUS_ERROR_INVALID_ARGS, "fake-systemd makes scopes only, not %s", name);
	dot = strrchr(slice, '.');
	if (!dot || strcmp(dot, ".slice") || strchr(slice, '/') || slice[0] == '-')
		return sd_bus_error_setf(e, SD_BUS_ERROR_INVALID_ARGS, "bad slice %s", slice);
	if (!n)
		return sd_bus_error_set(e, SD_BUS_ERROR_INVALID_ARGS, "No PIDs specified for scope");
	for (i = 0; i < FS_UNITS && fs_units[i].name[0]; i++)
		;
	if (i == FS_UNITS)
		return sd_bus_error_set(e, SD_BUS_ERROR_LIMITS_EXCEEDED, "fake-systemd: too many units");
	r = fs_make(slice, name, cg, sizeof(cg));
	if (!r && delegate && setxattr(cg, "trusted.delegate", "1", 1, 0))
		r = -errno;
	if (!r)
		r = fs_move(cg, pids, n);
	if (r) {
		fs_say("failed: %s: %s", cg, strerror(-r));
		fs_rm_tree(cg);
		return sd_bus_error_set_errnof(e, -r, "cannot make %s: %s", cg, strerror(-r));
	}
	snprintf(fs_units[i].name, sizeof(fs_units[i].name), "%s", name);
	snprintf(fs_units[i].cg, sizeof(fs_units[i].cg), "%s", cg);
	fs_units[i].delegate = delegate;
	fs_say("started %s in %s", name, cg);
	snprintf(job, sizeof(job), FS_PATH "/job/%u", ++fs_job);
	r = sd_bus_reply_method_return(m, "o", job);
	if (r >= 0)
		r = sd_bus_emit_signal(sd_bus_message_get_bus(m), FS_PATH, FS_MANAGER,
				       "JobRemoved", "uoss", fs_job, job, name, "done");
	return r;
}

static int fs_attach(sd_bus_message *m, void *data, sd_bus_error *e)
{
	const char *name, *sub;
	char dir[PATH_MAX];
	uint32_t pids[FS_PIDS];
	unsigned int n = 0;
	struct fs_unit *u;
	int r;

	(void)data;
	r = sd_bus_message_read(m, "ss", &name, &sub);
	if (r >= 0)
		r = fs_read_pids(m, pids, &n);
	if (r < 0)
		return r;
	fs_gc();
	fs_say("AttachProcessesToUnit %s sub=%s pids=%u", name, sub, n);
	u = fs_find(name);
	if (!u)
		return sd_bus_error_setf(e, "org.freedesktop.systemd1.NoSuchUnit", "Unit %s not loaded.", name);
	if (!u->delegate)
		return sd_bus_error_setf(e, SD_BUS_ERROR_INVALID_ARGS, "Unit %s is not delegated", name);
	if ((sub[0] && sub[0] != '/') || strstr(sub, "/."))
		return sd_bus_error_setf(e, SD_BUS_ERROR_INVALID_ARGS, "bad subcgroup %s", sub);
	snprintf(dir, sizeof(dir), "%.*s%s", PATH_MAX / 2, u->cg, sub);
	r = fs_move(dir, pids, n);
	if (r)
		return sd_bus_error_set_errnof(e, -r, "cannot move into %s: %s", dir, strerror(-r));
	fs_say("attached to %s", dir);
	return sd_bus_reply_method_return(m, "");
}

#define FS_UNIT_PATH	FS_PATH "/unit"

static int fs_get_unit(sd_bus_message *m, void *data, sd_bus_error *e)
{
	char *path = NULL;
	const char *name;
	int r;

	(void)data;
	r = sd_bus_message_read(m, "s", &name);
	if (r < 0)
		return r;
	fs_gc();
	fs_say("GetUnit %s", name);
	if (!fs_find(name))
		return sd_bus_error_setf(e, "org.freedesktop.systemd1.NoSuchUnit", "Unit %s not loaded.", name);
	r = sd_bus_path_encode(FS_UNIT_PATH, name, &path);
	if (r >= 0)
		r = sd_bus_reply_method_return(m, "o", path);
	free(path);
	return r;
}

/* A unit's object: /org/freedesktop/systemd1/unit/<escaped name>. */
static int fs_unit_find(sd_bus *bus, const char *path, const char *iface,
			void *data, void **found, sd_bus_error *e)
{
	struct fs_unit *u = NULL;
	char *name = NULL;

	(void)bus;
	(void)iface;
	(void)data;
	(void)e;
	if (sd_bus_path_decode(path, FS_UNIT_PATH, &name) > 0)
		u = fs_find(name);
	free(name);
	*found = u;
	return !!u;
}

/* ControlGroup: the unit's cgroup from the cgroup2 root, as systemd's. */
static int fs_unit_cgroup(sd_bus *bus, const char *path, const char *iface,
			  const char *prop, sd_bus_message *reply, void *data,
			  sd_bus_error *e)
{
	const struct fs_unit *u = data;

	(void)bus;
	(void)path;
	(void)iface;
	(void)prop;
	(void)e;
	return sd_bus_message_append(reply, "s", u->cg + strlen(fs_root));
}

static const sd_bus_vtable fs_unit_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("ControlGroup", "s", fs_unit_cgroup, 0, 0),
	SD_BUS_VTABLE_END
};

static const sd_bus_vtable fs_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("StartTransientUnit", "ssa(sv)a(sa(sv))", "o", fs_start,
		      SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("AttachProcessesToUnit", "ssau", "", fs_attach,
		      SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("GetUnit", "s", "o", fs_get_unit, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL("JobRemoved", "uoss", 0),
	SD_BUS_VTABLE_END
};

static void fs_term(int sig)
{
	(void)sig;
	fs_stop = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = fs_term };
	sd_bus *bus = NULL;
	int r, c;

	while ((c = getopt(argc, argv, "r:")) != -1) {
		if (c != 'r')
			return 2;
		fs_root = optarg;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: fake-systemd [-r CGROOT] LOG\n");
		return 2;
	}
	fs_log = fopen(argv[optind], "ae");
	if (!fs_log) {
		perror(argv[optind]);
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	r = sd_bus_open_system(&bus);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, FS_PATH, FS_MANAGER, fs_vtable, NULL);
	if (r >= 0)
		r = sd_bus_add_fallback_vtable(bus, NULL, FS_UNIT_PATH, "org.freedesktop.systemd1.Scope",
					       fs_unit_vtable, fs_unit_find, NULL);
	if (r >= 0)
		r = sd_bus_request_name(bus, "org.freedesktop.systemd1", 0);
	if (r < 0) {
		fs_say("fake-systemd: cannot serve on the bus: %s", strerror(-r));
		sd_bus_unref(bus);
		fclose(fs_log);
		return 1;
	}
	fs_say("ready");
	while (!fs_stop) {
		r = sd_bus_process(bus, NULL);
		if (r > 0)
			continue;
		if (r < 0) {
			fs_say("sd_bus_process: %s", strerror(-r));
			break;
		}
		r = sd_bus_wait(bus, 500 * 1000);
		if (r < 0 && r != -EINTR)
			break;
	}
	fs_say("stopped");
	sd_bus_flush_close_unref(bus);
	fclose(fs_log);
	return 0;
}
