/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_FIT_H
#define KN_ENV_FIT_H

/*
 * Fit mode (module parameter fit_cpus): this kernel keeps
 * ceil(cpu.limit) of its CPUs online, so that its scheduler does not
 * spread work over vCPUs its host throttles.  Called when our own
 * envelope may have changed.
 */
void kn_fit_update(void);
int kn_fit_init(void);
/* Brings back every CPU fit mode took offline. */
void kn_fit_exit(void);

#endif
