// SPDX-License-Identifier: GPL-2.0-only
/* A doll's virtio balloon, through QMP or virsh. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balloon.h"

/* QMP: connecting waits for QEMU to serve us; commands answer at once. */
#define NC_QMP_OPEN_MS	10000
#define NC_QMP_CMD_MS	5000
#define NC_VIRSH_MS	15000

static unsigned int nc_min_ms(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

static int nc_balloon_qmp_open(struct nc_balloon *b, struct nc_apply *a)
{
	const struct nc_vmm *v = b->vmm;
	char desc[160];
	uint64_t base = 0, plugged = 0;
	int err = -ENOENT;

	b->qmp = nc_xcalloc(1, sizeof(*b->qmp));
	b->qmp->fd = -1;
	for (unsigned int i = 0; i < v->n_qmp; i++) {
		err = nc_qmp_open(b->qmp, v->qmp[i],
				  nc_min_ms(NC_QMP_OPEN_MS, nc_apply_left_ms(a)));
		if (!err)
			break;
		nc_log("doll %u: QMP socket %s: %s", a->id, v->qmp[i], strerror(-err));
	}
	if (err == -ETIMEDOUT)
		return nc_apply_fail(a, EBUSY, "doll %u: its QMP socket %s does not answer (another client holds it?); free it, or give QEMU a second -qmp socket",
				     a->id, v->qmp[v->n_qmp - 1]);
	if (err)
		return nc_apply_fail(a, EOPNOTSUPP, "doll %u: cannot use its QMP socket %s (%s); start its QEMU with -qmp unix:PATH,server=on,wait=off",
				     a->id, v->qmp[v->n_qmp - 1], strerror(-err));
	err = nc_qmp_cmd(b->qmp, "{\"execute\":\"query-balloon\"}\n", NC_QMP_CMD_MS);
	if (err == -EREMOTEIO) {
		nc_qmp_error(b->qmp, desc, sizeof(desc));
		return nc_apply_fail(a, EOPNOTSUPP, "doll %u has no virtio balloon (QEMU: %s); start it with -device virtio-balloon-pci and the guest's virtio_balloon driver",
				     a->id, desc);
	}
	if (!err)
		err = nc_qmp_cmd(b->qmp, "{\"execute\":\"query-memory-size-summary\"}\n",
				 NC_QMP_CMD_MS);
	if (err)
		return nc_apply_fail(a, EIO, "doll %u: QMP failed: %s; is its VMM stuck?",
				     a->id, strerror(-err));
	nc_qmp_u64(b->qmp, "base-memory", &base);
	nc_qmp_u64(b->qmp, "plugged-memory", &plugged);
	b->full = base + plugged;
	return 0;
}

/* "Max memory:     524288 KiB" of virsh dominfo. */
static int nc_balloon_virsh_open(struct nc_balloon *b, struct nc_apply *a)
{
	const char *argv[] = { "virsh", "-q", "dominfo", b->vmm->domain, NULL };
	char out[2048];
	unsigned long long kib;
	const char *m;
	int err;

	err = nc_virsh(out, sizeof(out), nc_min_ms(NC_VIRSH_MS, nc_apply_left_ms(a)), argv);
	if (err == -ENOENT)
		return nc_apply_fail(a, EOPNOTSUPP, "doll %u is libvirt domain %s, but there is no virsh to balloon it; install libvirt-clients",
				     a->id, b->vmm->domain);
	if (err)
		return nc_apply_fail(a, -err, "doll %u is libvirt domain %s, but virsh dominfo failed: %.120s",
				     a->id, b->vmm->domain, out[0] ? out : strerror(-err));
	m = strstr(out, "Max memory:");
	if (!m || sscanf(m, "Max memory: %llu KiB", &kib) != 1)
		return nc_apply_fail(a, EIO, "doll %u: no \"Max memory\" in virsh dominfo %s; does this virsh match libvirtd?",
				     a->id, b->vmm->domain);
	b->full = (uint64_t)kib * 1024;
	return 0;
}

int nc_balloon_open(struct nc_balloon *b, const struct nc_vmm *vmm,
		    struct nc_apply *a)
{
	*b = (struct nc_balloon){ .vmm = vmm };
	if (vmm->domain[0]) {
		b->via = NC_BALLOON_VIRSH;
		return nc_balloon_virsh_open(b, a);
	}
	if (!vmm->n_qmp)
		return nc_apply_fail(a, EOPNOTSUPP, "doll %u (pid %u) has no QMP socket to reach a balloon; start its QEMU with -qmp unix:PATH,server=on,wait=off and -device virtio-balloon-pci",
				     a->id, a->pid);
	b->via = NC_BALLOON_QMP;
	return nc_balloon_qmp_open(b, a);
}

void nc_balloon_close(struct nc_balloon *b)
{
	if (b->qmp) {
		nc_qmp_close(b->qmp);
		free(b->qmp);
	}
	*b = (struct nc_balloon){ 0 };
}

int nc_balloon_actual(struct nc_balloon *b, struct nc_apply *a, uint64_t *bytes)
{
	const char *argv[] = { "virsh", "-q", "dommemstat", b->vmm->domain, NULL };
	char out[2048];
	unsigned long long kib;
	const char *m;
	int err;

	if (b->via == NC_BALLOON_QMP) {
		err = nc_qmp_cmd(b->qmp, "{\"execute\":\"query-balloon\"}\n", NC_QMP_CMD_MS);
		if (!err && !nc_qmp_u64(b->qmp, "actual", bytes))
			err = -EPROTO;
		if (err)
			return nc_apply_fail(a, EIO, "doll %u: query-balloon failed: %s; is its VMM stuck?",
					     a->id, strerror(-err));
		return 0;
	}
	err = nc_virsh(out, sizeof(out), nc_min_ms(NC_VIRSH_MS, nc_apply_left_ms(a)), argv);
	m = err ? NULL : strstr(out, "actual ");
	if (!m || sscanf(m, "actual %llu", &kib) != 1)
		return nc_apply_fail(a, EIO, "doll %u: virsh dommemstat %s failed: %.120s; is libvirtd running?",
				     a->id, b->vmm->domain, out);
	*bytes = (uint64_t)kib * 1024;
	return 0;
}

int nc_balloon_set(struct nc_balloon *b, struct nc_apply *a, uint64_t bytes)
{
	char cmd[128], kib[32], desc[160], out[2048];
	const char *argv[] = { "virsh", "-q", "setmem", b->vmm->domain, kib, "--live", NULL };
	int err;

	if (b->via == NC_BALLOON_QMP) {
		snprintf(cmd, sizeof(cmd),
			 "{\"execute\":\"balloon\",\"arguments\":{\"value\":%" PRIu64 "}}\n",
			 bytes);
		err = nc_qmp_cmd(b->qmp, cmd, NC_QMP_CMD_MS);
		if (err == -EREMOTEIO) {
			nc_qmp_error(b->qmp, desc, sizeof(desc));
			return nc_apply_fail(a, EOPNOTSUPP, "doll %u: QEMU refused the balloon: %s; does the guest load virtio_balloon?",
					     a->id, desc);
		}
		if (err)
			return nc_apply_fail(a, EIO, "doll %u: balloon over QMP failed: %s; is its VMM stuck?",
					     a->id, strerror(-err));
		return 0;
	}
	snprintf(kib, sizeof(kib), "%" PRIu64, bytes / 1024);
	err = nc_virsh(out, sizeof(out), nc_min_ms(NC_VIRSH_MS, nc_apply_left_ms(a)), argv);
	if (err == -ETIMEDOUT)
		return nc_apply_fail(a, ETIMEDOUT, "doll %u: virsh setmem %s did not return in time; is libvirtd busy with the domain? try again",
				     a->id, b->vmm->domain);
	if (err)
		return nc_apply_fail(a, EOPNOTSUPP, "doll %u: virsh setmem %s %s --live failed: %.120s; the domain needs <memballoon model='virtio'/>",
				     a->id, b->vmm->domain, kib, out[0] ? out : strerror(-err));
	return 0;
}
