/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A doll's virtio balloon: through the VMM's QMP socket for plain QEMU, or
 * libvirt's API for a libvirt domain (libvirt holds its QMP).
 * Sizes are the guest's memory: its RAM less what the balloon holds.
 */
#ifndef NC_BALLOON_H
#define NC_BALLOON_H

#include <stdint.h>

#include "agent.h"
#include "libvirt.h"
#include "qmp.h"
#include "vmm.h"

/*
 * What QEMU itself uses beyond its guest's memory: a balloon target is the
 * limit less this.  Measured in the emulated host (QEMU 7.2, KVM, 512 MiB
 * guest, idle): 45 to 53 MiB resident outside the guest RAM mapping; the
 * rest is room for KVM's kernel memory charged to the cgroup.  nestctl.8.
 */
#define NC_VMM_OVERHEAD		(64ULL << 20)
/* A balloon leaves a guest at least this much (or its RAM, if smaller). */
#define NC_GUEST_MIN		(64ULL << 20)

enum nc_balloon_via { NC_BALLOON_NONE, NC_BALLOON_QMP, NC_BALLOON_LIBVIRT };

struct nc_balloon {
	enum nc_balloon_via via;
	const struct nc_vmm *vmm;
	uint64_t full;		/* the guest's RAM: the most it can have */
	struct nc_qmp *qmp;	/* NC_BALLOON_QMP */
	virConnectPtr conn;	/* NC_BALLOON_LIBVIRT */
	virDomainPtr dom;
};

/*
 * Find the VMM's balloon; 0, or -EOPNOTSUPP with a->msg saying what to
 * add (no QMP socket, no balloon device), or -errno with a->msg.
 */
int nc_balloon_open(struct nc_balloon *b, const struct nc_vmm *vmm,
		    struct nc_apply *a);
void nc_balloon_close(struct nc_balloon *b);
/* The guest's memory now; 0 or -errno with a->msg. */
int nc_balloon_actual(struct nc_balloon *b, struct nc_apply *a, uint64_t *bytes);
/* Ask the guest for bytes of memory; 0 or -errno with a->msg. */
int nc_balloon_set(struct nc_balloon *b, struct nc_apply *a, uint64_t bytes);

/*
 * A libvirt domain's balloon (balloon_libvirt.c), when libvirt says the
 * domain is b->vmm: 0, 1 when it is not (why says so, a->msg untouched),
 * or -errno with a->msg.
 */
int nc_balloon_lv_open(struct nc_balloon *b, struct nc_apply *a,
		       char *why, size_t len);
void nc_balloon_lv_close(struct nc_balloon *b);
int nc_balloon_lv_actual(struct nc_balloon *b, struct nc_apply *a, uint64_t *bytes);
int nc_balloon_lv_set(struct nc_balloon *b, struct nc_apply *a, uint64_t bytes);

#endif
