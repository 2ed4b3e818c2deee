// SPDX-License-Identifier: GPL-2.0-only
/* cgroup v2 files for the agent. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/vfs.h>
#include <sys/xattr.h>

#include "cgroup.h"

#define NC_CGROUP2_MAGIC	0x63677270

bool nc_cg_is_v2(void)
{
	struct statfs sf;

	return !statfs(NC_CG_ROOT, &sf) && sf.f_type == NC_CGROUP2_MAGIC;
}

/* Half a path: room for what goes below it. */
static char nc_base[PATH_MAX / 2] = NC_CG_DOLLS;

const char *nc_cg_base(void)
{
	return nc_base;
}

void nc_cg_set_base(const char *dir)
{
	snprintf(nc_base, sizeof(nc_base), "%s", dir);
}

void nc_cg_doll_dir(uint32_t id, char *dir, size_t len)
{
	snprintf(dir, len, "%s/doll-%u", nc_base, id);
}

void nc_cg_vmm_dir(uint32_t id, char *dir, size_t len)
{
	snprintf(dir, len, "%s/doll-%u/vmm", nc_base, id);
}

int nc_cg_doll_rmdir(uint32_t id)
{
	char dir[PATH_MAX];

	if (!nc_base[0])
		return -ENOENT;
	nc_cg_vmm_dir(id, dir, sizeof(dir));
	if (rmdir(dir) && errno != ENOENT)
		return -errno;
	nc_cg_doll_dir(id, dir, sizeof(dir));
	return rmdir(dir) ? -errno : 0;
}

static int nc_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

int nc_cg_read(const char *dir, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return nc_read_file(path, buf, len);
}

int nc_cg_write(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX];
	size_t n = strlen(val);
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* cgroup files take one write; an empty value is one newline. */
	if (write(fd, n ? val : "\n", n ? n : 1) < 0)
		err = -errno;
	close(fd);
	return err;
}

int nc_cg_read_u64(const char *dir, const char *file, uint64_t *v)
{
	char buf[64], *end;
	int err = nc_cg_read(dir, file, buf, sizeof(buf));

	if (err)
		return err;
	if (!strcmp(buf, "max")) {
		*v = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*v = strtoull(buf, &end, 10);
	return errno || end == buf || *end ? -EBADMSG : 0;
}

/* "0::/path" of /proc/PID/cgroup, as NC_CG_ROOT/path. */
static int nc_cg_proc(pid_t pid, char *dir, size_t len)
{
	char path[64], buf[PATH_MAX + 16];
	const char *rel;
	int err;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	err = nc_read_file(path, buf, sizeof(buf));
	if (err)
		return err;
	rel = strstr(buf, "0::/");
	if (!rel || (rel != buf && rel[-1] != '\n'))
		return -ENOENT;	/* not on the unified hierarchy */
	rel += 3;
	snprintf(dir, len, "%s%.*s", NC_CG_ROOT, (int)strcspn(rel, "\n"),
		 strcmp(rel, "/") ? rel : "");
	return 0;
}

int nc_cg_of_pid(pid_t pid, char *dir, size_t len)
{
	char type[32];
	int err = nc_cg_proc(pid, dir, len);

	while (!err && strcmp(dir, NC_CG_ROOT) &&
	       !nc_cg_read(dir, "cgroup.type", type, sizeof(type)) &&
	       !strcmp(type, "threaded"))
		*strrchr(dir, '/') = '\0';
	return err;
}

/* A kernel thread (KVM's per-VM worker joins its VMM's cgroup): its
 * cmdline is empty. */
static bool nc_is_kthread(long p)
{
	char path[64], c;
	FILE *f;
	bool k;

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", p);
	f = fopen(path, "re");
	if (!f)
		return true;	/* gone: does not count */
	k = fread(&c, 1, 1, f) != 1;
	fclose(f);
	return k;
}

bool nc_cg_only(const char *dir, pid_t pid)
{
	char buf[512], *s, *end;
	bool seen = false;
	long p;

	if (nc_cg_read(dir, "cgroup.procs", buf, sizeof(buf)))
		return false;
	for (s = buf; *s; s = end) {
		p = strtol(s, &end, 10);
		if (end == s)
			return false;
		while (*end == '\n')
			end++;
		if (p == pid)
			seen = true;
		else if (!nc_is_kthread(p))
			return false;
	}
	return seen;
}

bool nc_cg_populated(const char *dir)
{
	char buf[256];

	return nc_cg_read(dir, "cgroup.events", buf, sizeof(buf)) ||
	       !strstr(buf, "populated 0");
}

bool nc_cg_below(const char *dir, const char *base)
{
	size_t n = strlen(base);

	return n && !strncmp(dir, base, n) && dir[n] == '/' && dir[n + 1];
}

bool nc_cg_delegated(const char *dir, bool up)
{
	static const char *const names[] = { "trusted.delegate", "user.delegate" };
	char d[PATH_MAX], v[8];

	snprintf(d, sizeof(d), "%s", dir);
	while (nc_cg_below(d, NC_CG_ROOT)) {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (getxattr(d, names[i], v, sizeof(v)) == 1 && v[0] == '1')
				return true;
		if (!up)
			break;
		*strrchr(d, '/') = '\0';
	}
	return false;
}

int nc_cg_enable(const char *dir)
{
	return nc_cg_enable_below(NC_CG_ROOT, dir);
}

int nc_cg_enable_below(const char *top, const char *dir)
{
	size_t n = strlen(top);
	char anc[PATH_MAX];
	int err;

	if (strncmp(dir, top, n) || dir[n] != '/')
		return 0;	/* top itself, or not below it */
	/* From top down to dir's parent: each enables them for its children. */
	for (;;) {
		const char *next = strchr(dir + n + 1, '/');

		snprintf(anc, sizeof(anc), "%.*s", (int)n, dir);
		err = nc_cg_write(anc, "cgroup.subtree_control", NC_CG_CONTROLLERS);
		if (err || !next)
			return err;
		n = (size_t)(next - dir);
	}
}

int nc_cg_move(const char *dir, pid_t pid)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return nc_cg_write(dir, "cgroup.procs", buf);
}
