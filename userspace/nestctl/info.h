/* SPDX-License-Identifier: GPL-2.0-only */
/* This kernel's own envelope and capacity, from info-get. */
#ifndef NC_INFO_H
#define NC_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "env.h"
#include "nl.h"

struct nc_info {
	bool has_depth;		/* false: a module without envelopes */
	uint32_t depth;		/* 0: no kvm-nest parent */
	bool has_env;		/* depth >= 1: env as the parent set it */
	struct nc_env env;
	bool has_usage;		/* depth >= 1: as the parent measured it */
	uint32_t usage_cpu;
	uint64_t usage_mem;
	uint32_t cap_cpu, resv_cpu;	/* milli-CPUs */
	uint64_t cap_mem, resv_mem;	/* bytes */
	bool has_resv;		/* resv_*: CAP_NET_ADMIN only */
	bool agent;		/* an agent listens at this level */
	bool overcommitted;	/* our dolls reserve more than our envelope */
};

/* info-get into *info; 0 or -errno for nc_nl_report(). */
int nc_info_get(struct nc_nl *nl, struct nc_info *info);

#endif
