/* SPDX-License-Identifier: GPL-2.0 */
/* Checks that run as an unprivileged user, in a child process. */
#ifndef KN_NOBODY_H
#define KN_NOBODY_H

#include "kn_genl.h"

#define KN_NOBODY	65534

/* This process as uid and gid nobody, with no supplementary groups: 0 or -1. */
int kn_become_nobody(void);

/*
 * Runs @fn in a child process as nobody, with its own socket of kvm-nest's
 * family.  Returns what @fn returned (by convention a mask of the checks
 * that failed, below 0xff), or 0xff if the child could not start or died.
 */
int kn_genl_as_nobody(int (*fn)(struct kn_genl *g, const void *arg), const void *arg);

#endif
