// SPDX-License-Identifier: GPL-2.0-only
/* A doll's VMM: held by a pidfd; from /proc, its QMP sockets, name, RSS. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "util.h"
#include "vmm.h"

/* QEMU command lines run to a few KiB; longer ones are cut here. */
#define NC_CMDLINE_MAX	65536
/* -chardev sockets remembered while looking for their -mon. */
#define NC_CHARDEV_MAX	16

/* src into out, cut to fit. */
static void nc_copy(char *out, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(out, src, n);
	out[n] = '\0';
}

/*
 * The value of key in a QEMU option string ("a=1,key=v,,x,b=2" gives
 * "v,x": ",," is a comma).  first names the implied key of a first item
 * without '=' ("socket" in "socket,id=x" is the backend).  False if absent.
 */
static bool nc_opt(const char *opts, const char *first, const char *key,
		   char *out, size_t len)
{
	char item[512];
	bool at_first = true;

	while (*opts) {
		size_t n = 0;
		const char *eq;

		for (; *opts && !(opts[0] == ',' && opts[1] != ','); opts++) {
			if (opts[0] == ',')
				opts++;
			if (n + 1 < sizeof(item))
				item[n++] = *opts;
		}
		item[n] = '\0';
		if (*opts)
			opts++;
		eq = strchr(item, '=');
		if (eq && (size_t)(eq - item) == strlen(key) &&
		    !strncmp(item, key, strlen(key))) {
			nc_copy(out, len, eq + 1);
			return true;
		}
		if (!eq && at_first && first && !strcmp(key, first)) {
			nc_copy(out, len, item);
			return true;
		}
		at_first = false;
	}
	return false;
}

/* "-x" and "--x" are the same option to QEMU. */
static bool nc_arg_is(const char *arg, const char *opt)
{
	if (arg[0] == '-' && arg[1] == '-')
		arg++;
	return !strcmp(arg, opt);
}

static void nc_vmm_add_qmp(struct nc_vmm *v, const char *path, size_t len)
{
	if (v->n_qmp == NC_VMM_QMP_MAX || !len || len >= sizeof(v->qmp[0]))
		return;
	memcpy(v->qmp[v->n_qmp], path, len);
	v->qmp[v->n_qmp++][len] = '\0';
}

struct nc_chardev {
	char id[64];
	char path[sizeof(((struct nc_vmm *)0)->qmp[0])];
};

/* A -chardev socket with a path, kept until the -mon that uses it. */
static void nc_vmm_chardev(const char *opts, struct nc_chardev *cd,
			   unsigned int *n)
{
	char backend[16];

	if (*n < NC_CHARDEV_MAX &&
	    nc_opt(opts, "backend", "backend", backend, sizeof(backend)) &&
	    !strcmp(backend, "socket") &&
	    nc_opt(opts, "backend", "id", cd[*n].id, sizeof(cd[*n].id)) &&
	    nc_opt(opts, "backend", "path", cd[*n].path, sizeof(cd[*n].path)))
		(*n)++;
}

/* A -mon in QMP mode (mode=control; the default is the human monitor). */
static void nc_vmm_mon(const char *opts, const struct nc_chardev *cd,
		       unsigned int n, struct nc_vmm *v)
{
	char mode[16], id[64];

	if (!nc_opt(opts, "chardev", "mode", mode, sizeof(mode)) ||
	    strcmp(mode, "control") ||
	    !nc_opt(opts, "chardev", "chardev", id, sizeof(id)))
		return;
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(cd[i].id, id))
			nc_vmm_add_qmp(v, cd[i].path, strlen(cd[i].path));
}

void nc_vmm_parse(const char *cmdline, size_t len, struct nc_vmm *v)
{
	struct nc_chardev cd[NC_CHARDEV_MAX];
	const char *opt = NULL;
	unsigned int n_cd = 0;

	v->n_qmp = 0;
	v->domain[0] = '\0';
	v->uuid[0] = '\0';
	for (size_t off = 0; off < len; off += strlen(cmdline + off) + 1) {
		const char *arg = cmdline + off;

		if (!opt) {
			opt = arg;	/* the next word is its value */
			continue;
		}
		if (nc_arg_is(opt, "-qmp") || nc_arg_is(opt, "-qmp-pretty")) {
			if (!strncmp(arg, "unix:", 5))
				nc_vmm_add_qmp(v, arg + 5, strcspn(arg + 5, ","));
		} else if (nc_arg_is(opt, "-chardev")) {
			nc_vmm_chardev(arg, cd, &n_cd);
		} else if (nc_arg_is(opt, "-mon")) {
			nc_vmm_mon(arg, cd, n_cd, v);
		} else if (nc_arg_is(opt, "-name") && !strncmp(arg, "guest=", 6)) {
			nc_opt(arg, NULL, "guest", v->domain, sizeof(v->domain));
		} else if (nc_arg_is(opt, "-uuid")) {
			if (strlen(arg) == sizeof(v->uuid) - 1)
				memcpy(v->uuid, arg, sizeof(v->uuid));
		} else {
			opt = arg;	/* not an option we read: it may start one */
			continue;
		}
		opt = NULL;
	}
}

