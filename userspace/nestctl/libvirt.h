/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libvirt's own view of a domain, for the agent, through libvirt's C API
 * (never virsh's text, which libvirt translates).  A VMM's "-uuid" and
 * "-name guest=NAME" are only claims: the agent drives a domain only when
 * libvirt runs it, and libvirt's pid file of it names that VMM.
 */
#ifndef NC_LIBVIRT_H
#define NC_LIBVIRT_H

#include <stddef.h>
#include <sys/types.h>
#include <libvirt/libvirt.h>

#include "env.h"
#include "vmm.h"

/* The connection the agent uses: the system QEMU driver. */
#define NC_LIBVIRT_URI	"qemu:///system"
/*
 * The namespace of a domain's <envelope> in its <metadata>, and the one
 * read before it (Documentation/libvirt.rst); the hook reads both too.
 */
#define NC_LIBVIRT_NS		"https://kvm-nest.org/xmlns/libvirt/1.0"
#define NC_LIBVIRT_NS_OLD	"https://kvm-nest.example/envelope/1"

/* Where libvirt's QEMU driver keeps a running domain's pid file. */
#define NC_LIBVIRT_RUN	"/run/libvirt/qemu"

/* A connection to NC_LIBVIRT_URI, NULL with why; errors never printed. */
virConnectPtr nc_libvirt_open(char *why, size_t len);
/* The last libvirt error of this thread, for a message. */
const char *nc_libvirt_err(void);

/*
 * The pid libvirt wrote for running domain name, from a pid file that is
 * root's and written by no one else.  0, or -errno with why: -ENOENT no
 * such running domain, -EINVAL not a domain name.
 */
int nc_libvirt_pid(const char *name, pid_t *pid, char *why, size_t len);

/*
 * The running domain that is v: found by v's -uuid (else by its name),
 * and libvirt's pid file of it names v->pid, which still is v.  0 with
 * *dom (virDomainFree it), or -errno with why (for a message): -ENOENT no
 * such running domain, -EPERM another process runs that domain.
 */
int nc_libvirt_domain(virConnectPtr conn, const struct nc_vmm *v,
		      virDomainPtr *dom, char *why, size_t len);

/*
 * The <envelope .../> element of a domain's metadata, as libvirt gives it,
 * into env with every field present (absent or "" attributes unset), so
 * that it replaces the envelope whole.  0, or -EINVAL with why.  The
 * values are checked as nestctl's command line checks them.
 */
int nc_libvirt_env_parse(const char *xml, struct nc_env *env, char *why,
			 size_t len);

#endif
