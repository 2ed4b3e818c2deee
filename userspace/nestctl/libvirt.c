// SPDX-License-Identifier: GPL-2.0-only
/* libvirt's pid of a domain, from its QEMU driver's state directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "libvirt.h"

/* Root's, and no one else may write it (nor replace it, for a directory). */
static bool nc_root_only(const struct stat *st)
{
	return st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

int nc_libvirt_is(const struct nc_vmm *v, char *why, size_t len)
{
	const char *name = v->domain;
	char path[PATH_MAX], buf[32], *end;
	struct stat st;
	ssize_t n;
	long pid;
	int dir, fd, err = 0;

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
	pid = strtol(buf, &end, 10);
	if (end == buf || pid <= 0)
		err = -ENOENT;
	else if (pid != v->pid)
		err = -EPERM;
	else
		err = nc_vmm_check(v);	/* the pid still is the VMM's */
	if (err == -EPERM)
		snprintf(why, len, "libvirt runs domain '%s' as pid %ld, not as this VMM (pid %d)",
			 name, pid, (int)v->pid);
	else if (err)
		snprintf(why, len, "libvirt's pid file %s/%s names no live process of this VMM",
			 NC_LIBVIRT_RUN, path);
	return err;
}