/* Field 22 of /proc/PID/stat, in ns; the comm before it may hold ')'. */
int nc_proc_start_ns(pid_t pid, uint64_t *ns)
{
	char path[64], buf[1024], *s;
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n ? -errno : -ESRCH;
	buf[n] = '\0';
	s = strrchr(buf, ')');
	/* ") S ppid ..." : starttime is the 20th field after the comm. */
	if (!s || hz <= 0 ||
	    sscanf(s + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &ticks) != 1)
		return -EBADMSG;
	*ns = (uint64_t)ticks * (1000000000ULL / (uint64_t)hz);
	return 0;
}

int nc_vmm_check(const struct nc_vmm *v)
{
	if (v->pidfd < 0)
		return -ESRCH;
	/* An open /proc/PID stays the process's: empty once it is reaped. */
	if (v->proc_dir)
		return faccessat(v->pidfd, "stat", F_OK, 0) ? -ESRCH : 0;
	/* Signal 0 checks only; a zombie answers too, and keeps its pid. */
	if (syscall(SYS_pidfd_send_signal, v->pidfd, 0, NULL, 0))
		return -ESRCH;
	return 0;
}

/*
 * A pidfd; where there is no pidfd_open (kernels before 5.3, valgrind
 * 3.19), the /proc/PID directory, which pins the process the same way.
 */
static int nc_vmm_hold(struct nc_vmm *v)
{
	char path[64];

	v->pidfd = (int)syscall(SYS_pidfd_open, v->pid, 0);
	if (v->pidfd >= 0 || errno != ENOSYS)
		return v->pidfd >= 0 ? 0 : errno == ESRCH ? -ESRCH : -errno;
	snprintf(path, sizeof(path), "/proc/%d", (int)v->pid);
	v->pidfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	v->proc_dir = v->pidfd >= 0;
	if (v->pidfd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return 0;
}

static int nc_vmm_cmdline(struct nc_vmm *v)
{
	char path[64], *buf;
	size_t len = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)v->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	buf = nc_xcalloc(1, NC_CMDLINE_MAX + 1);
	while (len < NC_CMDLINE_MAX &&
	       (n = read(fd, buf + len, NC_CMDLINE_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	nc_vmm_parse(buf, len, v);
	free(buf);
	return 0;
}

int nc_vmm_open(struct nc_vmm *v, pid_t pid, uint64_t start_ns)
{
	uint64_t hz = (uint64_t)sysconf(_SC_CLK_TCK), tick, now;
	int err;

	*v = (struct nc_vmm){ .pid = pid, .pidfd = -1 };
	err = nc_vmm_hold(v);
	if (err)
		return err;
	/*
	 * The pidfd is whoever has pid now; its start time says whether
	 * that is the process that created the VM.  /proc counts in clock
	 * ticks, the kernel's pid-start in ns.
	 */
	tick = hz ? 1000000000ULL / hz : 1;
	err = nc_proc_start_ns(pid, &now);
	if (!err && now / tick != start_ns / tick)
		err = -ESTALE;
	if (!err)
		err = nc_vmm_cmdline(v);
	if (!err)
		err = nc_vmm_check(v);
	if (err)
		nc_vmm_close(v);
	return err;
}

void nc_vmm_close(struct nc_vmm *v)
{
	if (v->pidfd >= 0)
		close(v->pidfd);
	v->pidfd = -1;
}

int nc_vmm_rss(const struct nc_vmm *v, uint64_t *bytes)
{
	char path[64], line[128];
	unsigned long long kb;
	FILE *f;
	int err = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)v->pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %llu kB", &kb) == 1) {
			*bytes = (uint64_t)kb * 1024;
			err = 0;
			break;
		}
	fclose(f);
	return err ? err : nc_vmm_check(v);
}
