/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A doll's VMM process, as the agent reads it from /proc: its QMP sockets
 * and, for a libvirt domain, the domain's name.
 *   -qmp unix:PATH[,...]  (and -qmp-pretty)
 *   -chardev socket,id=ID,path=PATH[,...] with -mon chardev=ID,mode=control
 *   -name guest=NAME,...  libvirt's form: the doll is a libvirt domain
 */
#ifndef NC_VMM_H
#define NC_VMM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#define NC_VMM_QMP_MAX	4

struct nc_vmm {
	pid_t pid;
	unsigned int n_qmp;
	char qmp[NC_VMM_QMP_MAX][sizeof(((struct sockaddr_un *)0)->sun_path)];
	char domain[256];	/* libvirt domain name, "" when none */
};

/* Read pid's command line; 0 or -errno (-ESRCH: the process is gone). */
int nc_vmm_read(pid_t pid, struct nc_vmm *v);
/* Parse a NUL-separated command line of len bytes into v. */
void nc_vmm_parse(const char *cmdline, size_t len, struct nc_vmm *v);
/* Resident memory (VmRSS) in bytes; 0 or -errno. */
int nc_vmm_rss(pid_t pid, uint64_t *bytes);
bool nc_vmm_alive(pid_t pid);

#endif
