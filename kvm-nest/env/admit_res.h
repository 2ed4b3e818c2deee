/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KN_ENV_ADMIT_RES_H
#define KN_ENV_ADMIT_RES_H

#include <linux/types.h>

/* CPU (milli-CPUs) and RAM (bytes) follow the same admission rules. */
enum { KN_CPU, KN_MEM, KN_NR_RES };

/* A limit and a reservation of one resource; limit 0 is none. */
struct kn_res {
	u64 limit, reserve;
};

/*
 * Resource @i of a new envelope, @want, against what any one doll may
 * have (@cap), what all may reserve (@resv) and what the others reserved
 * (@taken).  0, or -EINVAL/-ENOSPC with the reason in @why.
 */
int kn_admit_res(int i, const struct kn_res *want, u64 cap, u64 resv,
		 u64 taken, char *why, size_t len);

#endif
