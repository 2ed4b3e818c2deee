// SPDX-License-Identifier: GPL-2.0-only
/* A doll's virtio balloon, through QMP or libvirt's API. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balloon.h"

/* QMP: connecting waits for QEMU to serve us; commands answer at once. */
#define NC_QMP_OPEN_MS	10000
#define NC_QMP_CMD_MS	5000

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
		err = nc_qmp_open(b->qmp, v->qmp[i], v->pid,
				  nc_min_ms(NC_QMP_OPEN_MS, nc_apply_left_ms(a)));
		if (!err)
			break;
		if (err == -EPERM)
			nc_log("doll %u: QMP socket %s is served by pid %d, not by its VMM (pid %u): not used",
			       a->id, v->qmp[i], (int)b->qmp->peer, a->pid);
		else
			nc_log("doll %u: QMP socket %s: %s", a->id, v->qmp[i], nc_qmp_why(b->qmp, err));
	}
	if (err == -EPERM)
		return nc_apply_fail(a, EPERM, "doll %u: its QMP socket %s is served by pid %d, not by its VMM (pid %u); another process's socket is never used: give its QEMU a -qmp socket of its own",
				     a->id, v->qmp[v->n_qmp - 1], (int)b->qmp->peer, a->pid);
	if (!err && nc_vmm_check(v))
		return nc_apply_fail(a, ENOENT, "doll %u's VMM (pid %u) is gone", a->id, a->pid);
	if (err == -ETIMEDOUT)
		return nc_apply_fail(a, EBUSY, "doll %u: its QMP socket %s does not answer (another client holds it?); free it, or give QEMU a second -qmp socket",
				     a->id, v->qmp[v->n_qmp - 1]);
	if (err)
		return nc_apply_fail(a, EOPNOTSUPP, "doll %u: cannot use its QMP socket %s (%s); start its QEMU with -qmp unix:PATH,server=on,wait=off",
				     a->id, v->qmp[v->n_qmp - 1], nc_qmp_why(b->qmp, err));
	err = nc_qmp_cmd(b->qmp, "query-balloon", NULL, NC_QMP_CMD_MS);
	if (err == -EREMOTEIO) {
		nc_qmp_error(b->qmp, desc, sizeof(desc));
		return nc_apply_fail(a, EOPNOTSUPP, "doll %u has no virtio balloon (QEMU: %s); start it with -device virtio-balloon-pci and the guest's virtio_balloon driver",
				     a->id, desc);
	}
	if (!err)
		err = nc_qmp_cmd(b->qmp, "query-memory-size-summary", NULL, NC_QMP_CMD_MS);
	if (err)
		return nc_apply_fail(a, EIO, "doll %u: %s", a->id, nc_qmp_why(b->qmp, err));
	nc_qmp_u64(b->qmp, "base-memory", &base);
	nc_qmp_u64(b->qmp, "plugged-memory", &plugged);
	b->full = base + plugged;
	return 0;
}

int nc_balloon_open(struct nc_balloon *b, const struct nc_vmm *vmm,
		    struct nc_apply *a)
{
	char why[200] = "";

	*b = (struct nc_balloon){ .vmm = vmm };
	/* Its -name is a claim: libvirt must say the domain is this VMM. */
	if (vmm->domain[0]) {
		int err = nc_balloon_lv_open(b, a, why, sizeof(why));

		if (err <= 0)
			return err;
		nc_log("doll %u (pid %u) is named as libvirt domain '%s', but %s: not using libvirt for it",
		       a->id, a->pid, vmm->domain, why);
	}
	if (!vmm->n_qmp && why[0])
		return nc_apply_fail(a, EPERM, "doll %u (pid %u) is named as libvirt domain '%s', but %s, and it has no QMP socket: no balloon of its own to use; a name is not an identity",
				     a->id, a->pid, vmm->domain, why);
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
	nc_balloon_lv_close(b);
	*b = (struct nc_balloon){ 0 };
}

int nc_balloon_actual(struct nc_balloon *b, struct nc_apply *a, uint64_t *bytes)
{
	int err;

	if (b->via == NC_BALLOON_QMP) {
		err = nc_qmp_cmd(b->qmp, "query-balloon", NULL, NC_QMP_CMD_MS);
		if (!err && !nc_qmp_u64(b->qmp, "actual", bytes))
			return nc_apply_fail(a, EIO, "doll %u: query-balloon's reply has no \"actual\" size; is this QEMU's balloon device a virtio-balloon?",
					     a->id);
		if (err)
			return nc_apply_fail(a, EIO, "doll %u: query-balloon failed: %s",
					     a->id, nc_qmp_why(b->qmp, err));
		return 0;
	}
	return nc_balloon_lv_actual(b, a, bytes);
}

int nc_balloon_set(struct nc_balloon *b, struct nc_apply *a, uint64_t bytes)
{
	char args[64], desc[160];
	int err;

	if (b->via == NC_BALLOON_QMP) {
		snprintf(args, sizeof(args), "{\"value\":%" PRIu64 "}", bytes);
		err = nc_qmp_cmd(b->qmp, "balloon", args, NC_QMP_CMD_MS);
		if (err == -EREMOTEIO) {
			nc_qmp_error(b->qmp, desc, sizeof(desc));
			return nc_apply_fail(a, EOPNOTSUPP, "doll %u: QEMU refused the balloon: %s; does the guest load virtio_balloon?",
					     a->id, desc);
		}
		if (err)
			return nc_apply_fail(a, EIO, "doll %u: balloon over QMP failed: %s",
					     a->id, nc_qmp_why(b->qmp, err));
		return 0;
	}
	return nc_balloon_lv_set(b, a, bytes);
}
