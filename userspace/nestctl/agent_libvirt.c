// SPDX-License-Identifier: GPL-2.0-only
/*
 * libvirt's metadata-change events: "virsh metadata DOMAIN URI --live
 * --set '<envelope .../>'" changes a running domain's envelope.  One
 * thread runs libvirt's default event loop and queues the domains whose
 * envelope element changed; another reads each one's live element and
 * asks kvm-nest for it (ENV_SET by doll id: admission, then this agent's
 * own apply, on the main thread), and logs a refusal with its reason.
 * The queue keeps the event loop free: an apply can take a minute, and
 * libvirt's keepalive needs the loop running.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm_nest.h>
#include <libvirt/virterror.h>

#include "agent.h"
#include "attr.h"
#include "dolls.h"
#include "libvirt.h"

/* The event loop's tick: how soon it sees a stop, or a libvirt to reach. */
#define NC_LV_TICK_MS		1000
#define NC_LV_RETRY_MS		5000
/* Domains waiting for their change to be applied, at most. */
#define NC_LV_QUEUE		32
#define NC_LV_WHY		512
#define NC_LV_REFUSAL		2048

/* libvirt's sockets: libvirtd's, or virtqemud's (modular daemons). */
static const char *const nc_lv_socks[] = {
	"/run/libvirt/libvirt-sock", "/run/libvirt/virtqemud-sock",
};

static struct {
	pthread_t loop, worker;
	bool started;
	atomic_bool stop;
	virConnectPtr conn;	/* the loop thread's */
	int cb_id;
	atomic_bool lost;
	uint64_t next_try;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	char queue[NC_LV_QUEUE][VIR_UUID_STRING_BUFLEN];	/* under lock */
	unsigned int n_queue;
} nc_lv = {
	.cb_id = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
};

static void nc_lv_queue(const char *uuid)
{
	unsigned int i;

	pthread_mutex_lock(&nc_lv.lock);
	for (i = 0; i < nc_lv.n_queue; i++)
		if (!strcmp(nc_lv.queue[i], uuid))
			break;
	if (i == nc_lv.n_queue && i < NC_LV_QUEUE)
		snprintf(nc_lv.queue[nc_lv.n_queue++], VIR_UUID_STRING_BUFLEN, "%s", uuid);
	else if (i == NC_LV_QUEUE)
		nc_log("libvirt: domain %s: its envelope changed, but %u other changes wait; set it again later",
		       uuid, NC_LV_QUEUE);
	pthread_cond_signal(&nc_lv.wake);
	pthread_mutex_unlock(&nc_lv.lock);
}

static void nc_lv_changed(virConnectPtr conn, virDomainPtr dom, int type,
			  const char *nsuri, void *opaque)
{
	char uuid[VIR_UUID_STRING_BUFLEN];

	(void)conn;
	(void)opaque;
	if (type != VIR_DOMAIN_METADATA_ELEMENT || !nsuri ||
	    (strcmp(nsuri, NC_LIBVIRT_NS) && strcmp(nsuri, NC_LIBVIRT_NS_OLD)))
		return;
	if (!virDomainGetUUIDString(dom, uuid))
		nc_lv_queue(uuid);
}

static void nc_lv_closed(virConnectPtr conn, int reason, void *opaque)
{
	(void)conn;
	(void)reason;
	(void)opaque;
	atomic_store(&nc_lv.lost, true);
}

static void nc_lv_disconnect(void)
{
	if (!nc_lv.conn)
		return;
	if (nc_lv.cb_id >= 0)
		virConnectDomainEventDeregisterAny(nc_lv.conn, nc_lv.cb_id);
	virConnectUnregisterCloseCallback(nc_lv.conn, nc_lv_closed);
	virConnectClose(nc_lv.conn);
	nc_lv.conn = NULL;
	nc_lv.cb_id = -1;
}

/* Connect when libvirt runs here; quietly retried until it does. */
static void nc_lv_connect(void)
{
	char why[NC_LV_WHY];
	bool any = false;

	nc_lv.next_try = nc_now_ms() + NC_LV_RETRY_MS;
	for (size_t i = 0; i < NC_ARRAY_SIZE(nc_lv_socks); i++)
		any |= !access(nc_lv_socks[i], F_OK);
	if (!any)
		return;
	nc_lv.conn = nc_libvirt_open(why, sizeof(why));
	if (!nc_lv.conn) {
		nc_vlog("libvirt: %s; trying again", why);
		return;
	}
	atomic_store(&nc_lv.lost, false);
	virConnectRegisterCloseCallback(nc_lv.conn, nc_lv_closed, NULL, NULL);
	nc_lv.cb_id = virConnectDomainEventRegisterAny(nc_lv.conn, NULL,
						       VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
						       VIR_DOMAIN_EVENT_CALLBACK(nc_lv_changed),
						       NULL, NULL);
	if (nc_lv.cb_id < 0) {
		nc_log("libvirt: cannot watch domains' metadata (%s); virsh metadata --live will not change envelopes",
		       nc_libvirt_err());
		nc_lv_disconnect();
		return;
	}
	nc_log("libvirt: watching %s for envelope changes (virsh metadata --live)",
	       NC_LIBVIRT_URI);
}

