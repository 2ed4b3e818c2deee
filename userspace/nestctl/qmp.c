// SPDX-License-Identifier: GPL-2.0-only
/* A minimal QMP client over a unix socket. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "agent.h"
#include "qmp.h"

/* Until fd is ready for events or the deadline; 0 or -errno. */
static int nc_qmp_poll(int fd, short events, uint64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	for (;;) {
		uint64_t now = nc_now_ms();
		int n;

		if (now >= deadline)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, (int)(deadline - now));
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/* Length of the first whole JSON object in buf, 0 if not all there yet. */
static size_t nc_qmp_object(const char *buf, size_t len)
{
	unsigned int depth = 0;
	bool str = false, esc = false;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				str = false;
		} else if (c == '"') {
			str = true;
		} else if (c == '{') {
			depth++;
		} else if (c == '}' && depth && !--depth) {
			return i + 1;
		}
	}
	return 0;
}

/* The next JSON object into q->reply; 0 or -errno. */
static int nc_qmp_read(struct nc_qmp *q, uint64_t deadline)
{
	for (;;) {
		size_t start = strcspn(q->buf, "{"), n;
		ssize_t got;
		int err;

		if (start > q->len)
			start = q->len;
		memmove(q->buf, q->buf + start, q->len - start);
		q->len -= start;
		q->buf[q->len] = '\0';
		n = nc_qmp_object(q->buf, q->len);
		if (n) {
			memcpy(q->reply, q->buf, n);
			q->reply[n] = '\0';
			memmove(q->buf, q->buf + n, q->len - n);
			q->len -= n;
			q->buf[q->len] = '\0';
			return 0;
		}
		if (q->len + 1 >= sizeof(q->buf))
			return -EMSGSIZE;
		err = nc_qmp_poll(q->fd, POLLIN, deadline);
		if (err)
			return err;
		got = read(q->fd, q->buf + q->len, sizeof(q->buf) - 1 - q->len);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			return got ? -errno : -ECONNRESET;
		q->len += (size_t)got;
		q->buf[q->len] = '\0';
	}
}

