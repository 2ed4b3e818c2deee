// SPDX-License-Identifier: GPL-2.0-only
/*
 * The balloon of a libvirt domain, through libvirt's C API: libvirt owns
 * the domain's QMP socket.  Sizes cross the API in KiB.  A call waits for
 * libvirt's job on the domain, at most libvirt's own 30 s.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "balloon.h"

int nc_balloon_lv_open(struct nc_balloon *b, struct nc_apply *a,
		       char *why, size_t len)
{
	unsigned long kib;
	int err;

	b->conn = nc_libvirt_open(why, len);
	if (!b->conn)
		return 1;
	err = nc_libvirt_domain(b->conn, b->vmm, &b->dom, why, len);
	if (err) {
		nc_balloon_lv_close(b);
		return 1;
	}
	b->via = NC_BALLOON_LIBVIRT;
	kib = virDomainGetMaxMemory(b->dom);
	if (!kib)
		return nc_apply_fail(a, EIO, "doll %u is libvirt domain %s, but libvirt gives no maximum memory for it (%s)",
				     a->id, virDomainGetName(b->dom), nc_libvirt_err());
	b->full = (uint64_t)kib * 1024;
	return 0;
}

void nc_balloon_lv_close(struct nc_balloon *b)
{
	if (b->dom)
		virDomainFree(b->dom);
	if (b->conn)
		virConnectClose(b->conn);
	b->dom = NULL;
	b->conn = NULL;
}

int nc_balloon_lv_actual(struct nc_balloon *b, struct nc_apply *a, uint64_t *bytes)
{
	virDomainInfo info;

	if (virDomainGetInfo(b->dom, &info))
		return nc_apply_fail(a, EIO, "doll %u: libvirt gives no memory size of domain %s: %s; is libvirtd running?",
				     a->id, virDomainGetName(b->dom), nc_libvirt_err());
	*bytes = (uint64_t)info.memory * 1024;
	return 0;
}

int nc_balloon_lv_set(struct nc_balloon *b, struct nc_apply *a, uint64_t bytes)
{
	unsigned long kib = (unsigned long)(bytes / 1024);

	if (virDomainSetMemoryFlags(b->dom, kib, VIR_DOMAIN_AFFECT_LIVE))
		return nc_apply_fail(a, EOPNOTSUPP, "doll %u: libvirt did not set domain %s's memory to %lu KiB: %s; the domain needs <memballoon model='virtio'/>",
				     a->id, virDomainGetName(b->dom), kib, nc_libvirt_err());
	return 0;
}
