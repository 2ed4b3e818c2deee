/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An envelope (KVM_NEST_A_ENV_* nest): its fields as the kernel sent them,
 * or as a request sets them.  A field not in has is unset: no own limit,
 * no reserve, the default weight, every CPU of the hosting kernel.
 */
#ifndef NC_ENV_H
#define NC_ENV_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "print.h"

#define NC_WEIGHT_MIN		1
#define NC_WEIGHT_MAX		10000
#define NC_WEIGHT_DEFAULT	100
/*
 * A CPU list as the module sends it: 32 ranges of CPUs below 8192 take
 * 320 bytes; a resolved "all" is the host's online CPUs, any number of
 * ranges.  Longer is refused as malformed, never cut.
 */
#define NC_CPUS_LEN		4096
/* The longest VM name kvm-nest keeps (KN_NAME_LEN less its NUL). */
#define NC_NAME_MAX		63

enum {
	NC_ENV_CPU_LIMIT = 1 << 0,
	NC_ENV_CPU_RESERVE = 1 << 1,
	NC_ENV_CPU_WEIGHT = 1 << 2,
	NC_ENV_CPUS = 1 << 3,
	NC_ENV_MEM_LIMIT = 1 << 4,
	NC_ENV_MEM_RESERVE = 1 << 5,
};

struct nc_env {
	unsigned int has;
	uint32_t cpu_limit, cpu_reserve, cpu_weight;	/* milli, milli, 1..10000 */
	uint64_t mem_limit, mem_reserve;		/* bytes */
	char cpus[NC_CPUS_LEN];
};

/* The envelope nest a; 0 or -EBADMSG.  A 0 or "" value counts as unset. */
int nc_env_parse(const struct nlattr *a, struct nc_env *env);
/* Put the fields in has as a nest of type type into nlh. */
void nc_env_put(struct nlmsghdr *nlh, uint16_t type, const struct nc_env *env);

/*
 * The six fields.  Text: cpu.limit 1.500 ... mem.limit 256M (unset limits
 * "max", unset cpus "all"); JSON: cpu_limit 1.5 ... (unset limits null,
 * unset cpus "").  Weight shows 100 when unset.
 */
void nc_env_print(struct nc_print *p, const struct nc_env *env);

#endif