static int nc_qmp_send(struct nc_qmp *q, const char *cmd, uint64_t deadline)
{
	size_t off = 0, len = strlen(cmd);

	while (off < len) {
		ssize_t n;
		int err = nc_qmp_poll(q->fd, POLLOUT, deadline);

		if (err)
			return err;
		n = send(q->fd, cmd + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		off += (size_t)n;
	}
	return 0;
}

/* Past the JSON string at s (on its opening quote). */
static const char *nc_json_skip_str(const char *s)
{
	for (s++; *s && *s != '"'; s++)
		if (*s == '\\' && s[1])
			s++;
	return *s ? s + 1 : s;
}

/* Past the JSON value at s: a string, an object or array, or a word. */
static const char *nc_json_skip(const char *s)
{
	unsigned int depth = 0;

	do {
		if (*s == '"') {
			s = nc_json_skip_str(s);
			continue;
		}
		if (*s == '{' || *s == '[')
			depth++;
		else if ((*s == '}' || *s == ']') && depth)
			depth--;
		else if (!depth && (*s == ',' || *s == '}' || *s == ']'))
			break;
		s++;
	} while (*s && depth);
	if (!depth)
		s += strcspn(s, ",}]");
	return s;
}

/* The value of key at the top level of the object obj, or NULL. */
static const char *nc_json_top(const char *obj, const char *key)
{
	const char *s = obj + strspn(obj, " \t\r\n");
	size_t klen = strlen(key);

	if (*s++ != '{')
		return NULL;
	for (;;) {
		const char *k, *v;

		s += strspn(s, " \t\r\n,");
		if (*s != '"')
			return NULL;
		k = s + 1;
		s = nc_json_skip_str(s);
		v = s + strspn(s, " \t\r\n");
		if (*v++ != ':')
			return NULL;
		v += strspn(v, " \t\r\n");
		if ((size_t)(s - 1 - k) == klen && !strncmp(k, key, klen))
			return v;
		s = nc_json_skip(v);
	}
}

/* Whether q->reply answers command q->id: an event never does. */
static bool nc_qmp_ours(const struct nc_qmp *q)
{
	const char *id = nc_json_top(q->reply, "id");
	char *end;

	return id && strtoul(id, &end, 10) == q->id && end != id &&
	       (nc_json_top(q->reply, "return") || nc_json_top(q->reply, "error"));
}

static int nc_qmp_wait_reply(struct nc_qmp *q, uint64_t deadline)
{
	for (;;) {
		int err = nc_qmp_read(q, deadline);

		if (err)
			return err;
		if (!nc_qmp_ours(q))
			continue;	/* an event, or a stale reply */
		return nc_json_top(q->reply, "return") ? 0 : -EREMOTEIO;
	}
}

int nc_qmp_cmd(struct nc_qmp *q, const char *cmd, const char *args,
	       unsigned int timeout_ms)
{
	uint64_t deadline = nc_now_ms() + timeout_ms;
	char buf[512];
	int err;

	q->id++;
	snprintf(buf, sizeof(buf), "{\"execute\":\"%s\"%s%s,\"id\":%u}\n", cmd,
		 args ? ",\"arguments\":" : "", args ? args : "", q->id);
	err = nc_qmp_send(q, buf, deadline);
	return err ? err : nc_qmp_wait_reply(q, deadline);
}

/* The process that listens on the socket must be the VMM. */
static int nc_qmp_peer(struct nc_qmp *q, pid_t vmm)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(q->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return -errno;
	q->peer = cred.pid;
	return cred.pid == vmm ? 0 : -EPERM;
}

int nc_qmp_open(struct nc_qmp *q, const char *path, pid_t vmm,
		unsigned int timeout_ms)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint64_t deadline = nc_now_ms() + timeout_ms;
	int err;

	q->len = 0;
	q->buf[0] = '\0';
	q->id = 0;
	q->peer = 0;
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (q->fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	err = connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	if (err == -EINPROGRESS || err == -EAGAIN)
		err = nc_qmp_poll(q->fd, POLLOUT, deadline);
	/* Before a word is said: another VM's socket is left alone. */
	if (!err)
		err = nc_qmp_peer(q, vmm);
	/* The greeting comes once QEMU serves this client. */
	if (!err)
		err = nc_qmp_read(q, deadline);
	if (!err && !nc_json_top(q->reply, "QMP"))
		err = -EPROTO;
	if (!err)
		err = nc_qmp_cmd(q, "qmp_capabilities", NULL,
				 (unsigned int)(deadline > nc_now_ms() ? deadline - nc_now_ms() : 0));
	if (err)
		nc_qmp_close(q);
	return err;
}

void nc_qmp_close(struct nc_qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
}

void nc_qmp_error(const struct nc_qmp *q, char *buf, size_t len)
{
	const char *d = strstr(q->reply, "\"desc\"");
	size_t n = 0;

	if (len)
		buf[0] = '\0';
	if (!d || !(d = strchr(d + 6, '"')))
		return;
	/* Escapes are kept as they are: the text is for a human. */
	for (d++; *d && *d != '"' && n + 1 < len; d++) {
		if (*d == '\\' && d[1])
			buf[n++] = *d++;
		if (n + 1 < len)
			buf[n++] = *d;
	}
	buf[n] = '\0';
}

bool nc_qmp_u64(const struct nc_qmp *q, const char *key, uint64_t *v)
{
	const char *ret = nc_json_top(q->reply, "return");
	char pat[64];
	const char *s;
	char *end;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	s = ret ? strstr(ret, pat) : NULL;
	if (!s)
		return false;
	s += strlen(pat);
	s += strspn(s, " \t\r\n");
	if (*s++ != ':')
		return false;
	s += strspn(s, " \t\r\n");
	if (*s < '0' || *s > '9')
		return false;
	*v = strtoull(s, &end, 10);
	return true;
}
