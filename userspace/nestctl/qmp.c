// SPDX-License-Identifier: GPL-2.0-only
/* A minimal QMP client over a unix socket, parsing with json-c. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <json-c/json.h>

#include "qmp.h"
#include "util.h"

static int nc_qmp_fail(struct nc_qmp *q, int err, const char *fmt, ...)
	NC_PRINTF(3, 4);

/* -err, with q->why; a broken stream stays broken (q->dead). */
static int nc_qmp_fail(struct nc_qmp *q, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q->why, sizeof(q->why), fmt, ap);
	va_end(ap);
	if (err == EPROTO || err == EMSGSIZE || err == ECONNRESET)
		q->dead = -err;
	return -err;
}

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

/* Parse what buf holds; a whole message in *obj, else NULL.  0 or -errno. */
static int nc_qmp_parse(struct nc_qmp *q, struct json_object **obj)
{
	size_t n = q->len - q->off;
	enum json_tokener_error jerr;

	*obj = json_tokener_parse_ex(q->tok, q->buf + q->off, (int)n);
	jerr = json_tokener_get_error(q->tok);
	if (jerr == json_tokener_success)
		n = json_tokener_get_parse_end(q->tok);
	else if (jerr != json_tokener_continue)
		return nc_qmp_fail(q, EPROTO, "QMP: a message that is not JSON (%s, at offset %zu of it) while waiting for %s; is the socket a QMP one (-qmp, not -monitor or -serial)?",
				   json_tokener_error_desc(jerr),
				   q->msg_len + json_tokener_get_parse_end(q->tok), q->wait);
	q->off += n;
	q->msg_len += n;
	if (q->msg_len > NC_QMP_MSG_MAX) {
		json_object_put(*obj);
		*obj = NULL;
		return nc_qmp_fail(q, EMSGSIZE, "QMP: a message longer than %d bytes while waiting for %s; not a QEMU this agent can use",
				   NC_QMP_MSG_MAX, q->wait);
	}
	if (!*obj)
		return 0;
	q->msg_len = 0;
	if (!json_object_is_type(*obj, json_type_object)) {
		json_object_put(*obj);
		*obj = NULL;
		return nc_qmp_fail(q, EPROTO, "QMP: a message that is not a JSON object while waiting for %s; is the socket a QMP one?",
				   q->wait);
	}
	return 0;
}

/* The next message, a JSON object, into *obj (the caller's); 0 or -errno. */
static int nc_qmp_read(struct nc_qmp *q, uint64_t deadline,
		       struct json_object **obj)
{
	*obj = NULL;
	if (q->dead)
		return q->dead;
	for (;;) {
		ssize_t got;
		int err;

		while (q->off < q->len) {
			err = nc_qmp_parse(q, obj);
			if (err || *obj)
				return err;
		}
		q->off = 0;
		q->len = 0;
		err = nc_qmp_poll(q->fd, POLLIN, deadline);
		if (err == -ETIMEDOUT)
			return nc_qmp_fail(q, ETIMEDOUT, "QMP: %s did not come in time; is QEMU stopped or serving another client?",
					   q->wait);
		if (err)
			return nc_qmp_fail(q, -err, "QMP: poll: %s", strerror(-err));
		got = read(q->fd, q->buf, sizeof(q->buf));
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got < 0)
			return nc_qmp_fail(q, errno, "QMP: read: %s", strerror(errno));
		if (!got)
			return nc_qmp_fail(q, ECONNRESET, "QMP: QEMU closed the socket while we waited for %s%s; is the VM shutting down?",
					   q->wait, q->msg_len ? ", in the middle of a message" : "");
		q->len = (size_t)got;
	}
}

