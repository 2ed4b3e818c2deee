/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A doll's VMM process, as the agent reads it from /proc: its QMP sockets
 * and, for a libvirt domain, the domain's name.  Both are claims the VMM
 * makes on its command line, not identities: a QMP socket is used only
 * when its peer is this process (qmp.c), a domain only when libvirt runs
 * it as this process (libvirt.c).  The process itself is held by a pidfd.
 *   -qmp unix:PATH[,...]  (and -qmp-pretty)
 *   -chardev socket,id=ID,path=PATH[,...] with -mon chardev=ID,mode=control
 *   -name guest=NAME,...  libvirt's form: the doll is a libvirt domain
 *   -uuid UUID            libvirt passes its domain's uuid this way
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
	int pidfd;		/* the process, whatever its pid becomes; -1 */
	bool proc_dir;		/* pidfd is its /proc/PID directory (no pidfd_open) */
	unsigned int n_qmp;
	char qmp[NC_VMM_QMP_MAX][sizeof(((struct sockaddr_un *)0)->sun_path)];
	char domain[256];	/* its -name guest=, "" when none */
	char uuid[37];		/* its -uuid, "" when none or not 36 long */
};

/*
 * Hold the VMM the kernel names: pid and start_ns, when it started (ns
 * since boot, AGENT_APPLY's pid-start).  A pidfd first, then /proc/PID's
 * start time must be start_ns, then its command line is read.  0, or
 * -ESRCH (gone), -ESTALE (the pid is another process's now), -errno.
 */
int nc_vmm_open(struct nc_vmm *v, pid_t pid, uint64_t start_ns);
void nc_vmm_close(struct nc_vmm *v);
/*
 * 0 while the VMM's pid is its own (a zombie keeps it), else -ESRCH.
 * Whatever was read or written by pid before a 0 here was the VMM's.
 */
int nc_vmm_check(const struct nc_vmm *v);
/* Parse a NUL-separated command line of len bytes into v. */
void nc_vmm_parse(const char *cmdline, size_t len, struct nc_vmm *v);
/* Resident memory (VmRSS) in bytes; 0 or -errno (-ESRCH: gone). */
int nc_vmm_rss(const struct nc_vmm *v, uint64_t *bytes);
/* Its start time as /proc/PID/stat has it, in ns since boot; 0 or -errno. */
int nc_proc_start_ns(pid_t pid, uint64_t *ns);

#endif
