/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libvirt's own view of a domain, for the agent: the process it runs the
 * domain as.  A VMM's "-name guest=NAME" is only a claim; the agent
 * drives domain NAME through virsh only when libvirt says NAME is that
 * VMM.
 */
#ifndef NC_LIBVIRT_H
#define NC_LIBVIRT_H

#include <stddef.h>
#include <sys/types.h>

#include "vmm.h"

/* Where libvirt's QEMU driver keeps a running domain's pid file. */
#define NC_LIBVIRT_RUN	"/run/libvirt/qemu"

/*
 * Whether libvirt runs domain v->domain as v: its pid file, root's and
 * written by no one else, names v->pid, and v still holds that pid.  0,
 * or -errno with why (for a message): -ENOENT no such running domain,
 * -EPERM another process is that domain, -EINVAL not a domain name.
 */
int nc_libvirt_is(const struct nc_vmm *v, char *why, size_t len);

#endif
