// SPDX-License-Identifier: GPL-2.0-only
/*
 * virsh for libvirt dolls: libvirt owns their QMP socket, so the agent asks
 * libvirtd.  The child's output (stdout and stderr) is kept for the MSG;
 * a virsh that outlives its time is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "balloon.h"

/* virsh with more words than this is not what the agent runs. */
#define NC_VIRSH_ARGS	16
/* The environment passed on, at most; LC_ALL=C comes first. */
#define NC_VIRSH_ENV	128

extern char **environ;

/* The agent's environment in a C locale: the agent parses virsh's labels. */
static void nc_virsh_env(char **env)
{
	size_t n = 0;

	env[n++] = (char *)(uintptr_t)"LC_ALL=C";
	for (char **e = environ; *e && n + 1 < NC_VIRSH_ENV; e++)
		if (strncmp(*e, "LC_", 3) && strncmp(*e, "LANG", 4))
			env[n++] = *e;
	env[n] = NULL;
}

/* Read the child's output until it closes it or the deadline; 0 or -errno. */
static int nc_virsh_read(int fd, char *out, size_t len, uint64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t off = 0;

	for (;;) {
		uint64_t now = nc_now_ms();
		char sink[256];
		ssize_t n;
		int r;

		if (now >= deadline)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)(deadline - now));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			continue;
		if (off + 1 < len)
			n = read(fd, out + off, len - 1 - off);
		else
			n = read(fd, sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : 0;
		if (off + 1 < len) {
			off += (size_t)n;
			out[off] = '\0';
		}
	}
}

int nc_virsh(char *out, size_t len, unsigned int timeout_ms, const char *const *argv)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none;
	char *args[NC_VIRSH_ARGS], *env[NC_VIRSH_ENV];
	int p[2], status, err;
	size_t n = 0;
	pid_t pid;

	out[0] = '\0';
	while (argv[n] && n + 1 < NC_VIRSH_ARGS)
		n++;
	/* posix_spawn takes char *const []: copy, the strings stay untouched. */
	memcpy(args, argv, n * sizeof(*args));
	args[n] = NULL;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDERR_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	/* The agent blocks SIGINT and SIGTERM for its signalfd; virsh must not. */
	sigemptyset(&none);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	nc_virsh_env(env);
	err = posix_spawnp(&pid, argv[0], &fa, &at, args, env);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (err) {
		close(p[0]);
		return -err;
	}
	err = nc_virsh_read(p[0], out, len, nc_now_ms() + timeout_ms);
	close(p[0]);
	if (err)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* virsh ends its messages with blank lines: keep one line of text. */
	for (char *s = out; *s; s++)
		if (*s == '\n')
			*s = ' ';
	if (err)
		return err;
	if (!WIFEXITED(status))
		return -EINTR;
	if (WEXITSTATUS(status) == 127)
		return -ENOENT;
	return WEXITSTATUS(status) ? -EIO : 0;
}
