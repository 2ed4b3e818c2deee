/* SPDX-License-Identifier: GPL-2.0-only */
/* An envelope's types alone, for code that only computes with them. */
#ifndef KN_ENV_TYPES_H
#define KN_ENV_TYPES_H

#include <linux/types.h>

#include "cpus.h"

#define KN_ENV_WEIGHT_DEFAULT	100
#define KN_ENV_WEIGHT_MAX	10000
/* Room for a refusal that names dolls and numbers. */
#define KN_ENV_WHY_LEN		256

/*
 * A doll's envelope as set: zero means "not set", that is, bounded by
 * the hosting kernel's own envelope and reserving nothing.
 */
struct kn_env {
	u32 cpu_limit;		/* milli-CPUs */
	u32 cpu_reserve;
	u32 cpu_weight;
	struct kn_cpus cpus;	/* CPUs of the kernel hosting the doll */
	u64 mem_limit;		/* bytes */
	u64 mem_reserve;
};

/* Which fields a change sets, one bit per KVM_NEST_A_ENV_* type. */
struct kn_env_change {
	struct kn_env v;
	u32 set;
};

/* What this kernel may hand out to the dolls it hosts. */
struct kn_env_room {
	u32 cpu_cap;		/* milli-CPUs any one doll may use */
	u64 mem_cap;
	u32 cpu_resv;		/* milli-CPUs all dolls may reserve */
	u64 mem_resv;
};

#endif