static int nc_qmp_send(struct nc_qmp *q, const char *msg, uint64_t deadline)
{
	size_t off = 0, len = strlen(msg);

	while (off < len) {
		ssize_t n;
		int err = nc_qmp_poll(q->fd, POLLOUT, deadline);

		if (err == -ETIMEDOUT)
			return nc_qmp_fail(q, ETIMEDOUT, "QMP: QEMU does not take the command %s; is it stopped?",
					   q->cmd);
		if (err)
			return nc_qmp_fail(q, -err, "QMP: poll: %s", strerror(-err));
		n = send(q->fd, msg + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return nc_qmp_fail(q, errno == EPIPE ? ECONNRESET : errno,
					   "QMP: sending %s: %s; is the VM shutting down?",
					   q->cmd, strerror(errno));
		off += (size_t)n;
	}
	return 0;
}

/* Whether obj answers command q->id: an event never does. */
static bool nc_qmp_ours(const struct nc_qmp *q, struct json_object *obj)
{
	struct json_object *id;

	if (json_object_object_get_ex(obj, "event", NULL))
		return false;
	if (!json_object_object_get_ex(obj, "id", &id) ||
	    !json_object_is_type(id, json_type_int) ||
	    json_object_get_int64(id) != (int64_t)q->id)
		return false;
	return json_object_object_get_ex(obj, "return", NULL) ||
	       json_object_object_get_ex(obj, "error", NULL);
}

static int nc_qmp_wait_reply(struct nc_qmp *q, uint64_t deadline)
{
	char desc[160];

	for (unsigned int skipped = 0; skipped <= NC_QMP_SKIP_MAX; skipped++) {
		struct json_object *obj;
		int err = nc_qmp_read(q, deadline, &obj);

		if (err)
			return err;
		if (!nc_qmp_ours(q, obj)) {
			json_object_put(obj);	/* an event, or a stale reply */
			continue;
		}
		q->reply = obj;
		if (json_object_object_get_ex(obj, "return", NULL))
			return 0;
		nc_qmp_error(q, desc, sizeof(desc));
		snprintf(q->why, sizeof(q->why), "QEMU refused %s: %s", q->cmd,
			 desc[0] ? desc : "(no description)");
		return -EREMOTEIO;
	}
	return nc_qmp_fail(q, EPROTO, "QMP: more than %d messages (events, other replies) before %s; is something flooding this QEMU's monitor?",
			   NC_QMP_SKIP_MAX, q->wait);
}

/* {"execute":cmd,"arguments":args,"id":q->id} and a newline, or NULL. */
static char *nc_qmp_msg(struct nc_qmp *q, const char *cmd, const char *args)
{
	struct json_object *msg = json_object_new_object(), *a = NULL;
	char *text = NULL;

	if (args) {
		a = json_tokener_parse(args);
		if (!json_object_is_type(a, json_type_object)) {
			json_object_put(a);
			nc_qmp_fail(q, EINVAL, "QMP: arguments of %s are not a JSON object: %.80s (a bug in nestctl; please report it)",
				    cmd, args);
			goto out;
		}
	}
	if (!msg ||
	    json_object_object_add(msg, "execute", json_object_new_string(cmd)) ||
	    (a && json_object_object_add(msg, "arguments", a)) ||
	    json_object_object_add(msg, "id", json_object_new_int64(q->id))) {
		nc_qmp_fail(q, ENOMEM, "QMP: out of memory");
		goto out;
	}
	if (asprintf(&text, "%s\n",
		     json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN)) < 0) {
		text = NULL;
		nc_qmp_fail(q, ENOMEM, "QMP: out of memory");
	}
out:
	json_object_put(msg);
	return text;
}

int nc_qmp_cmd(struct nc_qmp *q, const char *cmd, const char *args,
	       unsigned int timeout_ms)
{
	uint64_t deadline = nc_now_ms() + timeout_ms;
	char *msg;
	int err;

	json_object_put(q->reply);
	q->reply = NULL;
	/* q->why keeps what broke the stream. */
	if (q->dead)
		return q->dead;
	q->why[0] = '\0';
	q->cmd = cmd;
	snprintf(q->wait, sizeof(q->wait), "the reply to %s", cmd);
	q->id++;
	msg = nc_qmp_msg(q, cmd, args);
	if (!msg)
		return -EINVAL;
	err = nc_qmp_send(q, msg, deadline);
	free(msg);
	return err ? err : nc_qmp_wait_reply(q, deadline);
}

/* The process that listens on the socket must be the VMM. */
static int nc_qmp_peer(struct nc_qmp *q, pid_t vmm)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(q->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return nc_qmp_fail(q, errno, "QMP: SO_PEERCRED: %s", strerror(errno));
	q->peer = cred.pid;
	if (cred.pid != vmm)
		return nc_qmp_fail(q, EPERM, "QMP: the socket is served by pid %d, not by the VMM (pid %d); give the VM a -qmp socket of its own",
				   (int)cred.pid, (int)vmm);
	return 0;
}

static unsigned int nc_qmp_left(uint64_t deadline)
{
	uint64_t now = nc_now_ms();

	return deadline > now ? (unsigned int)(deadline - now) : 0;
}

