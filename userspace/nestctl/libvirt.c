// SPDX-License-Identifier: GPL-2.0-only
/*
 * libvirt's domain of a VMM, through its C API; its pid from the QEMU
 * driver's state directory (libvirt 9.0 has no API that gives it).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <libvirt/virterror.h>

#include "libvirt.h"

/* libvirt prints every error on stderr unless told otherwise. */
static void nc_libvirt_quiet(void *data, virErrorPtr err)
{
	(void)data;
	(void)err;
}

virConnectPtr nc_libvirt_open(char *why, size_t len)
{
	virConnectPtr conn;
	virErrorPtr e;

	if (virInitialize()) {
		snprintf(why, len, "libvirt did not initialize");
		return NULL;
	}
	virSetErrorFunc(NULL, nc_libvirt_quiet);
	conn = virConnectOpen(NC_LIBVIRT_URI);
	/* Short: it goes into a refusal's 255 bytes with more. */
	e = conn ? NULL : virGetLastError();
	if (!conn)
		snprintf(why, len, "libvirt runs no domain here (%s: %s)", NC_LIBVIRT_URI,
			 e && e->code == VIR_ERR_SYSTEM_ERROR && e->int1 > 0 ?
			 strerror(e->int1) : "no answer");
	return conn;
}

const char *nc_libvirt_err(void)
{
	virErrorPtr e = virGetLastError();

	return e && e->message ? e->message : "no reason given";
}

/* Root's, and no one else may write it (nor replace it, for a directory). */
static bool nc_root_only(const struct stat *st)
{
	return st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

int nc_libvirt_pid(const char *name, pid_t *pid, char *why, size_t len)
{
	char path[PATH_MAX], buf[32], *end;
	struct stat st;
	ssize_t n;
	long val;
	int dir, fd;

	/* A name is one path component (libvirt refuses '/' in names). */
	if (!name[0] || strchr(name, '/') || name[0] == '.') {
		snprintf(why, len, "\"%.64s\" is not a libvirt domain name", name);
		return -EINVAL;
	}
	dir = open(NC_LIBVIRT_RUN, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0 || fstat(dir, &st) || !nc_root_only(&st)) {
		snprintf(why, len, "libvirt runs no domain here (%s: %s)", NC_LIBVIRT_RUN,
			 dir < 0 ? strerror(errno) : "not root's alone");
		if (dir >= 0)
			close(dir);
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "%s.pid", name);
	fd = openat(dir, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	close(dir);
	if (fd < 0) {
		snprintf(why, len, "libvirt runs no domain '%s' (no %s/%s)", name,
			 NC_LIBVIRT_RUN, path);
		return -ENOENT;
	}
	n = fstat(fd, &st) ? -1 : read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || !S_ISREG(st.st_mode) || !nc_root_only(&st)) {
		snprintf(why, len, "%s/%s is not a pid file of libvirt's", NC_LIBVIRT_RUN, path);
		return -ENOENT;
	}
	buf[n] = '\0';
	val = strtol(buf, &end, 10);
	if (end == buf || val <= 0 || val > INT_MAX) {
		snprintf(why, len, "libvirt's pid file %s/%s holds no pid", NC_LIBVIRT_RUN, path);
		return -ENOENT;
	}
	*pid = (pid_t)val;
	return 0;
}

/* The domain v claims to be, running; NULL with why. */
static virDomainPtr nc_libvirt_claimed(virConnectPtr conn, const struct nc_vmm *v,
				       char *why, size_t len)
{
	virDomainPtr dom;

	if (v->uuid[0])
		dom = virDomainLookupByUUIDString(conn, v->uuid);
	else
		dom = virDomainLookupByName(conn, v->domain);
	if (!dom) {
		snprintf(why, len, "libvirt runs no domain %s '%s'", v->uuid[0] ? "with uuid" : "named",
			 v->uuid[0] ? v->uuid : v->domain);
		return NULL;
	}
	if (virDomainIsActive(dom) != 1) {
		snprintf(why, len, "libvirt's domain '%s' does not run", virDomainGetName(dom));
		virDomainFree(dom);
		return NULL;
	}
	return dom;
}

int nc_libvirt_domain(virConnectPtr conn, const struct nc_vmm *v,
		      virDomainPtr *dom, char *why, size_t len)
{
	const char *name;
	pid_t pid = 0;
	int err;

	*dom = nc_libvirt_claimed(conn, v, why, len);
	if (!*dom)
		return -ENOENT;
	name = virDomainGetName(*dom);
	if (!name) {
		err = -ENOENT;
		snprintf(why, len, "libvirt gives no name for domain %s (%s)", v->uuid, nc_libvirt_err());
	} else if (v->domain[0] && strcmp(name, v->domain)) {
		err = -EPERM;
		snprintf(why, len, "libvirt's domain %s is '%s', not '%s' as this VMM (pid %d) says",
			 v->uuid, name, v->domain, (int)v->pid);
	} else {
		err = nc_libvirt_pid(name, &pid, why, len);
	}
	if (!err && pid != v->pid) {
		err = -EPERM;
		snprintf(why, len, "libvirt runs domain '%s' as pid %d, not as this VMM (pid %d)",
			 name, (int)pid, (int)v->pid);
	} else if (!err && nc_vmm_check(v)) {	/* the pid still is the VMM's */
		err = -ENOENT;
		snprintf(why, len, "this VMM (pid %d) of libvirt's domain '%s' is gone",
			 (int)v->pid, name);
	}
	if (err) {
		virDomainFree(*dom);
		*dom = NULL;
	}
	return err;
}