static void nc_lv_tick(int timer, void *opaque)
{
	(void)timer;
	(void)opaque;
	if (atomic_load(&nc_lv.lost)) {
		nc_log("libvirt: the connection to %s closed; connecting again", NC_LIBVIRT_URI);
		nc_lv_disconnect();
	}
	if (!nc_lv.conn && nc_now_ms() >= nc_lv.next_try)
		nc_lv_connect();
}

static void *nc_lv_loop(void *arg)
{
	int timer = virEventAddTimeout(NC_LV_TICK_MS, nc_lv_tick, NULL, NULL);

	(void)arg;
	nc_lv_connect();
	while (!atomic_load(&nc_lv.stop))
		if (virEventRunDefaultImpl() < 0)
			nc_sleep_ms(NC_LV_TICK_MS);
	if (timer >= 0)
		virEventRemoveTimeout(timer);
	nc_lv_disconnect();
	return NULL;
}

static int nc_lv_refusal_cb(const struct nlmsghdr *nlh, void *data)
{
	static const enum mnl_attr_data_type types[KVM_NEST_A_DOLL_MAX + 1] = {
		[KVM_NEST_A_DOLL_REFUSAL] = MNL_TYPE_NUL_STRING,
	};
	const struct nlattr *tb[KVM_NEST_A_DOLL_MAX + 1] = { 0 };

	if (nc_attrs_parse(nlh, sizeof(struct genlmsghdr), types,
			   KVM_NEST_A_DOLL_MAX, tb))
		return -EBADMSG;
	if (tb[KVM_NEST_A_DOLL_REFUSAL])
		snprintf(data, NC_LV_REFUSAL, "%s", mnl_attr_get_str(tb[KVM_NEST_A_DOLL_REFUSAL]));
	return 0;
}

/*
 * The live <envelope/>: the new namespace's, else the old one's.  1 with
 * *xml (free it), 0 when the domain has none, -errno with why.
 */
static int nc_lv_element(virDomainPtr dom, char **xml, char *why, size_t len)
{
	const char *ns[] = { NC_LIBVIRT_NS, NC_LIBVIRT_NS_OLD };
	char *got[2] = { NULL, NULL };

	for (int i = 0; i < 2; i++) {
		got[i] = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, ns[i],
					      VIR_DOMAIN_AFFECT_LIVE);
		if (!got[i] && virGetLastErrorCode() != VIR_ERR_NO_DOMAIN_METADATA) {
			snprintf(why, len, "libvirt gives no metadata: %s", nc_libvirt_err());
			free(got[0]);
			return -EIO;
		}
	}
	if (got[0] && got[1]) {
		snprintf(why, len, "it has an <envelope> in both %s and %s; keep one",
			 NC_LIBVIRT_NS, NC_LIBVIRT_NS_OLD);
		free(got[0]);
		free(got[1]);
		return -EINVAL;
	}
	*xml = got[0] ? got[0] : got[1];
	return *xml != NULL;
}

/* The level-1 doll whose VMM is pid; 0 if none. */
static uint32_t nc_lv_doll(struct nc_nl *nl, pid_t pid)
{
	struct nc_dolls set = { 0 };
	uint32_t id = 0;

	if (!nc_dolls_dump(nl, &set))
		for (size_t i = 0; i < set.n; i++)
			if (set.v[i].level == 1 && (set.v[i].has & NC_HAS_PID) &&
			    set.v[i].pid == (uint32_t)pid && set.v[i].kind == KVM_NEST_DOLL_VM)
				id = set.v[i].id;
	nc_dolls_free(&set);
	return id;
}