/* The greeting, then capabilities negotiation. */
static int nc_qmp_hello(struct nc_qmp *q, uint64_t deadline)
{
	struct json_object *obj;
	bool greeting;
	int err;

	/* The greeting comes once QEMU serves this client. */
	snprintf(q->wait, sizeof(q->wait), "the greeting");
	err = nc_qmp_read(q, deadline, &obj);
	if (err)
		return err;
	greeting = json_object_object_get_ex(obj, "QMP", NULL);
	json_object_put(obj);
	if (!greeting)
		return nc_qmp_fail(q, EPROTO, "QMP: the first message is not QMP's greeting; is the socket a QMP one (-qmp, not -monitor or -chardev)?");
	err = nc_qmp_cmd(q, "qmp_capabilities", NULL, nc_qmp_left(deadline));
	if (err == -EREMOTEIO)
		return nc_qmp_fail(q, EPROTO, "QMP: QEMU refused qmp_capabilities; is another client negotiating on this socket?");
	return err;
}

static void nc_qmp_init(struct nc_qmp *q, int fd)
{
	q->fd = fd;
	q->id = 0;
	q->peer = 0;
	q->dead = 0;
	q->cmd = "";
	snprintf(q->wait, sizeof(q->wait), "the greeting");
	q->msg_len = 0;
	q->off = 0;
	q->len = 0;
	q->reply = NULL;
	q->why[0] = '\0';
	q->tok = json_tokener_new_ex(NC_QMP_DEPTH);
}

int nc_qmp_start(struct nc_qmp *q, int fd, unsigned int timeout_ms)
{
	int err;

	nc_qmp_init(q, fd);
	err = q->tok ? nc_qmp_hello(q, nc_now_ms() + timeout_ms) :
		       nc_qmp_fail(q, ENOMEM, "QMP: out of memory");
	if (err)
		nc_qmp_close(q);
	return err;
}

int nc_qmp_open(struct nc_qmp *q, const char *path, pid_t vmm,
		unsigned int timeout_ms)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint64_t deadline = nc_now_ms() + timeout_ms;
	int err;

	nc_qmp_init(q, socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	if (q->fd < 0)
		err = nc_qmp_fail(q, errno, "QMP: socket: %s", strerror(errno));
	else if (!q->tok)
		err = nc_qmp_fail(q, ENOMEM, "QMP: out of memory");
	else if (strlen(path) >= sizeof(sa.sun_path))
		err = nc_qmp_fail(q, ENAMETOOLONG, "QMP: socket path %.60s... is longer than a unix socket allows (%zu bytes); give QEMU a shorter -qmp path",
				  path, sizeof(sa.sun_path) - 1);
	else
		err = 0;
	if (!err) {
		memcpy(sa.sun_path, path, strlen(path) + 1);
		err = connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
		if (err == -EINPROGRESS || err == -EAGAIN)
			err = nc_qmp_poll(q->fd, POLLOUT, deadline);
		if (err == -ETIMEDOUT)
			err = nc_qmp_fail(q, ETIMEDOUT, "QMP: connecting to %s timed out; is QEMU stopped?",
					  path);
		else if (err)
			err = nc_qmp_fail(q, -err, "QMP: cannot connect to %s: %s; is the VM running with -qmp unix:%s,server=on?",
					  path, strerror(-err), path);
	}
	/* Before a word is said: another VM's socket is left alone. */
	if (!err)
		err = nc_qmp_peer(q, vmm);
	if (!err)
		err = nc_qmp_hello(q, deadline);
	if (err)
		nc_qmp_close(q);
	return err;
}

void nc_qmp_close(struct nc_qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	json_object_put(q->reply);
	q->reply = NULL;
	if (q->tok)
		json_tokener_free(q->tok);
	q->tok = NULL;
}

const char *nc_qmp_why(const struct nc_qmp *q, int err)
{
	return q->why[0] ? q->why : strerror(err < 0 ? -err : err);
}

/* The member key of the last reply's member top, or NULL. */
static struct json_object *nc_qmp_get(const struct nc_qmp *q, const char *top,
				      const char *key)
{
	struct json_object *t, *v;

	if (!q->reply || !json_object_object_get_ex(q->reply, top, &t) ||
	    !json_object_is_type(t, json_type_object) ||
	    !json_object_object_get_ex(t, key, &v))
		return NULL;
	return v;
}

void nc_qmp_error(const struct nc_qmp *q, char *buf, size_t len)
{
	struct json_object *d = nc_qmp_get(q, "error", "desc");

	if (len)
		snprintf(buf, len, "%s", json_object_is_type(d, json_type_string) ?
			 json_object_get_string(d) : "");
}

bool nc_qmp_u64(const struct nc_qmp *q, const char *key, uint64_t *v)
{
	struct json_object *n = nc_qmp_get(q, "return", key);

	if (!json_object_is_type(n, json_type_int) || json_object_get_int64(n) < 0)
		return false;
	*v = json_object_get_uint64(n);
	return true;
}
