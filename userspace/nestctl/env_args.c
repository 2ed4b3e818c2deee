// SPDX-License-Identifier: GPL-2.0-only
/* The words of "envelope set": exact values, or errors that say what to write. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env_args.h"
#include "units.h"
#include "util.h"

#define NC_OBJ	"envelope"

struct nc_env_key {
	const char *word;
	unsigned int bit;
};

static const struct nc_env_key nc_env_keys[] = {
	{ "cpu.limit", NC_ENV_CPU_LIMIT },
	{ "cpu.reserve", NC_ENV_CPU_RESERVE },
	{ "cpu.weight", NC_ENV_CPU_WEIGHT },
	{ "cpus", NC_ENV_CPUS },
	{ "mem.limit", NC_ENV_MEM_LIMIT },
	{ "mem.reserve", NC_ENV_MEM_RESERVE },
};

unsigned int nc_env_field(const char *word)
{
	for (size_t i = 0; i < NC_ARRAY_SIZE(nc_env_keys); i++)
		if (!strcmp(word, nc_env_keys[i].word))
			return nc_env_keys[i].bit;
	return 0;
}

const char *nc_env_word(unsigned int bit)
{
	for (size_t i = 0; i < NC_ARRAY_SIZE(nc_env_keys); i++)
		if (nc_env_keys[i].bit == bit)
			return nc_env_keys[i].word;
	return "?";
}

static int nc_bad_cpus_amount(const char *key, const char *v, enum nc_unit_err e,
			      bool limit)
{
	if (v[0] == '-')
		return nc_usage_error(NC_OBJ, "%s \"%s\" is negative: give a number of CPUs like 1.5 or 0.25%s",
				      key, v, limit ? ", or max" : "");
	switch (e) {
	case NC_UNIT_DECIMALS:
		return nc_usage_error(NC_OBJ, "%s \"%s\" has more than 3 decimals: kvm-nest counts thousandths of a CPU, e.g. 0.125",
				      key, v);
	case NC_UNIT_RANGE:
		return nc_usage_error(NC_OBJ, "%s \"%s\" is too large: at most 4294967.295 CPUs",
				      key, v);
	default:
		return nc_usage_error(NC_OBJ, "%s wants a number of CPUs like 1.5 or 0.25%s, not \"%s\"",
				      key, limit ? ", or max" : "", v);
	}
}

static int nc_arg_cpu_limit(const char *v, struct nc_env *env)
{
	enum nc_unit_err e;

	if (nc_is(v, "max")) {
		env->cpu_limit = 0;
		return NC_OK;
	}
	e = nc_parse_milli(v, &env->cpu_limit);
	if (e)
		return nc_bad_cpus_amount("cpu.limit", v, e, true);
	if (!env->cpu_limit)
		return nc_usage_error(NC_OBJ, "cpu.limit 0 would give no CPU time at all: write max for no own limit, or at least 0.020");
	if (env->cpu_limit < NC_CPU_LIMIT_MIN)
		return nc_usage_error(NC_OBJ, "cpu.limit %s is below 0.020, the smallest share the agent's cpu.max enforces (1 ms per 50 ms)",
				      v);
	return NC_OK;
}

static int nc_arg_cpu_reserve(const char *v, struct nc_env *env)
{
	enum nc_unit_err e = nc_parse_milli(v, &env->cpu_reserve);

	return e ? nc_bad_cpus_amount("cpu.reserve", v, e, false) : NC_OK;
}

static int nc_arg_weight(const char *v, struct nc_env *env)
{
	if (!nc_parse_u32(v, &env->cpu_weight) || env->cpu_weight < NC_WEIGHT_MIN ||
	    env->cpu_weight > NC_WEIGHT_MAX)
		return nc_usage_error(NC_OBJ, "cpu.weight wants a whole number from %d to %d (default %d), not \"%s\"",
				      NC_WEIGHT_MIN, NC_WEIGHT_MAX, NC_WEIGHT_DEFAULT, v);
	return NC_OK;
}

static int nc_arg_cpus(const char *v, struct nc_env *env)
{
	struct nc_cpus set;
	unsigned int ranges;
	char *list;
	int ret;

	if (nc_is(v, "all")) {
		env->cpus[0] = '\0';
		return NC_OK;
	}
	switch (nc_parse_cpus(v, &set)) {
	case NC_UNIT_OK:
		break;
	case NC_UNIT_CPU:
		return nc_usage_error(NC_OBJ, "cpus \"%s\" names a CPU above %d: kvm-nest handles CPUs 0 to %d",
				      v, NC_CPUS_MAX - 1, NC_CPUS_MAX - 1);
	case NC_UNIT_ORDER:
		return nc_usage_error(NC_OBJ, "cpus \"%s\" has a range that runs backwards: write it low-high, e.g. 1-3",
				      v);
	case NC_UNIT_NOMEM:
		return nc_usage_error(NC_OBJ, "cpus \"%s\": out of memory", v);
	default:
		return nc_usage_error(NC_OBJ, "cpus wants a CPU list like 0-3,6, or all, not \"%s\"",
				      v);
	}
	list = nc_fmt_cpus(&set, &ranges);
	nc_cpus_free(&set);
	if (!list)
		return nc_usage_error(NC_OBJ, "cpus \"%s\": out of memory", v);
	if (ranges > NC_CPUS_RANGES || strlen(list) >= sizeof(env->cpus))
		ret = nc_usage_error(NC_OBJ, "cpus \"%s\" is %u ranges once merged; kvm-nest keeps at most %d (0-63,128-191 is 2)",
				     v, ranges, NC_CPUS_RANGES);
	else
		ret = (snprintf(env->cpus, sizeof(env->cpus), "%s", list), NC_OK);
	free(list);
	return ret;
}

static int nc_arg_size(const char *key, const char *v, uint64_t *bytes,
		       bool limit)
{
	if (limit && nc_is(v, "max")) {
		*bytes = 0;
		return NC_OK;
	}
	switch (nc_parse_size(v, bytes)) {
	case NC_UNIT_OK:
		break;
	case NC_UNIT_DECIMALS:
		return nc_usage_error(NC_OBJ, "%s \"%s\": sizes are whole numbers; use a smaller unit, e.g. 1536M for 1.5G",
				      key, v);
	case NC_UNIT_RANGE:
		return nc_usage_error(NC_OBJ, "%s \"%s\" is too large: at most 2^64 - 1 bytes",
				      key, v);
	default:
		if (v[0] == '-')
			return nc_usage_error(NC_OBJ, "%s \"%s\" is negative: give bytes or a size like 512M",
					      key, v);
		return nc_usage_error(NC_OBJ, "%s wants bytes or a size like 512M or 2GiB (K, M, G, T, or KiB, MiB, GiB, TiB: powers of 1024)%s, not \"%s\"",
				      key, limit ? ", or max" : "", v);
	}
	if (limit && !*bytes)
		return nc_usage_error(NC_OBJ, "%s 0 would leave no memory at all: write max for no own limit", key);
	return NC_OK;
}

static int nc_env_arg(unsigned int bit, const char *v, struct nc_env *env)
{
	switch (bit) {
	case NC_ENV_CPU_LIMIT:
		return nc_arg_cpu_limit(v, env);
	case NC_ENV_CPU_RESERVE:
		return nc_arg_cpu_reserve(v, env);
	case NC_ENV_CPU_WEIGHT:
		return nc_arg_weight(v, env);
	case NC_ENV_CPUS:
		return nc_arg_cpus(v, env);
	case NC_ENV_MEM_LIMIT:
		return nc_arg_size("mem.limit", v, &env->mem_limit, true);
	default:
		return nc_arg_size("mem.reserve", v, &env->mem_reserve, false);
	}
}

/* Reserves above limits set in the same command: the kernel would refuse. */
static int nc_env_check(const struct nc_env *env)
{
	char r[32], l[32];

	if (env->cpu_limit && env->cpu_reserve > env->cpu_limit) {
		nc_fmt_milli(r, sizeof(r), env->cpu_reserve);
		nc_fmt_milli(l, sizeof(l), env->cpu_limit);
		return nc_usage_error(NC_OBJ, "cpu.reserve %s is above cpu.limit %s: a doll cannot be guaranteed more than it may use",
				      r, l);
	}
	if (env->mem_limit && env->mem_reserve > env->mem_limit) {
		nc_fmt_size(r, sizeof(r), env->mem_reserve);
		nc_fmt_size(l, sizeof(l), env->mem_limit);
		return nc_usage_error(NC_OBJ, "mem.reserve %s is above mem.limit %s: a doll cannot be guaranteed more than it may use",
				      r, l);
	}
	return NC_OK;
}