/* Ask kvm-nest for the domain's new envelope (none: ENV_DEL); logged. */
static void nc_lv_request(struct nc_nl *nl, const char *name, uint32_t id,
			  const struct nc_env *env)
{
	char refusal[NC_LV_REFUSAL] = "";
	struct nlmsghdr *nlh;
	int err;

	nlh = nc_nl_req(nl, env ? KVM_NEST_CMD_ENV_SET : KVM_NEST_CMD_ENV_DEL,
			&nc_doll_attr_names);
	mnl_attr_put_u32(nlh, KVM_NEST_A_DOLL_ID, id);
	if (env)
		nc_env_put(nlh, KVM_NEST_A_DOLL_ENV, env);
	err = nc_nl_do_result(nl, nc_lv_refusal_cb, refusal);
	if (!err)
		nc_log("libvirt: domain %s (doll %u): %s", name, id,
		       env ? "its new envelope is applied" : "its envelope is removed");
	else
		nc_log("libvirt: domain %s (doll %u): its new envelope is refused, the old one stays: %s",
		       name, id, refusal[0] ? refusal : nl->ext.msg[0] ? nl->ext.msg : strerror(-err));
}

/* One domain whose envelope element changed. */
static void nc_lv_apply(struct nc_nl *nl, const char *uuid)
{
	char why[NC_LV_WHY] = "", *xml = NULL;
	virConnectPtr conn = nc_libvirt_open(why, sizeof(why));
	virDomainPtr dom = NULL;
	const char *name = uuid;
	struct nc_env env;
	uint32_t id = 0;
	pid_t pid = 0;
	int err = 0;

	if (!conn)
		goto out;
	dom = virDomainLookupByUUIDString(conn, uuid);
	if (!dom || virDomainIsActive(dom) != 1)
		goto out;	/* only a running domain's change is ours */
	name = virDomainGetName(dom);
	err = nc_libvirt_pid(name, &pid, why, sizeof(why));
	if (!err && !(id = nc_lv_doll(nl, pid))) {
		snprintf(why, sizeof(why), "its QEMU (pid %d) is no VM kvm-nest sees here",
			 (int)pid);
		err = -ENOENT;
	}
	if (!err)
		err = nc_lv_element(dom, &xml, why, sizeof(why));
	if (err > 0)
		err = nc_libvirt_env_parse(xml, &env, why, sizeof(why));
	if (err >= 0)
		nc_lv_request(nl, name, id, err ? NULL : &env);
out:
	if (why[0] && (!conn || err < 0))
		nc_log("libvirt: domain %s: its envelope changed, not applied: %s", name, why);
	free(xml);
	if (dom)
		virDomainFree(dom);
	if (conn)
		virConnectClose(conn);
}

static void *nc_lv_work(void *arg)
{
	struct nc_nl nl = { 0 };
	char uuid[VIR_UUID_STRING_BUFLEN];

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&nc_lv.lock);
		while (!nc_lv.n_queue && !atomic_load(&nc_lv.stop))
			pthread_cond_wait(&nc_lv.wake, &nc_lv.lock);
		if (atomic_load(&nc_lv.stop)) {
			pthread_mutex_unlock(&nc_lv.lock);
			break;
		}
		memcpy(uuid, nc_lv.queue[0], sizeof(uuid));
		memmove(nc_lv.queue[0], nc_lv.queue[1], --nc_lv.n_queue * sizeof(nc_lv.queue[0]));
		pthread_mutex_unlock(&nc_lv.lock);
		if (!nl.sock && nc_nl_open_quiet(&nl)) {
			nc_log("libvirt: domain %s: its envelope changed, but kvm-nest is not loaded", uuid);
			continue;
		}
		nc_lv_apply(&nl, uuid);
		/* A module reload makes the socket's family stale. */
		nc_nl_close(&nl);
		nl = (struct nc_nl){ 0 };
	}
	if (nl.sock)
		nc_nl_close(&nl);
	return NULL;
}

void nc_lv_watch_start(void)
{
	if (virInitialize() || virEventRegisterDefaultImpl()) {
		nc_log("libvirt: no event loop (%s); virsh metadata --live will not change envelopes",
		       nc_libvirt_err());
		return;
	}
	if (pthread_create(&nc_lv.loop, NULL, nc_lv_loop, NULL))
		return;
	if (pthread_create(&nc_lv.worker, NULL, nc_lv_work, NULL)) {
		atomic_store(&nc_lv.stop, true);
		pthread_join(nc_lv.loop, NULL);
		return;
	}
	nc_lv.started = true;
}

void nc_lv_watch_stop(void)
{
	struct timespec ts;

	if (!nc_lv.started)
		return;
	atomic_store(&nc_lv.stop, true);
	pthread_mutex_lock(&nc_lv.lock);
	pthread_cond_signal(&nc_lv.wake);
	pthread_mutex_unlock(&nc_lv.lock);
	pthread_join(nc_lv.loop, NULL);
	/* A change under way waits for kvm-nest; the kernel finishes it. */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 2;
	if (pthread_timedjoin_np(nc_lv.worker, NULL, &ts))
		pthread_detach(nc_lv.worker);
	nc_lv.started = false;
}