int nc_env_args(int argc, char **argv, struct nc_env *env, bool *dry_run)
{
	*env = (struct nc_env){ 0 };
	*dry_run = false;
	for (int i = 0; i < argc; i++) {
		const struct nc_env_key *k = NULL;
		int rc;

		if (nc_is(argv[i], "dry-run")) {
			if (*dry_run)
				return nc_usage_error(NC_OBJ, "dry-run given twice");
			*dry_run = true;
			continue;
		}
		for (size_t j = 0; j < NC_ARRAY_SIZE(nc_env_keys); j++)
			if (nc_is(argv[i], nc_env_keys[j].word))
				k = &nc_env_keys[j];
		if (!k)
			return nc_unknown_arg(NC_OBJ, argv[i]);
		if (env->has & k->bit)
			return nc_usage_error(NC_OBJ, "%s given twice", k->word);
		if (i + 1 == argc)
			return nc_usage_error(NC_OBJ, "%s needs a value", k->word);
		rc = nc_env_arg(k->bit, argv[++i], env);
		if (rc)
			return rc;
		env->has |= k->bit;
	}
	if (!(env->has))
		return nc_usage_error(NC_OBJ, "nothing to set: give at least one of cpu.limit, cpu.reserve, cpu.weight, cpus, mem.limit, mem.reserve");
	return nc_env_check(env);
}
